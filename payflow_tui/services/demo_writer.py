"""The demo's INSERT statements: one executemany per table and batch."""

from __future__ import annotations

import sqlite3

_USERS = ("INSERT INTO users (id, email, name, password_hash, role, created_at, password_changed_at)"
          " VALUES (?,?,?,?,?,?,?)")
_ACCOUNTS = "INSERT INTO ledger_accounts (id, kind, currency, name) VALUES (?,?,?,?)"
_WALLETS = ("INSERT INTO wallets (id, user_id, account_id, currency, frozen, frozen_by, frozen_at,"
            " frozen_reason, created_at) VALUES (?,?,?,?,?,?,?,?,?)")
_JOURNAL = ("INSERT INTO journal_entries (id, kind, description, created_at, prev_hash, hash)"
            " VALUES (?,?,?,?,?,?)")
_POSTINGS = "INSERT INTO postings (entry_id, account_id, amount) VALUES (?,?,?)"
_TRANSACTIONS = (
    "INSERT INTO transactions (id, wallet_id, type, direction, amount, currency, status, reference,"
    " transfer_ref, counterparty_wallet_id, memo, failure_code, failure_reason, journal_entry_id,"
    " actor_user_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_AUDIT = ("INSERT INTO audit_log (id, at, actor_user_id, action, subject_user_id, subject_wallet_id,"
          " details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)")


def write(conn: sqlite3.Connection, message: tuple) -> None:
    """Write one message of the builder: ("people", users, accounts, wallets) or
    ("rows", journal, postings, transactions, audit)."""
    kind, *tables = message
    if kind == "people":
        users, accounts, wallets = tables
        conn.executemany(_USERS, users)
        conn.executemany(_ACCOUNTS, accounts)
        conn.executemany(_WALLETS, wallets)
    elif kind == "rows":
        journal, postings, transactions, audit = tables
        # Journal entries first: postings and transactions point at them.
        conn.executemany(_JOURNAL, journal)
        conn.executemany(_POSTINGS, postings)
        conn.executemany(_TRANSACTIONS, transactions)
        conn.executemany(_AUDIT, audit)
    else:
        raise ValueError(f"unknown demo message {kind!r}")
