"""Service helpers the staff screens rely on: unattended reloads and the editable settings."""

import pytest

from payflow_tui.services import errors as E


def test_unattended_reads_do_not_keep_an_idle_session_alive(bank, clock):
    pf = bank.pf
    clock.advance(minutes=10)
    with pf.unattended():
        assert pf.pending_deposits(bank.teller).items == []
    clock.advance(minutes=6)  # 16 minutes since the teller last did anything
    assert not pf.session_alive(bank.teller)
    with pytest.raises(E.SessionExpired):
        pf.pending_deposits(bank.teller)


def test_attended_reads_count_as_activity(bank, clock):
    pf = bank.pf
    clock.advance(minutes=10)
    pf.pending_deposits(bank.teller)
    clock.advance(minutes=6)
    assert pf.session_alive(bank.teller)
    assert pf.pending_deposits(bank.teller).items == []


def test_unattended_is_undone_after_the_block(bank, clock):
    pf = bank.pf
    with pf.unattended():
        pass
    clock.advance(minutes=10)
    pf.wallet(bank.ada)
    clock.advance(minutes=10)
    assert pf.session_alive(bank.ada)


def test_editable_settings_lists_what_set_setting_accepts(bank):
    pf = bank.pf
    keys = pf.editable_settings()
    assert "registration_open" in keys and "idle_timeout_minutes" in keys
    assert "sandbox" not in keys and "clock_offset_seconds" not in keys
    pf.set_setting(bank.admin, "idle_timeout_minutes", "30")
    with pytest.raises(E.InvalidInput):
        pf.set_setting(bank.admin, "sandbox", "1")
