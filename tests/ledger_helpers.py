"""Helpers the ledger tests share: raw looks at the file, checksums and invariants.

These read the database with plain sqlite3, beside the service, so a test
checks what was really stored rather than what the service says it stored.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import PasswordHasher

# For tests that are not about hashing (the role matrix): real argon2id, trivial cost.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(name="db_path")
def ram_db_path(tmp_path):
    """The database file in RAM where the machine has /dev/shm, else in tmp_path.

    Import it into a test module to override conftest's ``db_path``: tests of
    rules and flows do not need each commit's fsync, which on a busy shared disk
    costs more than everything else they do. Concurrency and crash tests keep
    the real disk.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="payflow-test-", dir=shm))
        try:
            yield folder / "payflow.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path / "payflow.db"


def raw(path: str | Path) -> sqlite3.Connection:
    """A plain connection to the file, autocommit, rows by name."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def query(path: str | Path, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
    with closing(raw(path)) as conn:
        return conn.execute(sql, args).fetchall()


def scalar(path: str | Path, sql: str, args: tuple = ()):
    rows = query(path, sql, args)
    return rows[0][0] if rows else None


def db_checksum(path: str | Path) -> str:
    """sha256 of an ordered dump of every table, index and trigger."""
    digest = hashlib.sha256()
    with closing(raw(path)) as conn:
        for line in conn.iterdump():
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()


def counts(path: str | Path) -> dict[str, int]:
    """Row counts of the tables money and history live in."""
    tables = ("transactions", "journal_entries", "postings", "audit_log", "idempotency_keys")
    with closing(raw(path)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def tx_row(path: str | Path, reference: str) -> sqlite3.Row | None:
    rows = query(path, "SELECT * FROM transactions WHERE reference = ?", (reference,))
    return rows[0] if rows else None


def postings_of(path: str | Path, entry_id: int) -> list[tuple[int, int]]:
    """(ledger account id, signed amount) of one journal entry, in order."""
    return [(r[0], r[1]) for r in query(
        path, "SELECT account_id, amount FROM postings WHERE entry_id = ? ORDER BY id", (entry_id,))]


def wallet_account(path: str | Path, email: str) -> int:
    return scalar(path, "SELECT w.account_id FROM wallets w JOIN users u ON u.id = w.user_id"
                        " WHERE u.email = ?", (email,))


def cash_account(path: str | Path, currency: str = "NGN") -> int:
    return scalar(path, "SELECT id FROM ledger_accounts WHERE kind = 'CASH_CLEARING' AND currency = ?",
                  (currency,))


def audit_actions(path: str | Path) -> list[str]:
    return [r[0] for r in query(path, "SELECT action FROM audit_log ORDER BY id")]


def ledger_problems(path: str | Path) -> list[str]:
    """Every invariant the ledger owes, checked from raw rows (independent of verify())."""
    problems: list[str] = []
    with closing(raw(path)) as conn:
        for entry_id, total in conn.execute(
            "SELECT entry_id, sum(amount) FROM postings GROUP BY entry_id HAVING sum(amount) <> 0"
        ):
            problems.append(f"entry {entry_id} sums to {total}")
        for wid, balance, posted in conn.execute(
            "SELECT w.id, w.balance, coalesce((SELECT sum(amount) FROM postings p"
            " WHERE p.account_id = w.account_id), 0) FROM wallets w"
        ):
            if balance != posted:
                problems.append(f"wallet {wid} balance {balance} != postings {posted}")
            if balance < 0:
                problems.append(f"wallet {wid} negative balance {balance}")
        in_wallets = conn.execute("SELECT coalesce(sum(balance), 0) FROM wallets").fetchone()[0]
        deposits = conn.execute("SELECT coalesce(sum(amount), 0) FROM transactions"
                                " WHERE type = 'DEPOSIT' AND status = 'SUCCESS'").fetchone()[0]
        withdrawals = conn.execute("SELECT coalesce(sum(amount), 0) FROM transactions"
                                   " WHERE type = 'WITHDRAWAL' AND status = 'SUCCESS'").fetchone()[0]
        if in_wallets != deposits - withdrawals:
            problems.append(f"wallets hold {in_wallets}, deposits - withdrawals = {deposits - withdrawals}")
        for (ref,) in conn.execute(
            "SELECT reference FROM transactions t WHERE status = 'SUCCESS' AND NOT EXISTS"
            " (SELECT 1 FROM postings p WHERE p.entry_id = t.journal_entry_id)"
        ):
            problems.append(f"{ref} is SUCCESS without postings")
        for (ref,) in conn.execute(
            "SELECT reference FROM transactions WHERE status <> 'SUCCESS' AND journal_entry_id IS NOT NULL"
        ):
            problems.append(f"{ref} is not SUCCESS but has a journal entry")
    return problems


def relogin(bank) -> None:
    """Fresh sessions for the bank's four people (after the clock moved past the idle limit)."""
    from tests.conftest import PASSWORD

    for attr, email in (("admin", "admin@bank.test"), ("teller", "teller@bank.test"),
                        ("ada", "ada@bank.test"), ("bola", "bola@bank.test")):
        setattr(bank, attr, bank.pf.login(email, PASSWORD))


def lock_out(pf, email: str, attempts: int = 5) -> None:
    """Lock ``email`` the way an attacker would: consecutive wrong passwords."""
    from payflow_tui.services import errors as E

    for _ in range(attempts):
        try:
            pf.login(email, "wrong-password-123")
        except (E.AuthFailed, E.AccountLocked):
            pass


def fund(bank, session, amount: int) -> None:
    """Deposit and confirm ``amount`` for anyone: staff deposits need an admin to confirm."""
    tx = bank.pf.request_deposit(session, amount)
    confirmer = bank.teller if session.role == "USER" else bank.admin
    bank.pf.confirm_deposit(confirmer, tx.reference)
