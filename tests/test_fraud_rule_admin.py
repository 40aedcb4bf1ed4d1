"""Rules are data: seeded with defaults, listed and changed by admins only, every change audited."""

from __future__ import annotations

import json

import pytest
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import ledger_state, scalar

from payflow_tui.services import errors as E
from payflow_tui.services.rule_defs import RULES

DEFAULTS = {
    "REPEATED_FAILURES": ("LOCK_USER", "HIGH", {"max_failures": 3, "window_minutes": 10}),
    "DAILY_TRANSFER_OUT": ("ALERT", "MEDIUM", {"threshold": 10_000_000, "block_threshold": None,
                                                "day": "calendar"}),
    "BALANCE_MISMATCH": ("FREEZE", "CRITICAL", {}),
    "NEW_RECIPIENTS": ("ALERT", "HIGH", {"max_new_recipients": 3, "window_minutes": 30}),
    "LARGE_AFTER_SECURITY_CHANGE": ("ALERT", "HIGH", {"amount_over": 5_000_000, "window_hours": 24}),
}


def test_the_seeded_rules_and_their_defaults(bank):
    rules = bank.pf.list_rules(bank.admin)
    assert {r.code: (r.action, r.severity, r.params) for r in rules} == DEFAULTS
    assert all(r.enabled and r.updated_by is None for r in rules)
    for r in rules:
        assert RULES[r.code].check_params(r.params) == r.params
        assert r.action in r.actions
    daily = next(r for r in rules if r.code == "DAILY_TRANSFER_OUT")
    assert daily.description == "More than ₦100,000.00 sent by one user in a calendar day (local time)"
    assert daily.to_json()["params"] == {"threshold": "100000.00", "block_threshold": None, "day": "calendar"}


def test_an_admin_changes_a_rule_and_the_change_is_audited(bank):
    pf = bank.pf
    rule = pf.set_rule(bank.admin, "daily_transfer_out", params={"threshold": 5_000_000},
                       severity="high")
    assert (rule.params["threshold"], rule.params["day"], rule.severity) == (5_000_000, "calendar", "HIGH")
    assert rule.updated_by == "admin@bank.test" and rule.updated_at is not None
    row = bank.pf._conn().execute(
        "SELECT actor_user_id, details FROM audit_log WHERE action = 'RULE_CHANGED'").fetchone()
    assert row["actor_user_id"] == bank.admin.user_id
    details = json.loads(row["details"])
    assert details["rule"] == "DAILY_TRANSFER_OUT"
    assert details["changes"]["severity"] == {"old": "MEDIUM", "new": "HIGH"}
    assert details["changes"]["params"]["new"]["threshold"] == 5_000_000
    assert "enabled" not in details["changes"]


def test_enable_and_disable_are_audited(bank):
    pf = bank.pf
    assert not pf.set_rule(bank.admin, "NEW_RECIPIENTS", enabled=False).enabled
    assert pf.set_rule(bank.admin, "NEW_RECIPIENTS", enabled=True).enabled
    assert scalar(pf, "SELECT count(*) FROM audit_log WHERE action = 'RULE_CHANGED'") == 2


@pytest.mark.parametrize("who", ["teller", "ada"])
def test_only_an_admin_may_list_or_change_rules(bank, who):
    session = getattr(bank, who)
    before = ledger_state(bank.pf)
    with pytest.raises(E.PermissionDenied):
        bank.pf.list_rules(session)
    with pytest.raises(E.PermissionDenied):
        bank.pf.set_rule(session, "DAILY_TRANSFER_OUT", enabled=False)
    assert ledger_state(bank.pf) == before
    assert next(r for r in bank.pf.list_rules(bank.admin) if r.code == "DAILY_TRANSFER_OUT").enabled


@pytest.mark.parametrize("code, change, words", [
    ("NO_SUCH_RULE", dict(enabled=False), "No fraud rule"),
    ("DAILY_TRANSFER_OUT", {}, "Nothing to change"),
    ("DAILY_TRANSFER_OUT", dict(params={"limit": 5}), "has no parameter limit"),
    ("DAILY_TRANSFER_OUT", dict(params={"threshold": 1.5}), "whole number of kobo"),
    ("DAILY_TRANSFER_OUT", dict(params={"threshold": "100000"}), "whole number of kobo"),
    ("DAILY_TRANSFER_OUT", dict(params={"threshold": 0}), "from ₦0.01"),
    ("DAILY_TRANSFER_OUT", dict(params={"threshold": None}), "needs a value"),
    ("DAILY_TRANSFER_OUT", dict(params={"day": "weekly"}), "'calendar' or 'rolling'"),
    ("DAILY_TRANSFER_OUT", dict(params={"block_threshold": 100}), "below threshold"),
    ("REPEATED_FAILURES", dict(action="BLOCK"), "can LOCK_USER, FREEZE, ALERT"),
    ("REPEATED_FAILURES", dict(severity="URGENT"), "Severity must be"),
    ("REPEATED_FAILURES", dict(params={"window_minutes": -1}), "from 1 to"),
    ("REPEATED_FAILURES", dict(enabled="no"), "true or false"),
])
def test_bad_changes_are_refused_and_change_nothing(bank, code, change, words):
    before = ledger_state(bank.pf)
    rules = bank.pf.list_rules(bank.admin)
    with pytest.raises((E.InvalidInput, E.NotFound)) as refused:
        bank.pf.set_rule(bank.admin, code, **change)
    assert words in refused.value.message
    assert ledger_state(bank.pf) == before
    assert bank.pf.list_rules(bank.admin) == rules


def test_a_change_to_the_same_values_is_refused(bank):
    with pytest.raises(E.Conflict):
        bank.pf.set_rule(bank.admin, "REPEATED_FAILURES", params={"max_failures": 3})


def test_the_database_refuses_a_rule_outside_its_vocabulary(bank):
    import sqlite3

    conn = bank.pf._conn()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE fraud_rules SET action = 'SHRUG' WHERE code = 'NEW_RECIPIENTS'")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE fraud_rules SET params = 'not json' WHERE code = 'NEW_RECIPIENTS'")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM fraud_rules WHERE code = 'NEW_RECIPIENTS'")


def test_the_migration_is_safe_to_rerun_and_keeps_edits(bank, db_path):
    from payflow_tui.db.migrations import run_sql_file
    import sqlite_utils

    bank.pf.set_rule(bank.admin, "NEW_RECIPIENTS", params={"max_new_recipients": 9})
    conn = bank.pf._conn()
    conn.execute("BEGIN IMMEDIATE")
    run_sql_file(sqlite_utils.Database(conn), "schema_fraud.sql")
    conn.execute("COMMIT")
    rule = next(r for r in bank.pf.list_rules(bank.admin) if r.code == "NEW_RECIPIENTS")
    assert rule.params["max_new_recipients"] == 9
