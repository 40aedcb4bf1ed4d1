"""Rules NEW_RECIPIENTS (many first-time recipients in a short time) and
LARGE_AFTER_SECURITY_CHANGE (a large payment soon after a password change or an unlock)."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import advance, all_alerts, fail_transfers, ledger_state

from payflow_tui.services import errors as E


@pytest.fixture
def payer(bank):
    for i in range(1, 7):
        bank.pf.create_user(bank.admin, f"r{i}@bank.test", f"Recipient {i}", PASSWORD)
    bank.fund(bank.ada, 1_000_000)
    return bank


def pay(bank, *recipients: int, amount: int = 100) -> None:
    for i in recipients:
        bank.pf.transfer(bank.ada, f"r{i}@bank.test", amount)


def rule_alerts(bank, code):
    return [a for a in all_alerts(bank.pf, bank.admin) if a.rule == code]


# -- first-time recipients ----------------------------------------------------------------

def test_three_new_recipients_are_fine_the_fourth_alerts(payer):
    pay(payer, 1, 2, 3)
    assert rule_alerts(payer, "NEW_RECIPIENTS") == []
    pay(payer, 4)
    [alert] = rule_alerts(payer, "NEW_RECIPIENTS")
    assert (alert.severity, alert.user_email, alert.details["new_recipients"]) == ("HIGH", "ada@bank.test", 4)
    sent = [t for t in payer.pf.get_alert(payer.admin, alert.id).transactions if t.direction == "DEBIT"]
    assert [t.counterparty_email for t in sent] == [f"r{i}@bank.test" for i in (1, 2, 3, 4)]
    pay(payer, 5)  # the same burst joins the open alert
    [alert] = rule_alerts(payer, "NEW_RECIPIENTS")
    assert alert.details["new_recipients"] == 4 and alert.transaction_count > 5


def test_paying_a_known_recipient_again_is_not_new(payer):
    pay(payer, 1, 2, 3)
    pay(payer, 1, 2, 3, 1)
    assert rule_alerts(payer, "NEW_RECIPIENTS") == []


def test_a_recipient_first_paid_before_the_window_is_not_new(payer, clock):
    pay(payer, 1)
    advance(payer, clock, minutes=31)
    pay(payer, 1, 2, 3, 4)
    assert rule_alerts(payer, "NEW_RECIPIENTS") == []


def test_window_edges(payer, clock):
    pay(payer, 1)
    advance(payer, clock, minutes=10)
    pay(payer, 2, 3)
    advance(payer, clock, minutes=20)  # the first is exactly 30 minutes old: still inside
    pay(payer, 4)
    assert len(rule_alerts(payer, "NEW_RECIPIENTS")) == 1


def test_window_edge_just_outside(payer, clock):
    pay(payer, 1)
    advance(payer, clock, minutes=10)
    pay(payer, 2, 3)
    advance(payer, clock, minutes=20, microseconds=1)
    pay(payer, 4)
    assert rule_alerts(payer, "NEW_RECIPIENTS") == []


def test_block_action_refuses_the_fourth_new_recipient(payer):
    pf = payer.pf
    pf.set_rule(payer.admin, "NEW_RECIPIENTS", action="BLOCK")
    pay(payer, 1, 2, 3)
    before = ledger_state(pf)
    with pytest.raises(E.RuleBlocked):
        pay(payer, 4)
    after = ledger_state(pf)
    assert after["balances"] == before["balances"] and after["postings"] == before["postings"]
    [alert] = rule_alerts(payer, "NEW_RECIPIENTS")
    failed = [t for t in pf.get_alert(payer.admin, alert.id).transactions if t.status == "FAILED"]
    assert [t.counterparty_email for t in failed] == ["r4@bank.test"]
    pay(payer, 1)  # a known recipient still goes through


# -- large payments after a password change or an unlock ----------------------------------------

def change_password(bank, clock):
    advance(bank, clock, hours=1)
    bank.pf.change_password(bank.ada, PASSWORD, "a-brand-new-password")
    bank.pf.logout(bank.ada)
    bank.ada = bank.pf.login("ada@bank.test", "a-brand-new-password")


def test_over_fifty_thousand_right_after_a_password_change_alerts(bank, clock):
    bank.fund(bank.ada, 20_000_000)
    change_password(bank, clock)
    bank.pf.withdraw(bank.ada, 5_000_000)  # exactly ₦50,000.00: fine
    assert rule_alerts(bank, "LARGE_AFTER_SECURITY_CHANGE") == []
    bank.pf.withdraw(bank.ada, 5_000_001)
    [alert] = rule_alerts(bank, "LARGE_AFTER_SECURITY_CHANGE")
    assert (alert.details["event"], alert.details["amount"]) == ("a password change", 5_000_001)
    assert bank.pf.balance(bank.ada) == 20_000_000 - 10_000_001


def test_the_password_set_at_sign_up_is_not_a_change(bank):
    bank.fund(bank.ada, 20_000_000)
    bank.pf.transfer(bank.ada, "bola@bank.test", 10_000_000)
    assert rule_alerts(bank, "LARGE_AFTER_SECURITY_CHANGE") == []


def test_the_window_is_24_hours(bank, clock):
    bank.fund(bank.ada, 20_000_000)
    change_password(bank, clock)
    advance(bank, clock, hours=24, microseconds=1)
    bank.ada = bank.pf.login("ada@bank.test", "a-brand-new-password")
    bank.pf.transfer(bank.ada, "bola@bank.test", 6_000_000)
    assert rule_alerts(bank, "LARGE_AFTER_SECURITY_CHANGE") == []


def test_a_large_transfer_soon_after_an_unlock_alerts(bank, clock):
    bank.fund(bank.ada, 20_000_000)
    bank.pf.set_rule(bank.admin, "REPEATED_FAILURES", params={"max_failures": 1})
    fail_transfers(bank.pf, bank.ada, 2)
    advance(bank, clock, hours=2)
    bank.pf.unlock_user(bank.admin, "ada@bank.test")
    bank.ada = bank.pf.login("ada@bank.test", PASSWORD)
    bank.pf.transfer(bank.ada, "bola@bank.test", 6_000_000)
    [alert] = rule_alerts(bank, "LARGE_AFTER_SECURITY_CHANGE")
    assert alert.details["event"] == "an unlock"


def test_block_action_stops_the_payment(bank, clock):
    bank.fund(bank.ada, 20_000_000)
    bank.pf.set_rule(bank.admin, "LARGE_AFTER_SECURITY_CHANGE", action="BLOCK")
    change_password(bank, clock)
    with pytest.raises(E.RuleBlocked):
        bank.pf.transfer(bank.ada, "bola@bank.test", 6_000_000)
    assert bank.pf.balance(bank.ada) == 20_000_000
    bank.pf.transfer(bank.ada, "bola@bank.test", 5_000_000)
    assert bank.pf.balance(bank.bola) == 5_000_000
