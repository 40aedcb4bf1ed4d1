"""Forward-only schema migrations, tracked in ``PRAGMA user_version``.

Each migration runs in its own BEGIN IMMEDIATE transaction and re-reads the
applied set inside it, so two processes opening a new file at once migrate it
once. Every statement is written to be safe to run again.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]


def run_sql_file(db: "sqlite_utils.Database", name: str) -> None:
    """Run a packaged .sql file statement by statement (executescript would commit)."""
    text = resources.files("payflow_tui.db").joinpath(name).read_text(encoding="utf-8")
    buffer = ""
    for line in text.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.conn.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"{name}: trailing incomplete statement")


def _core(db: "sqlite_utils.Database") -> None:
    run_sql_file(db, "schema_core.sql")


# (version, description, function). Versions only ever grow; never edit a shipped one.
MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "ledger core", _core),
]


def register(version: int, description: str, fn: Migration) -> None:
    """Add a migration from a feature module; kept sorted by version."""
    if any(v == version for v, _, _ in MIGRATIONS):
        return
    MIGRATIONS.append((version, description, fn))
    MIGRATIONS.sort(key=lambda m: m[0])


def _load_feature_migrations() -> None:
    # Feature schemas live beside their SQL; importing them registers them.
    from . import features  # noqa: F401


def current_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    """Versions already applied. Features land in any order, so the highest
    version alone (user_version) cannot say whether a lower one ran."""
    return {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}


def _ensure_ledger_table(conn: sqlite3.Connection) -> None:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if exists:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                     " description TEXT NOT NULL)")
        # A database from before this table applied everything up to its user_version.
        legacy = current_version(conn)
        conn.executemany("INSERT OR IGNORE INTO schema_migrations VALUES (?, ?)",
                         [(v, d) for v, d, _ in MIGRATIONS if v <= legacy])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every registered migration not yet applied, lowest first.

    sqlite-utils (which imports pandas when present) is loaded only when
    there is something to apply, so opening an up-to-date database stays fast.
    """
    _load_feature_migrations()
    _ensure_ledger_table(conn)
    pending = [m for m in MIGRATIONS if m[0] not in applied_versions(conn)]
    if not pending:
        return current_version(conn)
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for version, description, fn in pending:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version not in applied_versions(conn):
                fn(db)
                conn.execute("INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                             (version, description))
                conn.execute(f"PRAGMA user_version = {max(int(version), current_version(conn))}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current_version(conn)


def schema_version() -> int:
    _load_feature_migrations()
    return MIGRATIONS[-1][0]



