"""Double-entry postings and the transaction rows people read.

Every successful money movement is one journal entry whose postings sum to
zero. Wallets are ledger accounts; so are the system accounts for the outside
world (cash clearing, subscription revenue), one of each per currency.
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import datetime

from ..clock import to_iso
from .chain import journal_hash, last_link

# Crockford-style alphabet: no I, L, O or U to misread over a counter.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PREFIX = {"DEPOSIT": "DEP", "WITHDRAWAL": "WDR", "TRANSFER": "TRF", "SUBSCRIPTION": "SUB"}


def new_reference(kind: str) -> str:
    """A short reference a customer can read out: ``DEP-7K3M9QX2TB``."""
    # 32**10 == 2**50: one draw of 50 random bits, five a character, is uniform over
    # every reference (and a tenth of the cost of ten draws).
    bits = secrets.randbits(50)
    body = "".join(_REF_ALPHABET[(bits >> shift) & 31] for shift in range(45, -1, -5))
    return f"{_PREFIX.get(kind, 'TXN')}-{body}"


def system_account(conn: sqlite3.Connection, kind: str, currency: str) -> int:
    """The id of a system account, created the first time a currency needs it."""
    # The repeated ``kind <> 'WALLET'`` lets SQLite use the partial index of system
    # accounts instead of scanning every wallet's account.
    row = conn.execute(
        "SELECT id FROM ledger_accounts WHERE kind = ? AND currency = ? AND kind <> 'WALLET'", (kind, currency)
    ).fetchone()
    if row:
        return row[0]
    name = {"CASH_CLEARING": "Cash clearing", "SUBSCRIPTION_REVENUE": "Subscription revenue"}[kind]
    return conn.execute(
        "INSERT INTO ledger_accounts (kind, currency, name) VALUES (?, ?, ?)",
        (kind, currency, f"{name} ({currency})"),
    ).lastrowid


def post_entry(conn: sqlite3.Connection, at: datetime, kind: str, description: str,
               legs: list[tuple[int, int]]) -> int:
    """Append one balanced, hash-chained journal entry; returns its id.

    ``legs`` are (ledger account id, signed amount); a positive amount raises
    the account's balance. The posting trigger moves wallet balances, and the
    wallets' CHECK (balance >= 0) refuses any overdraft at the database level.
    """
    if len(legs) < 2 or sum(amount for _, amount in legs) != 0:
        raise ValueError(f"unbalanced journal entry: {legs}")
    if any(isinstance(a, bool) or not isinstance(a, int) or a == 0 for _, a in legs):
        raise ValueError(f"journal amounts must be non-zero integers: {legs}")
    at_s = to_iso(at)
    last_id, prev = last_link(conn, "journal_entries")
    entry_id = last_id + 1
    digest = journal_hash(prev, entry_id, kind, description, at_s, legs)
    conn.execute(
        "INSERT INTO journal_entries (id, kind, description, created_at, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (entry_id, kind, description, at_s, prev, digest),
    )
    conn.executemany(
        "INSERT INTO postings (entry_id, account_id, amount) VALUES (?, ?, ?)",
        [(entry_id, account, amount) for account, amount in legs],
    )
    return entry_id


def insert_transaction(conn: sqlite3.Connection, *, wallet: sqlite3.Row, type: str, direction: str,
                       amount: int, status: str, reference: str, at: datetime, actor_id: int | None,
                       transfer_ref: str | None = None, counterparty_wallet_id: int | None = None,
                       memo: str | None = None, failure_code: str | None = None,
                       failure_reason: str | None = None, journal_entry_id: int | None = None) -> int:
    at_s = to_iso(at)
    return conn.execute(
        "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
        " transfer_ref, counterparty_wallet_id, memo, failure_code, failure_reason,"
        " journal_entry_id, actor_user_id, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (wallet["id"], type, direction, amount, wallet["currency"], status, reference, transfer_ref,
         counterparty_wallet_id, memo, failure_code, failure_reason, journal_entry_id, actor_id,
         at_s, at_s),
    ).lastrowid
