"""verify(): a healthy ledger passes; each kind of tampering is found and named."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import query, raw, scalar, wallet_account

APPEND_ONLY = ("journal_entries", "postings", "audit_log")


@pytest.fixture
def ledger(bank):
    """A bank with some history: deposits, a withdrawal, transfers, a rejection."""
    bank.fund(bank.ada, 100_000)
    bank.fund(bank.bola, 50_000)
    bank.pf.withdraw(bank.ada, 10_000)
    bank.pf.transfer(bank.ada, "bola@bank.test", 25_000)
    bank.pf.transfer(bank.bola, "ada@bank.test", 5_000)
    tx = bank.pf.request_deposit(bank.bola, 7_000)
    bank.pf.reject_deposit(bank.teller, tx.reference, "no cash")
    return bank


def tamper(db_path, *statements, drop_triggers=(), foreign_keys=True):
    with closing(raw(db_path)) as conn:
        if not foreign_keys:
            conn.execute("PRAGMA foreign_keys = OFF")
        for trigger in drop_triggers:
            conn.execute(f"DROP TRIGGER {trigger}")
        for sql in statements:
            conn.execute(sql)


def problems(bank) -> list[str]:
    report = bank.pf.verify()
    assert report.ok == (not report.problems)
    return report.problems


def test_a_healthy_ledger_passes(ledger):
    report = ledger.pf.verify()
    assert report.ok and report.problems == [] and report.mismatched_wallets == []
    assert report.checked["journal_entries"] == 5 and report.checked["postings"] == 10
    assert report.checked["transactions"] == 8
    assert report.to_json()["ok"] is True


def test_an_empty_database_passes(pf):
    assert pf.verify().ok


def test_a_balance_edited_with_raw_sql_is_found(ledger, db_path):
    ada_wallet = ledger.pf.wallet(ledger.admin, for_email="ada@bank.test").id
    tamper(db_path, f"UPDATE wallets SET balance = balance + 100 WHERE id = {ada_wallet}")
    found = problems(ledger)
    assert len(found) == 1
    assert f"wallet {ada_wallet} (ada@bank.test)" in found[0]
    assert "₦701.00" in found[0] and "₦700.00" in found[0]
    assert ledger.pf.verify().mismatched_wallets == [ada_wallet]


def test_an_edited_posting_is_found(ledger, db_path):
    posting = scalar(db_path, "SELECT max(id) FROM postings")
    entry = scalar(db_path, "SELECT entry_id FROM postings WHERE id = ?", (posting,))
    tamper(db_path, f"UPDATE postings SET amount = amount + 1 WHERE id = {posting}",
           drop_triggers=["postings_no_update"])
    found = "\n".join(problems(ledger))
    assert f"journal entry {entry} does not balance (sum 1)" in found
    assert f"journal chain broken at entry {entry}" in found
    assert "balance" in found and "does not equal its postings" in found


def test_an_unbalanced_entry_is_found(ledger, db_path):
    account = wallet_account(db_path, "bola@bank.test")
    last_hash = scalar(db_path, "SELECT hash FROM journal_entries ORDER BY id DESC LIMIT 1")
    tamper(db_path,
           "INSERT INTO journal_entries (id, kind, description, created_at, prev_hash, hash)"
           f" VALUES (6, 'DEPOSIT', 'forged', '2026-01-15T09:00:00.000000+00:00', '{last_hash}', 'forged')",
           f"INSERT INTO postings (entry_id, account_id, amount) VALUES (6, {account}, 1000000)")
    found = "\n".join(problems(ledger))
    assert "journal entry 6 does not balance (sum 1000000)" in found
    assert "journal entry 6 has fewer than two postings" in found
    assert "journal chain broken at entry 6" in found


def test_a_deleted_posting_is_found(ledger, db_path):
    posting = scalar(db_path, "SELECT min(id) FROM postings")
    entry = scalar(db_path, "SELECT entry_id FROM postings WHERE id = ?", (posting,))
    tamper(db_path, f"DELETE FROM postings WHERE id = {posting}", drop_triggers=["postings_no_delete"])
    found = "\n".join(problems(ledger))
    assert f"journal entry {entry} does not balance" in found
    assert f"journal entry {entry} has fewer than two postings" in found


def test_a_deleted_journal_entry_is_named(ledger, db_path):
    tamper(db_path, "DELETE FROM postings WHERE entry_id = 3", "DELETE FROM journal_entries WHERE id = 3",
           drop_triggers=["postings_no_delete", "journal_entries_no_delete"], foreign_keys=False)
    found = "\n".join(problems(ledger))
    assert "journal entry 3 is missing before entry 4" in found
    assert "SUCCESS without a journal entry" in found


def test_a_success_transaction_without_its_entry_is_found(ledger, db_path):
    ref = scalar(db_path, "SELECT reference FROM transactions WHERE type = 'WITHDRAWAL'")
    tamper(db_path, f"UPDATE transactions SET journal_entry_id = 999 WHERE reference = '{ref}'",
           drop_triggers=["transactions_settled_immutable"], foreign_keys=False)
    assert problems(ledger) == [f"transaction {ref} is SUCCESS without a journal entry"]


def test_a_pending_deposit_marked_success_by_hand_is_found(ledger, db_path):
    tx = ledger.pf.request_deposit(ledger.ada, 5_000)
    # The triggers let a PENDING row change (that is how confirming works): point it at
    # another transaction's entry, so the books still balance but Ada is shown money she never got.
    tamper(db_path, "UPDATE transactions SET status = 'SUCCESS', journal_entry_id = 1"
                    f" WHERE reference = '{tx.reference}'")
    assert problems(ledger) == [
        f"transaction {tx.reference} does not match its journal entry 1 (wallet or amount differs)"]


def test_a_transfer_amount_edited_by_hand_is_found(ledger, db_path):
    ref = scalar(db_path, "SELECT reference FROM transactions WHERE type = 'TRANSFER' AND direction = 'CREDIT'")
    tamper(db_path, f"UPDATE transactions SET amount = amount * 10 WHERE reference = '{ref}'",
           drop_triggers=["transactions_settled_immutable", "transactions_core_immutable"])
    found = problems(ledger)
    assert len(found) == 1 and found[0].startswith(f"transaction {ref} does not match its journal entry")


def test_an_edited_audit_row_is_named(ledger, db_path):
    row = scalar(db_path, "SELECT id FROM audit_log WHERE action = 'DEPOSIT_REJECTED'")
    tamper(db_path, f"UPDATE audit_log SET details = '{{\"reason\":\"nothing\"}}' WHERE id = {row}",
           drop_triggers=["audit_log_no_update"])
    assert problems(ledger) == [
        f"audit chain broken at row {row}: audit row {row} was altered (its hash does not match its content)"]


def test_an_edited_audit_actor_is_named(ledger, db_path):
    row = scalar(db_path, "SELECT id FROM audit_log WHERE action = 'DEPOSIT_CONFIRMED' LIMIT 1")
    tamper(db_path, f"UPDATE audit_log SET actor_user_id = 1 WHERE id = {row}", drop_triggers=["audit_log_no_update"])
    assert problems(ledger) == [
        f"audit chain broken at row {row}: audit row {row} was altered (its hash does not match its content)"]


def test_a_deleted_audit_row_is_named(ledger, db_path):
    tamper(db_path, "DELETE FROM audit_log WHERE id = 5", drop_triggers=["audit_log_no_delete"])
    assert problems(ledger) == ["audit chain broken at row 6: audit row 5 is missing before row 6"]


def test_the_deleted_first_audit_row_is_named(ledger, db_path):
    tamper(db_path, "DELETE FROM audit_log WHERE id = 1", drop_triggers=["audit_log_no_delete"])
    assert problems(ledger) == ["audit chain broken at row 2: audit row 1 is missing before row 2"]


def test_an_inserted_audit_row_is_named(ledger, db_path):
    last_id, last_hash = query(db_path, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    new = last_id + 1
    tamper(db_path, "INSERT INTO audit_log (id, at, actor_user_id, action, details, prev_hash, hash)"
                    f" VALUES ({new}, '2026-01-15T09:00:00.000000+00:00', 1, 'ROLE_CHANGED', '{{}}',"
                    f" '{last_hash}', 'not-a-real-hash')")
    assert problems(ledger) == [
        f"audit chain broken at row {new}: audit row {new} was altered (its hash does not match its content)"]


def test_an_audit_row_slipped_in_between_is_named(ledger, db_path):
    # Shift the tail up by one and slip a forged row into the gap, copying a real row's hashes.
    tamper(db_path, "UPDATE audit_log SET id = id + 1000 WHERE id >= 4",
           "UPDATE audit_log SET id = id - 999 WHERE id >= 1004",
           "INSERT INTO audit_log (id, at, actor_user_id, action, details, prev_hash, hash)"
           " SELECT 4, at, actor_user_id, 'ROLE_CHANGED', details, prev_hash, hash || 'x'"
           " FROM audit_log WHERE id = 5",
           drop_triggers=["audit_log_no_update"])
    found = problems(ledger)
    assert found == ["audit chain broken at row 4: audit row 4 was inserted"
                     " (the row after it links past it to the row before it)"]


def test_several_problems_are_all_named(ledger, db_path):
    ada_wallet = ledger.pf.wallet(ledger.admin, for_email="ada@bank.test").id
    tamper(db_path, f"UPDATE wallets SET balance = 0 WHERE id = {ada_wallet}",
           "UPDATE audit_log SET action = 'LOGIN' WHERE id = 3", drop_triggers=["audit_log_no_update"])
    found = problems(ledger)
    assert len(found) == 2
    assert any(f"wallet {ada_wallet}" in p for p in found) and any("audit row 3" in p for p in found)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_ledger_and_audit_tables_refuse_update_and_delete(ledger, db_path, table):
    before = query(db_path, f"SELECT * FROM {table} ORDER BY id")
    with closing(raw(db_path)) as conn:
        column = "description" if table == "journal_entries" else ("amount" if table == "postings" else "action")
        value = "1" if table == "postings" else "'x'"
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"UPDATE {table} SET {column} = {value} WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"DELETE FROM {table} WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"DELETE FROM {table}")
    assert [tuple(r) for r in query(db_path, f"SELECT * FROM {table} ORDER BY id")] == [tuple(r) for r in before]
    assert ledger.pf.verify().ok


def test_settled_transactions_cannot_change_or_vanish(ledger, db_path):
    with closing(raw(db_path)) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="settled transaction cannot change"):
            conn.execute("UPDATE transactions SET status = 'FAILED', failure_reason = 'x' WHERE status = 'SUCCESS'")
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            conn.execute("DELETE FROM transactions WHERE status = 'FAILED'")
        pending = ledger.pf.request_deposit(ledger.ada, 100).reference
        with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
            conn.execute(f"UPDATE transactions SET amount = 1 WHERE reference = '{pending}'")


def test_the_database_refuses_an_overdraft_by_itself(ledger, db_path):
    with closing(raw(db_path)) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE wallets SET balance = -1")
        account = wallet_account(db_path, "ada@bank.test")
        conn.execute("BEGIN")
        conn.execute("INSERT INTO journal_entries (id, kind, description, created_at, prev_hash, hash)"
                     " VALUES (99, 'X', 'x', 'x', 'x', 'x')")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(f"INSERT INTO postings (entry_id, account_id, amount) VALUES (99, {account}, -999999999)")
        conn.execute("ROLLBACK")
    assert ledger.pf.verify().ok
