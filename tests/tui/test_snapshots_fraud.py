"""Snapshots of the fraud desk at 100x30, on fixed data and a frozen clock.

Regenerate with ``pytest tests/tui/test_snapshots_fraud.py --snapshot-update`` and look
at the .svg files before committing them.
"""

from __future__ import annotations

import pytest

from tests.fraud_support import advance, bank  # noqa: F401  (the shared bank, step-up out of the way)

from textual.widgets import Input

from .conftest import SIZE, settle
from .fraud_helpers import ALERTS, AUDIT, RULES, open_alerts, open_named, tamper_balance
from .staff_helpers import press, sign_in
from .test_snapshots_staff import fixed_references  # noqa: F401  (fixture)


@pytest.fixture
def fraud_bank(bank, clock, fixed_references):  # noqa: F811
    """Three alerts: a medium one already acknowledged, a high one (Bola locked by her failed
    payments) and a critical one (Chidi's balance edited behind the ledger's back)."""
    pf = bank.pf
    pf.create_user(bank.admin, "chidi@bank.test", "Chidi Okafor", "correct-horse-battery", "USER")
    open_alerts(bank, clock)
    clock.advance(minutes=7)
    chidi = pf.login("chidi@bank.test", "correct-horse-battery")
    bank.fund(chidi, 4_000_000)
    tamper_balance(pf, "chidi@bank.test", 100_000)
    pf.check_wallet_integrity()
    medium = pf.list_alerts(bank.admin, severity="MEDIUM").items[0]
    pf.acknowledge_alert(bank.admin, medium.id)
    pf.set_rule(bank.admin, "NEW_RECIPIENTS", action="BLOCK", params={"max_new_recipients": 5})
    advance(bank, clock, minutes=25)  # everyone logs in again, except Bola: she is locked
    return bank


def steps(session, section_id: str, *keys: str):
    """Sign in, open a section by its id (its key depends on which sections exist), press keys."""

    async def run_before(pilot) -> None:
        await sign_in(pilot, session)
        await open_named(pilot, section_id)
        for key in keys:
            await press(pilot, key)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def test_alert_queue(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(fraud_bank.admin, ALERTS))


def test_alert_detail(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(fraud_bank.admin, ALERTS, "down", "enter"))


def test_alert_detail_of_a_tampered_wallet(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(fraud_bank.admin, ALERTS, "enter"))


def test_resolve_dialog(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(fraud_bank.admin, ALERTS, "r"))


def test_rules(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(fraud_bank.admin, RULES, "down"))


def test_rule_form(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(fraud_bank.admin, RULES, "down", "e"))


def test_audit_log_with_the_chain_verified(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(fraud_bank.admin, AUDIT, "v"))


def test_audit_log_at_80x24(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=steps(fraud_bank.admin, AUDIT))


def test_alert_queue_at_80x24(snap_compare, fraud_bank, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=steps(fraud_bank.admin, ALERTS))
