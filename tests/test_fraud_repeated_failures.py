"""Rule REPEATED_FAILURES: more than 3 FAILED payments by one user within 10 minutes locks them."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import all_alerts, fail_transfers, scalar, user_row

from payflow_tui.services import errors as E


def test_three_failures_leave_the_user_active(bank):
    fail_transfers(bank.pf, bank.ada, 3)
    assert user_row(bank.pf, "ada@bank.test")["status"] == "ACTIVE"
    assert all_alerts(bank.pf, bank.admin) == []
    bank.pf.wallet(bank.ada)  # still allowed to act


def test_the_fourth_failure_locks_the_user_and_opens_an_alert(bank):
    pf = bank.pf
    fail_transfers(pf, bank.ada, 4)
    user = user_row(pf, "ada@bank.test")
    assert user["status"] == "LOCKED"
    assert user["locked_until"] is None
    assert user["lock_reason"] == "4 failed payments within 10 minutes"
    [alert] = all_alerts(pf, bank.admin)
    assert (alert.rule, alert.severity, alert.user_email, alert.status) == (
        "REPEATED_FAILURES", "HIGH", "ada@bank.test", "OPEN")
    detail = pf.get_alert(bank.admin, alert.id)
    assert [t.status for t in detail.transactions] == ["FAILED"] * 4
    assert {t.owner_email for t in detail.transactions} == {"ada@bank.test"}
    assert scalar(pf, "SELECT count(*) FROM audit_log WHERE action = 'ACCOUNT_LOCKED'"
                      " AND subject_user_id = ?", user["id"]) == 1
    with pytest.raises(E.AccountLocked):
        pf.wallet(bank.ada)
    with pytest.raises(E.AccountLocked):
        pf.login("ada@bank.test", PASSWORD)


def test_a_lock_by_rule_stays_until_an_admin_unlocks(bank, clock):
    pf = bank.pf
    fail_transfers(pf, bank.ada, 4)
    clock.advance(days=30)
    with pytest.raises(E.AccountLocked):
        pf.login("ada@bank.test", PASSWORD)
    pf.unlock_user(pf.login("admin@bank.test", PASSWORD), "ada@bank.test")
    assert pf.login("ada@bank.test", PASSWORD).email == "ada@bank.test"


def test_window_includes_a_failure_exactly_ten_minutes_old(bank, clock):
    fail_transfers(bank.pf, bank.ada, 1)
    clock.advance(minutes=5)
    fail_transfers(bank.pf, bank.ada, 2)
    clock.advance(minutes=5)  # the first failure is now exactly 10 minutes old
    fail_transfers(bank.pf, bank.ada, 1)
    assert user_row(bank.pf, "ada@bank.test")["status"] == "LOCKED"


def test_window_excludes_a_failure_just_over_ten_minutes_old(bank, clock):
    fail_transfers(bank.pf, bank.ada, 1)
    clock.advance(minutes=5)
    fail_transfers(bank.pf, bank.ada, 2)
    clock.advance(minutes=5, microseconds=1)
    fail_transfers(bank.pf, bank.ada, 1)
    assert user_row(bank.pf, "ada@bank.test")["status"] == "ACTIVE"
    assert all_alerts(bank.pf, bank.admin) == []


def test_failed_withdrawals_and_transfers_count_together(bank):
    pf = bank.pf
    fail_transfers(pf, bank.ada, 2)
    for _ in range(2):
        with pytest.raises(E.InsufficientFunds):
            pf.withdraw(bank.ada, 100)
    assert user_row(pf, "ada@bank.test")["status"] == "LOCKED"


def test_refusals_of_any_kind_count(bank):
    pf = bank.pf
    fail_transfers(pf, bank.ada, 2)
    with pytest.raises(E.NotFound):
        pf.transfer(bank.ada, "nobody@bank.test", 100)
    with pytest.raises(E.SameWallet):
        pf.transfer(bank.ada, "ada@bank.test", 100)
    assert user_row(pf, "ada@bank.test")["status"] == "LOCKED"


def test_a_blocked_payment_counts_as_a_failure(bank, clock):
    pf = bank.pf
    bank.fund(bank.ada, 100_000)
    clock.advance(minutes=1)
    pf.set_rule(bank.admin, "LARGE_AFTER_SECURITY_CHANGE", action="BLOCK", params={"amount_over": 100})
    pf.change_password(bank.ada, PASSWORD, "another-long-password")
    fail_transfers(pf, bank.ada, 3)
    with pytest.raises(E.RuleBlocked):
        pf.withdraw(bank.ada, 5_000)
    assert user_row(pf, "ada@bank.test")["status"] == "LOCKED"
    assert {a.rule for a in all_alerts(pf, bank.admin)} == {"REPEATED_FAILURES",
                                                            "LARGE_AFTER_SECURITY_CHANGE"}


def test_a_tellers_failures_for_a_customer_count_against_no_one(bank):
    pf = bank.pf
    for _ in range(5):
        with pytest.raises(E.InsufficientFunds):
            pf.withdraw(bank.teller, 100, for_email="ada@bank.test")
    assert user_row(pf, "teller@bank.test")["status"] == "ACTIVE"
    assert user_row(pf, "ada@bank.test")["status"] == "ACTIVE"


def test_rejected_deposits_and_failed_charges_are_not_the_customers_failures(bank):
    from payflow_tui.services.ledger import insert_transaction, new_reference

    pf = bank.pf
    for _ in range(2):
        tx = pf.request_deposit(bank.ada, 100)
        pf.reject_deposit(bank.teller, tx.reference, "no cash seen")
    wallet = pf._conn().execute("SELECT * FROM wallets WHERE user_id = ?", (bank.ada.user_id,)).fetchone()
    with pf._write() as conn:  # renewals that found the wallet short, as the subscription feature records them
        for _ in range(2):
            insert_transaction(conn, wallet=wallet, type="SUBSCRIPTION", direction="DEBIT", amount=100,
                               status="FAILED", reference=new_reference("SUBSCRIPTION"), at=pf.now(),
                               actor_id=bank.ada.user_id, failure_code="INSUFFICIENT_FUNDS",
                               failure_reason="short")
    fail_transfers(pf, bank.ada, 3)
    assert user_row(pf, "ada@bank.test")["status"] == "ACTIVE"


def test_the_only_active_admin_is_alerted_on_not_locked(bank):
    pf = bank.pf
    fail_transfers(pf, bank.admin, 4)
    assert user_row(pf, "admin@bank.test")["status"] == "ACTIVE"
    [alert] = all_alerts(pf, bank.admin)
    assert alert.details["action"] == "not locked: the only active admin"


def test_alert_action_only_when_the_rule_says_alert(bank):
    pf = bank.pf
    pf.set_rule(bank.admin, "REPEATED_FAILURES", action="ALERT")
    fail_transfers(pf, bank.ada, 4)
    assert user_row(pf, "ada@bank.test")["status"] == "ACTIVE"
    [alert] = all_alerts(pf, bank.admin)
    assert alert.transaction_count == 4
    fail_transfers(pf, bank.ada, 1)  # the same burst: the open alert takes the new failure
    [alert] = all_alerts(pf, bank.admin)
    assert alert.transaction_count == 5


def test_thresholds_are_parameters(bank, clock):
    pf = bank.pf
    pf.set_rule(bank.admin, "REPEATED_FAILURES", params={"max_failures": 5, "window_minutes": 1})
    fail_transfers(pf, bank.ada, 5)
    assert user_row(pf, "ada@bank.test")["status"] == "ACTIVE"
    fail_transfers(pf, bank.ada, 1)
    assert user_row(pf, "ada@bank.test")["status"] == "LOCKED"


def test_wrong_two_factor_codes_are_refused_payments_that_count(pf, clock):
    from payflow_tui.services import totp
    from tests.conftest import Bank

    bank = Bank(pf)  # step-up left on: payments of ₦50,000.00 or more need a code
    bank.fund(bank.ada, 20_000_000)
    enrolment = pf.begin_2fa_enrolment(bank.ada)
    pf.confirm_2fa_enrolment(bank.ada, totp.code_at(enrolment.secret, clock()))
    clock.advance(seconds=30)
    wrong = f"{(int(totp.code_at(enrolment.secret, clock())) + 1) % 10**6:06d}"
    for _ in range(4):
        with pytest.raises(E.OtpInvalid):
            pf.transfer(bank.ada, "bola@bank.test", 5_000_000, otp=wrong)
    assert user_row(pf, "ada@bank.test")["status"] == "LOCKED"
    [alert] = all_alerts(pf, bank.admin)
    assert {t.failure_code for t in pf.get_alert(bank.admin, alert.id).transactions} == {"OTP_INVALID"}
