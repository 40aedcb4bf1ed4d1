"""Every security and admin event lands in the hash-chained audit log, and the log can be filtered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import PASSWORD
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import advance, fail_transfers

from payflow_tui.services import errors as E


def entries(pf, admin, **filters):
    return pf.audit_entries(admin, limit=1000, **filters).items


def one(pf, admin, action: str) -> dict:
    found = entries(pf, admin, action=action)
    assert len(found) == 1, (action, found)
    return found[0]


def test_security_and_admin_events_are_audited(bank, clock):
    pf = bank.pf
    with pytest.raises(E.AuthFailed):
        pf.login("ada@bank.test", "wrong-password-x")
    with pytest.raises(E.AuthFailed):
        pf.login("ghost@bank.test", "wrong-password-x")
    for _ in range(5):
        with pytest.raises((E.AuthFailed, E.AccountLocked)):
            pf.login("bola@bank.test", "wrong-password-x")
    pf.change_role(bank.admin, "teller@bank.test", "ADMIN")
    pf.freeze_wallet(bank.admin, "ada@bank.test", "dispute")
    pf.unfreeze_wallet(bank.admin, "ada@bank.test", "settled")
    pf.set_rule(bank.admin, "NEW_RECIPIENTS", params={"max_new_recipients": 5})
    pf.set_setting(bank.admin, "support_contact", "head office")
    pf.change_password(bank.ada, PASSWORD, "a-brand-new-password")
    fail_transfers(pf, bank.ada, 4, to="teller@bank.test")
    [alert] = pf.list_alerts(bank.admin).items
    pf.acknowledge_alert(bank.admin, alert.id)
    pf.resolve_alert(bank.admin, alert.id, "spoke to the customer")
    pf.unlock_user(bank.admin, "ada@bank.test")
    pf.unlock_user(bank.admin, "bola@bank.test")
    pf.disable_user(bank.admin, "bola@bank.test", "left the bank")

    emails = {"admin": "admin@bank.test", "ada": "ada@bank.test", "bola": "bola@bank.test"}
    failures = entries(pf, bank.admin, action="LOGIN_FAILED")
    assert {(e["subject"], e["details"].get("reason")) for e in failures} == {
        ("ada@bank.test", "wrong password"), (None, "unknown email"), ("bola@bank.test", "wrong password")}
    assert len(entries(pf, bank.admin, action="LOGIN")) == 4
    locks = entries(pf, bank.admin, action="ACCOUNT_LOCKED")
    assert {(e["subject"], e["actor"]) for e in locks} == {(emails["bola"], None), (emails["ada"], None)}
    assert next(e for e in locks if e["subject"] == emails["ada"])["details"]["rule"] == "REPEATED_FAILURES"
    role = one(pf, bank.admin, "ROLE_CHANGED")
    assert (role["actor"], role["subject"], role["details"]) == (emails["admin"], "teller@bank.test",
                                                                   {"old": "TELLER", "new": "ADMIN"})
    assert one(pf, bank.admin, "WALLET_FROZEN")["details"]["reason"] == "dispute"
    assert one(pf, bank.admin, "WALLET_UNFROZEN")["actor"] == emails["admin"]
    assert one(pf, bank.admin, "RULE_CHANGED")["details"]["rule"] == "NEW_RECIPIENTS"
    assert one(pf, bank.admin, "SETTING_CHANGED")["details"]["key"] == "support_contact"
    assert one(pf, bank.admin, "PASSWORD_CHANGED")["subject"] == emails["ada"]
    assert one(pf, bank.admin, "ALERT_OPENED")["actor"] is None
    assert one(pf, bank.admin, "ALERT_ACKNOWLEDGED")["details"]["alert_id"] == alert.id
    assert one(pf, bank.admin, "ALERT_RESOLVED")["details"]["note"] == "spoke to the customer"
    assert {e["subject"] for e in entries(pf, bank.admin, action="ACCOUNT_UNLOCKED")} == {
        emails["ada"], emails["bola"]}
    assert one(pf, bank.admin, "ACCOUNT_DISABLED")["details"]["reason"] == "left the bank"
    assert pf.verify().ok


def test_filters_by_actor_subject_action_and_dates(bank, clock):
    pf = bank.pf
    pf.freeze_wallet(bank.admin, "ada@bank.test", "first")
    advance(bank, clock, days=1)
    pf.freeze_wallet(bank.admin, "bola@bank.test", "second")
    by_subject = entries(pf, bank.admin, subject_email="bola@bank.test", action="wallet_frozen")
    assert [e["details"]["reason"] for e in by_subject] == ["second"]
    by_actor = entries(pf, bank.admin, actor_email="admin@bank.test", action="WALLET_FROZEN")
    assert [e["details"]["reason"] for e in by_actor] == ["second", "first"]  # newest first
    start, end = pf.day_bounds(date(2026, 1, 15))
    assert end - start == timedelta(days=1) and start.utcoffset() == timedelta(hours=1)
    first_day = entries(pf, bank.admin, action="WALLET_FROZEN", date_from=start, date_to=end)
    assert [e["details"]["reason"] for e in first_day] == ["first"]
    assert entries(pf, bank.admin, actor_email="nobody@bank.test") == []
    assert "WALLET_FROZEN" in pf.audit_actions(bank.admin)


def test_only_admins_read_the_audit_trail(bank):
    for session in (bank.teller, bank.ada):
        with pytest.raises(E.PermissionDenied):
            bank.pf.audit_entries(session)
        with pytest.raises(E.PermissionDenied):
            bank.pf.audit_actions(session)
