"""Forward-only schema migrations, tracked in ``PRAGMA user_version``.

Each migration runs in its own BEGIN IMMEDIATE transaction and re-reads the
version inside it, so two processes opening a new file at once migrate it
once. Every statement is written to be safe to run again.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import sqlite_utils

# sqlite_utils imports pandas and numpy when they are installed (most of a
# second), so it is imported only when a migration actually has to run.
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


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the version reached."""
    _load_feature_migrations()
    pending = [m for m in MIGRATIONS if m[0] > current_version(conn)]
    if not pending:
        return current_version(conn)
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for version, _description, fn in pending:
        if current_version(conn) >= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) < version:
                fn(db)
                conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current_version(conn)


def schema_version() -> int:
    _load_feature_migrations()
    return MIGRATIONS[-1][0]



