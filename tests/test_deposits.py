"""Deposits: request, confirm, reject, expire; each refusal and what it leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import (audit_actions, cash_account, counts, ledger_problems, postings_of, query,
                            relogin, tx_row, wallet_account)
from payflow_tui.services import errors as E


def test_request_opens_a_pending_deposit_and_moves_no_money(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 150_050, memo="cash at the counter")
    assert tx.status == "PENDING" and tx.type == "DEPOSIT" and tx.direction == "CREDIT"
    assert tx.reference.startswith("DEP-") and len(tx.reference) == 14
    assert tx.amount == 150_050 and tx.owner_email == "ada@bank.test" and tx.memo == "cash at the counter"
    row = tx_row(db_path, tx.reference)
    assert row["status"] == "PENDING" and row["journal_entry_id"] is None
    assert bank.pf.balance(bank.ada) == 0
    assert counts(db_path)["journal_entries"] == 0


def test_teller_and_admin_request_for_a_customer(bank):
    by_teller = bank.pf.request_deposit(bank.teller, 5_000, for_email="ada@bank.test")
    by_admin = bank.pf.request_deposit(bank.admin, 7_000, for_email="BOLA@bank.test")
    assert by_teller.owner_email == "ada@bank.test"
    assert by_admin.owner_email == "bola@bank.test"
    refs = [t.reference for t in bank.pf.pending_deposits(bank.teller).items]
    assert refs == [by_teller.reference, by_admin.reference]


def test_confirm_credits_the_wallet_posts_the_journal_and_audits(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 250_000)
    done = bank.pf.confirm_deposit(bank.teller, tx.reference.lower())
    assert done.status == "SUCCESS" and done.reference == tx.reference
    assert bank.pf.balance(bank.ada) == 250_000
    row = tx_row(db_path, tx.reference)
    assert row["status"] == "SUCCESS" and row["journal_entry_id"] is not None
    assert postings_of(db_path, row["journal_entry_id"]) == [
        (cash_account(db_path), -250_000), (wallet_account(db_path, "ada@bank.test"), 250_000)]
    audit = query(db_path, "SELECT * FROM audit_log WHERE action = 'DEPOSIT_CONFIRMED'")
    assert len(audit) == 1
    assert audit[0]["actor_user_id"] == bank.teller.user_id
    assert audit[0]["subject_user_id"] == bank.ada.user_id
    assert tx.reference in audit[0]["details"]
    assert ledger_problems(db_path) == []
    assert bank.pf.verify().ok


def test_confirming_twice_is_refused_and_credits_once(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    bank.pf.confirm_deposit(bank.teller, tx.reference)
    before = counts(db_path)
    with pytest.raises(E.AlreadyProcessed, match="already confirmed"):
        bank.pf.confirm_deposit(bank.teller, tx.reference)
    with pytest.raises(E.AlreadyProcessed):
        bank.pf.confirm_deposit(bank.admin, tx.reference)
    assert bank.pf.balance(bank.ada) == 10_000
    assert counts(db_path) == before


def test_reject_fails_the_deposit_with_the_reason_and_moves_nothing(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    rejected = bank.pf.reject_deposit(bank.teller, tx.reference, "  cash  not received ")
    assert rejected.status == "FAILED"
    assert rejected.failure_code == "REJECTED"
    assert rejected.failure_reason == "Rejected: cash not received"
    row = tx_row(db_path, tx.reference)
    assert row["status"] == "FAILED" and row["journal_entry_id"] is None
    assert bank.pf.balance(bank.ada) == 0
    assert counts(db_path)["journal_entries"] == 0
    audit = query(db_path, "SELECT * FROM audit_log WHERE action = 'DEPOSIT_REJECTED'")
    assert len(audit) == 1 and "cash not received" in audit[0]["details"]
    assert audit[0]["actor_user_id"] == bank.teller.user_id


@pytest.mark.parametrize("reason", ["", "   ", None, "\t\n"])
def test_reject_needs_a_reason(bank, db_path, reason):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    with pytest.raises(E.InvalidInput, match="reason is required"):
        bank.pf.reject_deposit(bank.teller, tx.reference, reason)
    assert tx_row(db_path, tx.reference)["status"] == "PENDING"


def test_confirming_a_rejected_deposit_is_refused(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    bank.pf.reject_deposit(bank.teller, tx.reference, "counterfeit notes")
    with pytest.raises(E.AlreadyProcessed, match="already rejected"):
        bank.pf.confirm_deposit(bank.admin, tx.reference)
    with pytest.raises(E.AlreadyProcessed):
        bank.pf.reject_deposit(bank.admin, tx.reference, "again")
    assert bank.pf.balance(bank.ada) == 0
    assert tx_row(db_path, tx.reference)["status"] == "FAILED"


def test_rejecting_a_confirmed_deposit_is_refused(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    bank.pf.confirm_deposit(bank.teller, tx.reference)
    with pytest.raises(E.AlreadyProcessed, match="already confirmed"):
        bank.pf.reject_deposit(bank.teller, tx.reference, "changed my mind")
    assert bank.pf.balance(bank.ada) == 10_000
    assert tx_row(db_path, tx.reference)["status"] == "SUCCESS"


def test_confirming_an_expired_deposit_is_refused_and_the_expiry_is_kept(bank, db_path, clock):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    clock.advance(hours=24, seconds=1)
    relogin(bank)
    with pytest.raises(E.AlreadyProcessed, match="already expired"):
        bank.pf.confirm_deposit(bank.teller, tx.reference)
    row = tx_row(db_path, tx.reference)
    assert row["status"] == "FAILED" and row["failure_code"] == "EXPIRED"
    assert "24 h" in row["failure_reason"]
    assert bank.pf.balance(bank.ada) == 0
    with pytest.raises(E.AlreadyProcessed, match="already expired"):
        bank.pf.reject_deposit(bank.teller, tx.reference, "too late")
    assert counts(db_path)["journal_entries"] == 0


def test_a_deposit_just_inside_the_window_can_be_confirmed(bank, clock):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    clock.advance(hours=23, minutes=59)
    relogin(bank)
    assert bank.pf.confirm_deposit(bank.teller, tx.reference).status == "SUCCESS"
    assert bank.pf.balance(bank.ada) == 10_000


def test_expiry_age_is_a_setting(bank, clock, db_path):
    bank.pf.set_setting(bank.admin, "deposit_expiry_hours", "2")
    old = bank.pf.request_deposit(bank.ada, 1_000)
    clock.advance(hours=1)
    relogin(bank)
    young = bank.pf.request_deposit(bank.bola, 2_000)
    clock.advance(hours=1, seconds=1)
    relogin(bank)
    assert bank.pf.expire_pending_deposits() == 1
    assert tx_row(db_path, old.reference)["failure_code"] == "EXPIRED"
    assert [t.reference for t in bank.pf.pending_deposits(bank.teller).items] == [young.reference]
    assert bank.pf.expire_pending_deposits() == 0


def test_the_queue_expires_stale_deposits(bank, clock, db_path):
    tx = bank.pf.request_deposit(bank.ada, 1_000)
    clock.advance(days=2)
    relogin(bank)
    assert bank.pf.pending_deposits(bank.admin).items == []
    assert tx_row(db_path, tx.reference)["status"] == "FAILED"


def test_confirm_into_a_frozen_wallet_is_refused_and_the_deposit_stays_pending(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "KYC review")
    with pytest.raises(E.WalletFrozen, match="KYC review"):
        bank.pf.confirm_deposit(bank.teller, tx.reference)
    assert tx_row(db_path, tx.reference)["status"] == "PENDING"
    assert bank.pf.balance(bank.ada) == 0
    bank.pf.unfreeze_wallet(bank.admin, "ada@bank.test")
    bank.pf.confirm_deposit(bank.teller, tx.reference)
    assert bank.pf.balance(bank.ada) == 10_000


def test_confirm_for_a_disabled_customer_is_refused(bank, db_path):
    tx = bank.pf.request_deposit(bank.ada, 10_000)
    bank.pf.disable_user(bank.admin, "ada@bank.test")
    with pytest.raises(E.AccountDisabled):
        bank.pf.confirm_deposit(bank.teller, tx.reference)
    assert tx_row(db_path, tx.reference)["status"] == "PENDING"
    assert scalar_balance(db_path, "ada@bank.test") == 0
    bank.pf.reject_deposit(bank.teller, tx.reference, "account closed")
    assert tx_row(db_path, tx.reference)["status"] == "FAILED"


def test_request_for_a_disabled_customer_is_recorded_as_failed(bank, db_path):
    bank.pf.disable_user(bank.admin, "ada@bank.test")
    with pytest.raises(E.AccountDisabled):
        bank.pf.request_deposit(bank.teller, 10_000, for_email="ada@bank.test")
    rows = query(db_path, "SELECT * FROM transactions WHERE type = 'DEPOSIT'")
    assert len(rows) == 1
    assert rows[0]["status"] == "FAILED" and rows[0]["failure_code"] == "ACCOUNT_DISABLED"
    assert rows[0]["failure_reason"] and rows[0]["journal_entry_id"] is None
    assert counts(db_path)["journal_entries"] == 0


def test_request_for_an_unknown_customer_is_refused(bank, db_path):
    before = counts(db_path)
    with pytest.raises(E.NotFound):
        bank.pf.request_deposit(bank.teller, 10_000, for_email="ghost@bank.test")
    assert counts(db_path) == before


def test_unknown_reference_is_not_found(bank):
    with pytest.raises(E.NotFound):
        bank.pf.confirm_deposit(bank.teller, "DEP-0000000000")
    with pytest.raises(E.NotFound):
        bank.pf.reject_deposit(bank.teller, "DEP-0000000000", "no such")


def test_a_withdrawal_reference_is_not_a_deposit(bank):
    bank.fund(bank.ada, 5_000)
    wd = bank.pf.withdraw(bank.ada, 1_000)
    with pytest.raises(E.NotFound):
        bank.pf.confirm_deposit(bank.teller, wd.reference)


def test_pending_queue_is_oldest_first_and_pages(bank, clock):
    refs = []
    for i in range(5):
        refs.append(bank.pf.request_deposit(bank.ada, 1_000 + i).reference)
        clock.advance(minutes=1)
    first = bank.pf.pending_deposits(bank.teller, limit=3)
    assert [t.reference for t in first.items] == refs[:3] and first.has_more
    rest = bank.pf.pending_deposits(bank.teller, limit=3, after_id=first.next_cursor)
    assert [t.reference for t in rest.items] == refs[3:] and not rest.has_more


def test_many_confirmed_deposits_keep_the_ledger_whole(bank, db_path):
    total = 0
    for amount in (1, 99, 100, 123_456, 10_000_000_000):
        bank.fund(bank.bola, amount)
        total += amount
    assert bank.pf.balance(bank.bola) == total
    assert ledger_problems(db_path) == []
    assert scalar_cash(db_path) == -total


def scalar_balance(path, email) -> int:
    return query(path, "SELECT w.balance FROM wallets w JOIN users u ON u.id = w.user_id WHERE u.email = ?",
                 (email,))[0][0]


def scalar_cash(path) -> int:
    return query(path, "SELECT coalesce(sum(amount), 0) FROM postings WHERE account_id = ?",
                 (cash_account(path),))[0][0]


def test_deposit_audit_trail_names_who_did_what(bank, db_path):
    a = bank.pf.request_deposit(bank.ada, 1_000)
    b = bank.pf.request_deposit(bank.bola, 2_000)
    bank.pf.confirm_deposit(bank.teller, a.reference)
    bank.pf.reject_deposit(bank.admin, b.reference, "duplicate slip")
    assert audit_actions(db_path)[-2:] == ["DEPOSIT_CONFIRMED", "DEPOSIT_REJECTED"]
    entries = bank.pf.audit_entries(bank.admin, limit=2).items
    assert entries[0]["actor"] == "admin@bank.test" and entries[0]["subject"] == "bola@bank.test"
    assert entries[1]["actor"] == "teller@bank.test" and entries[1]["subject"] == "ada@bank.test"
    assert timedelta(0) <= bank.pf.now() - entries[0]["at"]
