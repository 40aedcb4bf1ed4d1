"""Withdrawals: the wallet debited to cash clearing, or a FAILED row with its reason."""

from __future__ import annotations

import pytest

from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import (cash_account, counts, ledger_problems, lock_out, postings_of, query, relogin,
                            tx_row, wallet_account)
from payflow_tui.services import errors as E


def only_withdrawals(path):
    return query(path, "SELECT * FROM transactions WHERE type = 'WITHDRAWAL' ORDER BY id")


def test_withdraw_debits_the_wallet_to_cash_clearing(bank, db_path):
    bank.fund(bank.ada, 100_000)
    tx = bank.pf.withdraw(bank.ada, 40_050, memo="rent")
    assert tx.status == "SUCCESS" and tx.type == "WITHDRAWAL" and tx.direction == "DEBIT"
    assert tx.reference.startswith("WDR-") and tx.amount == 40_050 and tx.memo == "rent"
    assert bank.pf.balance(bank.ada) == 59_950
    row = tx_row(db_path, tx.reference)
    assert postings_of(db_path, row["journal_entry_id"]) == [
        (wallet_account(db_path, "ada@bank.test"), -40_050), (cash_account(db_path), 40_050)]
    assert ledger_problems(db_path) == []


def test_the_whole_balance_can_be_withdrawn(bank):
    bank.fund(bank.ada, 7_777)
    bank.pf.withdraw(bank.ada, 7_777)
    assert bank.pf.balance(bank.ada) == 0


@pytest.mark.parametrize("staff", ["teller", "admin"])
def test_staff_pay_out_for_a_customer(bank, db_path, staff):
    bank.fund(bank.bola, 50_000)
    tx = bank.pf.withdraw(getattr(bank, staff), 20_000, for_email="bola@bank.test")
    assert tx.owner_email == "bola@bank.test"
    assert tx_row(db_path, tx.reference)["actor_user_id"] == getattr(bank, staff).user_id
    assert bank.pf.balance(bank.bola) == 30_000


def assert_refused_and_recorded(bank, db_path, session, amount, code, *, for_email=None, owner="ada@bank.test"):
    balance_before = bank.pf.balance(bank.admin, for_email=owner)
    before = counts(db_path)
    with pytest.raises(E.PayFlowError) as caught:
        bank.pf.withdraw(session, amount, for_email=for_email)
    assert caught.value.code == code
    rows = only_withdrawals(db_path)
    failed = rows[-1]
    assert failed["status"] == "FAILED" and failed["failure_code"] == code
    assert failed["failure_reason"] == caught.value.message
    assert failed["amount"] == amount and failed["journal_entry_id"] is None
    after = counts(db_path)
    assert after["transactions"] == before["transactions"] + 1
    assert after["journal_entries"] == before["journal_entries"]
    assert bank.pf.balance(bank.admin, for_email=owner) == balance_before
    return failed


def test_short_balance_is_refused_and_recorded(bank, db_path):
    bank.fund(bank.ada, 10_000)
    failed = assert_refused_and_recorded(bank, db_path, bank.ada, 10_001, "INSUFFICIENT_FUNDS")
    assert "₦100.00" in failed["failure_reason"] and "₦100.01" in failed["failure_reason"]
    history = bank.pf.history(bank.ada, status="FAILED").items
    assert [t.reference for t in history] == [failed["reference"]]


def test_empty_wallet_is_refused(bank, db_path):
    assert_refused_and_recorded(bank, db_path, bank.ada, 1, "INSUFFICIENT_FUNDS")


def test_frozen_wallet_is_refused_and_recorded(bank, db_path):
    bank.fund(bank.ada, 10_000)
    bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "suspected fraud")
    failed = assert_refused_and_recorded(bank, db_path, bank.ada, 1_000, "WALLET_FROZEN")
    assert "suspected fraud" in failed["failure_reason"]
    assert_refused_and_recorded(bank, db_path, bank.teller, 1_000, "WALLET_FROZEN", for_email="ada@bank.test")


def test_locked_customer_is_refused_and_recorded(bank, db_path):
    bank.fund(bank.ada, 10_000)
    lock_out(bank.pf, "ada@bank.test")
    assert_refused_and_recorded(bank, db_path, bank.teller, 1_000, "ACCOUNT_LOCKED", for_email="ada@bank.test")
    with pytest.raises(E.AccountLocked):
        bank.pf.withdraw(bank.ada, 1_000)  # her own session stops working too


def test_an_expired_lockout_no_longer_blocks_a_payout(bank, db_path, clock):
    bank.fund(bank.ada, 10_000)
    lock_out(bank.pf, "ada@bank.test")
    clock.advance(minutes=15)
    relogin_staff(bank)
    tx = bank.pf.withdraw(bank.teller, 1_000, for_email="ada@bank.test")
    assert tx.status == "SUCCESS"
    assert bank.pf.balance(bank.teller, for_email="ada@bank.test") == 9_000


def relogin_staff(bank):
    from tests.conftest import PASSWORD

    bank.admin = bank.pf.login("admin@bank.test", PASSWORD)
    bank.teller = bank.pf.login("teller@bank.test", PASSWORD)


def test_disabled_customer_is_refused_and_recorded(bank, db_path):
    bank.fund(bank.ada, 10_000)
    bank.pf.disable_user(bank.admin, "ada@bank.test")
    assert_refused_and_recorded(bank, db_path, bank.teller, 1_000, "ACCOUNT_DISABLED", for_email="ada@bank.test")
    with pytest.raises(E.AccountDisabled):
        bank.pf.withdraw(bank.ada, 1_000)


def test_refusal_order_names_the_first_problem(bank, db_path):
    bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "review")
    # Frozen and empty: the freeze is what the customer must hear about.
    assert_refused_and_recorded(bank, db_path, bank.ada, 1_000, "WALLET_FROZEN")


def test_malformed_requests_write_nothing(bank, db_path):
    bank.fund(bank.ada, 10_000)
    before = counts(db_path)
    with pytest.raises(E.InvalidInput):
        bank.pf.withdraw(bank.ada, 1_000, memo="x" * 141)
    with pytest.raises(E.InvalidAmount):
        bank.pf.withdraw(bank.ada, 0)
    with pytest.raises(E.NotFound):
        bank.pf.withdraw(bank.teller, 1_000, for_email="ghost@bank.test")
    assert counts(db_path) == before
    assert bank.pf.balance(bank.ada) == 10_000


def test_withdrawals_after_many_deposits_balance_out(bank, db_path, clock):
    bank.fund(bank.ada, 1_000_000)
    for amount in (1, 2, 3, 999_994):
        bank.pf.withdraw(bank.ada, amount)
    assert bank.pf.balance(bank.ada) == 0
    with pytest.raises(E.InsufficientFunds):
        bank.pf.withdraw(bank.ada, 1)
    assert ledger_problems(db_path) == []
    clock.advance(minutes=1)
    relogin(bank)
    assert bank.pf.verify().ok
