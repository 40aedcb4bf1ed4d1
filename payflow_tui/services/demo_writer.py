"""Writing demo rows on a second thread while the next batch is being made.

sqlite3 lets go of the GIL while SQLite works, so on a machine with two cores
the inserts of one batch overlap the Python that generates the next one. The
writer only ever runs inside the demo's own BEGIN IMMEDIATE transaction, and
it is joined before that transaction commits or rolls back.
"""

from __future__ import annotations

import queue
import sqlite3
import threading

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


def write_batch(conn: sqlite3.Connection, journal, postings, transactions, audit) -> None:
    """Journal entries before the postings and transactions that point at them."""
    conn.executemany(_JOURNAL, journal)
    conn.executemany(_POSTINGS, postings)
    conn.executemany(_TRANSACTIONS, transactions)
    conn.executemany(_AUDIT, audit)


class BatchWriter:
    """A one-thread queue of batches for ``write_batch``; the first error stops the writing."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._run, name="demo-writer", daemon=True)
        self._thread.start()

    def put(self, batch: tuple) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(batch)

    def close(self) -> None:
        """Wait for every batch to be written; re-raise a write's error here."""
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        """Stop after the batch in hand (the transaction is about to roll back)."""
        self.error = self.error or RuntimeError("demo aborted")
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self.error is None:
                try:
                    write_batch(self.conn, *batch)
                except BaseException as exc:  # handed to the generating thread
                    self.error = exc
