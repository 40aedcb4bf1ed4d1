"""Idempotency keys: one effect per (user, key), whatever the retries.

The lookup and the record are made inside the operation's BEGIN IMMEDIATE
transaction, and the (user_id, key) primary key backs it, so concurrent
duplicates serialise and exactly one of them acts.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime

from ..clock import to_iso
from . import errors as E


def request_hash(operation: str, params: dict) -> str:
    payload = json.dumps({"operation": operation, **params}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = str(key).strip()
    if not key or len(key) > 200:
        raise E.InvalidInput("Idempotency key must be 1 to 200 characters.")
    return key


def lookup(conn: sqlite3.Connection, user_id: int, key: str | None, operation: str,
           params: dict) -> dict | None:
    """The stored outcome for a replay, or None for a first request.

    Raises IDEMPOTENCY_CONFLICT when the key was used with other parameters.
    """
    if key is None:
        return None
    row = conn.execute(
        "SELECT operation, request_hash, response FROM idempotency_keys WHERE user_id = ? AND key = ?",
        (user_id, key),
    ).fetchone()
    if row is None:
        return None
    if row["operation"] != operation or row["request_hash"] != request_hash(operation, params):
        raise E.IdempotencyConflict(
            f"Idempotency key {key!r} was already used for a different request."
        )
    return json.loads(row["response"])


def record(conn: sqlite3.Connection, user_id: int, key: str | None, operation: str,
           params: dict, response: dict, at: datetime) -> None:
    if key is None:
        return
    conn.execute(
        "INSERT INTO idempotency_keys (user_id, key, operation, request_hash, response, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, key, operation, request_hash(operation, params), json.dumps(response), to_iso(at)),
    )


def replay(stored: dict) -> dict:
    """Re-raise a stored refusal, or return the stored success payload."""
    if "error" in stored:
        err = stored["error"]
        raise E.error_for_code(err["code"], err["message"])
    return stored
