"""payflow settings list | set: an admin's settings from the command line."""

from __future__ import annotations

import sqlite3

from tests.cli_support import bank_cli, cli  # noqa: F401


def settings_state(db) -> tuple:
    """The settings and their audit trail (a login is recorded too, so not the whole file)."""
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall(),
                conn.execute("SELECT count(*) FROM audit_log WHERE action = 'SETTING_CHANGED'").fetchone()[0])
    finally:
        conn.close()


def test_an_admin_lists_and_changes_a_setting_and_it_is_audited(bank_cli):
    rc, data = bank_cli("settings", "list", "--as", "admin@bank.test")
    assert rc == 0
    values = {s["key"]: s["value"] for s in data["settings"]}
    assert values["lockout_minutes"] == "15" and values["scheduler_cron"] == "0 0 * * *"
    assert "sandbox" not in values and "clock_offset_seconds" not in values
    rc, data = bank_cli("settings", "set", "lockout_minutes", "30", "--as", "admin@bank.test")
    assert rc == 0 and data == {"key": "lockout_minutes", "old": "15", "value": "30"}
    conn = sqlite3.connect(bank_cli.db)
    assert conn.execute("SELECT value FROM settings WHERE key = 'lockout_minutes'").fetchone()[0] == "30"
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'SETTING_CHANGED'").fetchone()[0] >= 2
    conn.close()


def test_people_see_a_table(bank_cli):
    rc, out, _err = bank_cli("settings", "list", "--as", "admin@bank.test", json_out=False)
    assert rc == 0
    assert out.splitlines()[0].split() == ["KEY", "VALUE"]
    assert any(line.split()[:2] == ["timezone", "Africa/Lagos"] for line in out.splitlines())


def test_bad_settings_change_nothing_and_say_why(bank_cli):
    before = settings_state(bank_cli.db)
    rc, data = bank_cli("settings", "set", "scheduler_cron", "every day", "--as", "admin@bank.test")
    assert rc == 2 and data["error"]["code"] == "INVALID_INPUT"
    assert "expected a five-field cron expression" in data["error"]["message"]
    rc, data = bank_cli("settings", "set", "sandbox", "1", "--as", "admin@bank.test")
    assert rc == 2 and "Unknown setting 'sandbox'" in data["error"]["message"]
    assert "lockout_minutes" in data["error"]["message"]  # the message names the settings there are
    rc, data = bank_cli("settings", "set", "lockout_minutes", "--as", "admin@bank.test")
    assert rc == 2 and data["error"]["code"] == "INVALID_INPUT"
    assert settings_state(bank_cli.db) == before


def test_only_an_admin_reads_or_changes_settings(bank_cli):
    before = settings_state(bank_cli.db)
    for who in ("teller@bank.test", "ada@bank.test"):
        rc, data = bank_cli("settings", "list", "--as", who)
        assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
        rc, data = bank_cli("settings", "set", "lockout_minutes", "30", "--as", who)
        assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    assert settings_state(bank_cli.db) == before
