"""SHA-256 hash chains for the audit log and the journal.

Each row's hash covers its own content and the previous row's hash, so an
edited, inserted or deleted row breaks the chain from that row on.

The hashes carry no secret: someone who deletes the newest rows, or rewrites
and rehashes everything after an edit, leaves a chain that is consistent with
itself. Comparing the head (the last id and hash, which ``verify`` reports)
with a copy kept outside the database catches that too.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Iterator

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


# One link of a chain as the walker sees it: (id, stored prev_hash, stored hash,
# the hash recomputed from the row's content and its stored prev_hash).
Link = tuple[int, str, str, str]


def first_break(links: Iterator[Link], noun: str, short: str) -> tuple[int, str] | None:
    """The first row where a chain is broken, named with what most likely happened.

    Ids run 1, 2, 3, ... without gaps, so a gap is a deletion and an id out of
    sequence an insertion. A row whose successor links to its predecessor was
    slipped in between them (the ids after it renumbered to make room).
    ``noun`` names a row ("audit row"), ``short`` a row in passing ("row").
    """
    prev_hash, prev_prev_hash, expected = GENESIS, None, 1
    pending: Link | None = next(links, None)
    while pending is not None:
        row_id, stored_prev, stored_hash, computed = pending
        following = next(links, None)
        if row_id < expected:
            return row_id, f"{noun} {row_id} was inserted (its id is out of sequence: {expected} comes next)"
        if row_id > expected:
            more = f" ({row_id - expected} deleted)" if row_id - expected > 1 else ""
            return row_id, f"{noun} {expected} is missing before {short} {row_id}{more}"
        content_ok, link_ok = computed == stored_hash, stored_prev == prev_hash
        if not link_ok and stored_prev == prev_prev_hash:
            return row_id - 1, (f"{noun} {row_id - 1} was inserted (the {short} after it links past it"
                                f" to the {short} before it)")
        if not (content_ok and link_ok) and following is not None and following[1] == prev_hash:
            return row_id, (f"{noun} {row_id} was inserted (the {short} after it links past it"
                            f" to the {short} before it)")
        if not content_ok and link_ok:
            return row_id, f"{noun} {row_id} was altered (its hash does not match its content)"
        if content_ok and not link_ok:
            return row_id, (f"{noun} {row_id} does not link to the {short} before it (that one was"
                            " rewritten, or rows between them were removed)")
        if not content_ok:
            return row_id, (f"{noun} {row_id} was altered (its hash does not match its content) and"
                            f" does not link to the {short} before it")
        prev_prev_hash, prev_hash, expected = prev_hash, stored_hash, row_id + 1
        pending = following
    return None


def first_broken_audit_row(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Walk the audit chain; the first row edited, inserted or deleted behind its back."""
    rows = conn.execute(
        "SELECT id, at, actor_user_id, action, subject_user_id, subject_wallet_id, details,"
        " prev_hash, hash FROM audit_log ORDER BY id"
    )
    links = ((r[0], r[7], r[8], audit_hash(r[7], r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
             for r in rows)
    return first_break(links, "audit row", "row")


def first_broken_journal_entry(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Walk the journal chain, recomputing each entry's hash from its postings."""
    return first_break(_journal_links(conn), "journal entry", "entry")


def _journal_links(conn: sqlite3.Connection) -> Iterator[Link]:
    cur = conn.execute(
        "SELECT e.id, e.kind, e.description, e.created_at, e.prev_hash, e.hash,"
        " p.account_id, p.amount FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id"
        " ORDER BY e.id, p.id"
    )
    current, legs = None, []
    for row in cur:
        if current is not None and row[0] != current[0]:
            yield _journal_link(current, legs)
            legs = []
        current = row
        if row[6] is not None:
            legs.append((row[6], row[7]))
    if current is not None:
        yield _journal_link(current, legs)


def _journal_link(row, legs) -> Link:
    return row[0], row[4], row[5], journal_hash(row[4], row[0], row[1], row[2], row[3], legs)
