"""Screens refreshing themselves do not keep an idle session alive; the amount ceiling."""

import pytest

from payflow_tui.services import errors as E


def test_a_passive_read_does_not_count_as_activity(bank, clock):
    pf, ada = bank.pf, bank.ada
    clock.advance(minutes=10)
    with pf.unattended():
        assert pf.wallet(ada).balance == 0  # still valid: 10 of 15 minutes
    clock.advance(minutes=6)
    with pf.unattended(), pytest.raises(E.SessionExpired):
        pf.wallet(ada)
    assert not pf.session_alive(ada)


def test_an_ordinary_call_is_activity(bank, clock):
    pf, ada = bank.pf, bank.ada
    clock.advance(minutes=10)
    pf.wallet(ada)
    clock.advance(minutes=10)
    assert pf.wallet(ada).balance == 0


def test_passive_ends_with_its_block(bank, clock):
    pf, ada = bank.pf, bank.ada
    with pytest.raises(RuntimeError), pf.unattended():
        raise RuntimeError("a failing refresh")
    clock.advance(minutes=10)
    pf.wallet(ada)  # not passive any more: this touches the session
    clock.advance(minutes=10)
    assert pf.session_alive(ada)


def test_amount_limit_follows_the_setting(bank):
    pf = bank.pf
    assert pf.amount_limit() == 100_000_000 * 100
    pf.set_setting(bank.admin, "max_amount_minor", "5000000")
    assert pf.amount_limit() == 5_000_000
