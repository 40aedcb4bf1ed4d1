"""Migrations: applied once each, in any landing order, safe to rerun."""

import sqlite3

from payflow_tui.db import connect, migrate
from payflow_tui.db import migrations as M


def test_fresh_database_applies_every_migration_once(tmp_path):
    conn = connect(tmp_path / "a.db")
    migrate(conn)
    applied = M.applied_versions(conn)
    assert applied == {v for v, _, _ in M.MIGRATIONS}
    assert conn.execute("PRAGMA user_version").fetchone()[0] == max(applied)
    migrate(conn)  # a rerun changes nothing
    assert M.applied_versions(conn) == applied


def test_a_lower_version_landing_later_is_still_applied(tmp_path, monkeypatch):
    ran = []
    base = list(M.MIGRATIONS)
    monkeypatch.setattr(M, "MIGRATIONS", [*base, (900, "newer feature", lambda db: ran.append(900))])
    monkeypatch.setattr(M, "_load_feature_migrations", lambda: None)
    conn = connect(tmp_path / "b.db")
    migrate(conn)
    monkeypatch.setattr(M, "MIGRATIONS", [*base, (800, "older feature", lambda db: ran.append(800)),
                                          (900, "newer feature", lambda db: ran.append(900))])
    migrate(conn)
    assert ran == [900, 800]
    assert {800, 900} <= M.applied_versions(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 900


def test_concurrent_openers_migrate_once(tmp_path):
    path = tmp_path / "c.db"
    first, second = connect(path), connect(path)
    migrate(first)
    migrate(second)
    rows = second.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    assert rows == len(M.MIGRATIONS)
    assert isinstance(first, sqlite3.Connection)
