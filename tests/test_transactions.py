"""The write transaction itself: one BEGIN IMMEDIATE ... COMMIT, and nothing left open when it fails."""

from __future__ import annotations

import sqlite3

import pytest

from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import counts, raw


def test_a_failed_commit_rolls_back_and_frees_the_write_lock(bank, db_path):
    before = counts(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        with bank.pf._write() as conn:
            # A deferred constraint is checked only at COMMIT, so the COMMIT itself fails.
            conn.execute("PRAGMA defer_foreign_keys = ON")
            conn.execute("INSERT INTO wallets (user_id, account_id, created_at) VALUES (999, 999, 'x')")
    assert not bank.pf._conn().in_transaction
    other = raw(db_path)
    try:
        other.execute("PRAGMA busy_timeout = 0")
        other.execute("BEGIN IMMEDIATE")  # the lock is free for another terminal
        other.execute("ROLLBACK")
    finally:
        other.close()
    bank.fund(bank.ada, 1_000)  # and this connection works on
    assert bank.pf.balance(bank.ada) == 1_000
    assert counts(db_path)["transactions"] == before["transactions"] + 1


def test_an_error_inside_rolls_everything_back(bank, db_path):
    bank.fund(bank.ada, 5_000)
    before = counts(db_path)
    with pytest.raises(RuntimeError):
        with bank.pf._write() as conn:
            conn.execute("UPDATE users SET name = 'changed' WHERE email = 'ada@bank.test'")
            raise RuntimeError("boom")
    assert counts(db_path) == before
    assert bank.pf.get_user(bank.ada, "ada@bank.test").name == "Ada Obi"
