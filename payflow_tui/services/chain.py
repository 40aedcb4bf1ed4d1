"""SHA-256 hash chains for the audit log and the journal.

Each row's hash covers its own content and the previous row's hash, so an
edited, inserted or deleted row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: list) -> str:
    payload = json.dumps([prev_hash, *fields], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audit_hash(prev_hash: str, row_id: int, at: str, actor: int | None, action: str,
               subject_user: int | None, subject_wallet: int | None, details: str) -> str:
    return _digest(prev_hash, [row_id, at, actor, action, subject_user, subject_wallet, details])


def journal_hash(prev_hash: str, entry_id: int, kind: str, description: str, at: str,
                 legs: list[tuple[int, int]]) -> str:
    return _digest(prev_hash, [entry_id, kind, description, at, sorted(legs)])


def last_link(conn: sqlite3.Connection, table: str) -> tuple[int, str]:
    """The last row's id and hash (0 and GENESIS for an empty table)."""
    row = conn.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def first_broken_audit_row(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Walk the audit chain; the first row whose link or content does not match."""
    # Ids start at 1 and never skip (each row takes the last id + 1), so a gap
    # anywhere, the first row included, is a deleted row that can be named.
    prev, expected_id = GENESIS, 1
    for r in conn.execute(
        "SELECT id, at, actor_user_id, action, subject_user_id, subject_wallet_id, details,"
        " prev_hash, hash FROM audit_log ORDER BY id"
    ):
        if r[0] != expected_id:
            return r[0], f"audit row {expected_id} is missing before row {r[0]}"
        if r[7] != prev:
            return r[0], f"audit row {r[0]} does not link to the row before it"
        if audit_hash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6]) != r[8]:
            return r[0], f"audit row {r[0]} was altered (its hash does not match its content)"
        prev, expected_id = r[8], r[0] + 1
    return None


def first_broken_journal_entry(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Walk the journal chain, recomputing each entry's hash from its postings."""
    legs_by_entry: dict[int, list[tuple[int, int]]] = {}
    prev, expected_id = GENESIS, 1
    cur = conn.execute(
        "SELECT e.id, e.kind, e.description, e.created_at, e.prev_hash, e.hash,"
        " p.account_id, p.amount FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id"
        " ORDER BY e.id, p.id"
    )
    current = None
    for row in cur:
        if current is not None and row[0] != current[0]:
            problem = _check_entry(current, legs_by_entry.pop(current[0], []), prev, expected_id)
            if problem:
                return problem
            prev, expected_id = current[5], current[0] + 1
        current = row
        if row[6] is not None:
            legs_by_entry.setdefault(row[0], []).append((row[6], row[7]))
    if current is not None:
        return _check_entry(current, legs_by_entry.pop(current[0], []), prev, expected_id)
    return None


def _check_entry(row, legs, prev, expected_id):
    if row[0] != expected_id:
        return row[0], f"journal entry {expected_id} is missing before entry {row[0]}"
    if row[4] != prev:
        return row[0], f"journal entry {row[0]} does not link to the entry before it"
    if journal_hash(prev, row[0], row[1], row[2], row[3], legs) != row[5]:
        return row[0], f"journal entry {row[0]} was altered (its hash does not match its postings)"
    return None
