"""Connections with the pragmas money needs."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

# Long enough that a queue of teller terminals waits its turn rather than failing.
BUSY_TIMEOUT_S = 30.0


def connect(path: str | Path) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode; callers begin their own transactions.

    WAL lets readers run beside the one writer; synchronous=FULL makes every
    commit durable across power loss, which a ledger owes its customers.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    mode = _switch_to_wal(conn)
    if mode.lower() != "wal" and str(path) != ":memory:":
        raise RuntimeError(f"could not switch {path} to WAL (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Set WAL mode, waiting out other processes doing the same to a new file.

    Switching a brand-new file to WAL needs it alone for a moment, and SQLite
    answers "database is locked" at once there, without the busy timeout, when
    several terminals open the new file together.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.001
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
