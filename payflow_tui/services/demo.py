"""Demo data for a sandbox: realistic account holders and ~90 days of money movements.

The data comes from a time-ordered simulation (services/demo_builder.py), so
every balance stays >= 0 at every moment, every journal entry is chained in
time order and every deposit is settled after it was requested. A large demo
runs the simulation in a second process (services/demo_process.py). Rows are
written with executemany inside one BEGIN IMMEDIATE transaction: a demo is all
there or not at all, and ``verify`` checks it like any other data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING

from ..db.migrations import run_sql_file
from . import errors as E
from .base import ServiceBase
from .chain import last_link
from .ledger import system_account

if TYPE_CHECKING:
    from .demo_builder import DemoStart

DEMO_PASSWORD = "demo-password"
MAX_USERS = 1_000_000
MAX_TRANSACTIONS = 10_000_000
# Summaries kept by triggers on each transaction row, and the schema file (safe to
# rerun) that recreates the triggers and rebuilds the summary from all the rows.
_SUMMARIES_REBUILT_AFTER_LOAD = {
    "schema_reports.sql": ("report_volume_inserted", "report_volume_settled"),
}
# The tables a demo fills. Their secondary indexes are dropped for the load and
# made again after it: one sort per index costs far less than a million inserts
# at random places in it (about 40% of the load's time at a million rows).
_BULK_TABLES = ("transactions", "postings", "journal_entries", "audit_log")
# A bulk load touches most of the file: a large page cache keeps the index pages in memory.
_DEMO_CACHE_KIB = 256 * 1024


@dataclass
class DemoSummary:
    users: int
    tellers: int
    admin_email: str
    teller_email: str
    password: str
    transactions: int
    journal_entries: int
    audit_rows: int
    first_at: datetime
    last_at: datetime
    by_type_status: dict[tuple[str, str], int] = field(default_factory=dict)

    def to_json(self) -> dict:
        counts: dict[str, dict[str, int]] = {}
        for (type_, status), n in sorted(self.by_type_status.items()):
            counts.setdefault(type_, {})[status] = n
        return {
            "users": self.users, "tellers": self.tellers, "admin_email": self.admin_email,
            "teller_email": self.teller_email, "password": self.password,
            "transactions": self.transactions, "journal_entries": self.journal_entries,
            "audit_rows": self.audit_rows, "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(), "counts": counts,
        }


def _suspend_summary_triggers(conn) -> list[str]:
    """Drop the triggers that keep a summary of every transaction row; the caller
    reruns their schema file once the rows are in, which recreates them and
    rebuilds the summary whole, inside the same transaction.

    A summary trigger costs far more per row than the row itself, and a bulk
    load is the one time a single rebuild does the same work for less. A
    summary this module does not know is simply kept row by row.
    """
    suspended = []
    for schema_file, triggers in _SUMMARIES_REBUILT_AFTER_LOAD.items():
        present = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s)" % ",".join("?" * len(triggers)),
            triggers)}
        if present == set(triggers) and resources.files("payflow_tui.db").joinpath(schema_file).is_file():
            for name in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            suspended.append(schema_file)
    return suspended


def _suspend_indexes(conn) -> list[str]:
    """Drop the bulk tables' own indexes (not the ones behind PRIMARY KEY or UNIQUE
    constraints) and return the statements that make them again. A unique index made
    again still refuses duplicates, so the load keeps every rule, checked once at the end."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN (%s)" % ",".join("?" * len(_BULK_TABLES)), _BULK_TABLES).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


class DemoMixin(ServiceBase):
    def demo(self, users: int, transactions: int, *, seed: int | None = None) -> DemoSummary:
        """Fill a sandbox with ``users`` users and ``transactions`` transaction rows.

        Anyone may call (no session): it works only on a sandbox database,
        whose data is make-believe. Creates one admin, a few tellers and
        account holders, all with the password ``demo-password``; deposits
        (confirmed, pending, rejected, expired), withdrawals and transfers,
        some refused, over the 90 days before the business clock's now.
        Refuses a normal database (NOT_SANDBOX), a sandbox whose ledger
        already has transactions (CONFLICT) and sizes out of range
        (INVALID_INPUT). The same seed gives the same data.
        """
        # The simulation's modules load here, not with the services: the app never needs them.
        from . import demo_process
        from .demo_writer import write

        for value, low, high, what in ((users, 4, MAX_USERS, "users"),
                                       (transactions, 0, MAX_TRANSACTIONS, "transactions")):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise E.InvalidInput(f"The demo's {what} must be a whole number from {low:,} to {high:,}.")
        # One hash for every demo user: argon2 is slow on purpose, a million of them would take hours.
        password_hash = self.hasher.hash(DEMO_PASSWORD)
        with self._write() as conn:
            if self._setting(conn, "sandbox") != "1":
                raise E.NotSandbox("Demo data goes only into a sandbox; create one with `payflow init --sandbox`.")
            if conn.execute("SELECT 1 FROM transactions UNION ALL SELECT 1 FROM journal_entries"
                            " LIMIT 1").fetchone():
                raise E.Conflict("This sandbox already has transactions; the demo fills an empty ledger.")
            start = self._demo_start(conn, password_hash)
            cache = conn.execute("PRAGMA cache_size").fetchone()[0]
            conn.execute(f"PRAGMA cache_size = -{_DEMO_CACHE_KIB}")
            try:
                rebuild = _suspend_summary_triggers(conn)
                indexes = _suspend_indexes(conn)
                built = demo_process.build(start, random.Random(seed), lambda rows: write(conn, rows), users, transactions)
                for sql in indexes:
                    conn.execute(sql)
                if rebuild:
                    import sqlite_utils  # loaded only when needed: it is slow to import

                    for schema_file in rebuild:
                        run_sql_file(sqlite_utils.Database(conn), schema_file)
                self._audit(conn, "DEMO_LOADED", actor_id=None, users=users, transactions=transactions,
                            seed=seed)
            finally:
                conn.execute(f"PRAGMA cache_size = {int(cache)}")
        try:
            self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # a reader holding the WAL only delays the shrink
            pass
        return DemoSummary(password=DEMO_PASSWORD, audit_rows=built.pop("audit_rows") + 1, **built)

    def _demo_start(self, conn, password_hash: str) -> DemoStart:
        """What the demo continues from, read inside its own write transaction."""
        settings = self._settings(conn)
        # The cash account first: creating it takes a ledger account id.
        cash = system_account(conn, "CASH_CLEARING", settings["default_currency"])
        ids = {table: conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
               for table in ("users", "ledger_accounts", "wallets", "transactions")}
        from .demo_builder import DemoStart

        return DemoStart(
            now=self._now(conn), password_hash=password_hash, settings=settings, cash_account=cash,
            last_entry=last_link(conn, "journal_entries"), last_audit=last_link(conn, "audit_log"),
            last_ids=ids,
            emails={r[0] for r in conn.execute("SELECT email FROM users")},
        )
