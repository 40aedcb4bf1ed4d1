"""Settings and fraud rules read once per transaction: never stale across transactions."""

from __future__ import annotations

import sqlite3


def test_a_transaction_reads_the_settings_once_and_sees_its_own_change(pf):
    statements = []
    with pf._write() as conn:
        conn.set_trace_callback(statements.append)
        assert pf._setting(conn, "timezone") == "Africa/Lagos"
        assert pf._setting(conn, "lockout_minutes") == "15"
        pf._put_setting(conn, "lockout_minutes", "30")
        assert pf._setting(conn, "lockout_minutes") == "30"
        conn.set_trace_callback(None)
    reads = [s for s in statements if "FROM settings" in s]
    assert len(reads) == 2  # once at first use, once after the change


def test_another_connection_s_change_is_seen_by_the_next_transaction(pf, db_path):
    with pf._read() as conn:
        assert pf._setting(conn, "support_contact") == "your branch's customer service desk"
    other = sqlite3.connect(db_path)
    other.execute("INSERT INTO settings (key, value) VALUES ('support_contact', 'Desk 4')"
                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    other.commit()
    other.close()
    with pf._read() as conn:
        assert pf._setting(conn, "support_contact") == "Desk 4"
    assert pf._setting(pf._conn(), "support_contact") == "Desk 4"  # outside a transaction: fresh


def test_a_rule_changed_in_a_transaction_is_read_again_by_it(bank):
    pf = bank.pf
    with pf._write() as conn:
        before = pf._rule_params(conn)
        assert pf._rule_params(conn) is before
        pf._tx_forget("rule_params")
        assert pf._rule_params(conn) is not before and pf._rule_params(conn) == before
