"""The admin's alert queue: ordering, filters, detail, acknowledge, resolve, counts, new alerts."""

from __future__ import annotations

import sqlite3

import pytest
from tests.conftest import PASSWORD
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import advance, all_alerts, fail_transfers, scalar, wallet_row

from payflow_tui.services import errors as E


@pytest.fixture
def alerted(bank, clock):
    """Three alerts of three severities, opened a minute apart: MEDIUM, HIGH, CRITICAL."""
    pf = bank.pf
    bank.fund(bank.bola, 20_000_000)
    pf.transfer(bank.bola, "teller@bank.test", 10_000_001)  # MEDIUM, DAILY_TRANSFER_OUT
    advance(bank, clock, minutes=1)
    fail_transfers(pf, bank.ada, 4)  # HIGH, REPEATED_FAILURES
    advance(bank, clock, minutes=1)
    pf._conn().execute("UPDATE wallets SET balance = 1 WHERE id = ?", (wallet_row(pf, "teller@bank.test")["id"],))
    pf.check_wallet_integrity()  # CRITICAL, BALANCE_MISMATCH
    return bank


def test_queue_is_sorted_by_severity_then_age(alerted, clock):
    pf = alerted.pf
    advance(alerted, clock, minutes=1)
    pf._conn().execute("UPDATE wallets SET balance = 2 WHERE id = ?", (wallet_row(pf, "bola@bank.test")["id"],))
    pf.check_wallet_integrity()  # a second, younger CRITICAL
    rows = pf.list_alerts(alerted.admin).items
    assert [(a.severity, a.user_email) for a in rows] == [
        ("CRITICAL", "teller@bank.test"), ("CRITICAL", "bola@bank.test"),
        ("HIGH", "ada@bank.test"), ("MEDIUM", "bola@bank.test")]


def test_paging_through_the_queue(alerted):
    pf = alerted.pf
    first = pf.list_alerts(alerted.admin, limit=2)
    assert [a.severity for a in first.items] == ["CRITICAL", "HIGH"] and first.has_more
    second = pf.list_alerts(alerted.admin, limit=2, after=first.next_cursor)
    assert [a.severity for a in second.items] == ["MEDIUM"] and not second.has_more


def test_filters(alerted, clock):
    pf, admin = alerted.pf, alerted.admin
    assert [a.rule for a in pf.list_alerts(admin, severity="high").items] == ["REPEATED_FAILURES"]
    assert [a.rule for a in pf.list_alerts(admin, rule="daily_transfer_out").items] == ["DAILY_TRANSFER_OUT"]
    assert [a.user_email for a in pf.list_alerts(admin, email="ada@bank.test").items] == ["ada@bank.test"]
    assert pf.list_alerts(admin, email="nobody@bank.test").items == []
    start = clock.now
    assert [a.rule for a in pf.list_alerts(admin, date_from=start).items] == ["BALANCE_MISMATCH"]
    assert len(pf.list_alerts(admin, date_to=start).items) == 2
    for bad in (dict(status="CLOSED"), dict(severity="URGENT"), dict(rule="NO_SUCH_RULE"),
                dict(date_from=start, date_to=start), dict(limit=0)):
        with pytest.raises(E.InvalidInput):
            pf.list_alerts(admin, **bad)


def test_detail_lists_the_transactions_involved(alerted):
    pf = alerted.pf
    [alert] = pf.list_alerts(alerted.admin, rule="REPEATED_FAILURES").items
    detail = pf.get_alert(alerted.admin, alert.id)
    assert detail.alert.id == alert.id
    assert [(t.status, t.failure_code) for t in detail.transactions] == [("FAILED", "INSUFFICIENT_FUNDS")] * 4
    data = detail.to_json()
    assert data["transactions"][0]["amount"] == "100000000.00"
    with pytest.raises(E.NotFound):
        pf.get_alert(alerted.admin, 999)


def test_acknowledge_then_resolve_records_who_and_the_note(alerted, clock):
    pf, admin = alerted.pf, alerted.admin
    [alert] = pf.list_alerts(admin, rule="REPEATED_FAILURES").items
    acked = pf.acknowledge_alert(admin, alert.id)
    assert (acked.status, acked.acknowledged_by) == ("ACKNOWLEDGED", "admin@bank.test")
    with pytest.raises(E.AlreadyProcessed):
        pf.acknowledge_alert(admin, alert.id)
    with pytest.raises(E.InvalidInput):
        pf.resolve_alert(admin, alert.id, "   ")
    advance(alerted, clock, minutes=5)
    done = pf.resolve_alert(alerted.admin, alert.id, "Customer confirmed; unlocked by phone.")
    assert (done.status, done.resolved_by, done.resolution_note) == (
        "RESOLVED", "admin@bank.test", "Customer confirmed; unlocked by phone.")
    assert done.resolved_at > done.acknowledged_at
    with pytest.raises(E.AlreadyProcessed):
        pf.resolve_alert(alerted.admin, alert.id, "again")
    assert alert.id not in [a.id for a in pf.list_alerts(alerted.admin).items]
    assert [a.id for a in pf.list_alerts(alerted.admin, status="RESOLVED").items] == [alert.id]
    actions = [r[0] for r in pf._conn().execute(
        "SELECT action FROM audit_log WHERE action LIKE 'ALERT_%' AND json_extract(details, '$.alert_id') = ?"
        " ORDER BY id", (alert.id,))]
    assert actions == ["ALERT_OPENED", "ALERT_ACKNOWLEDGED", "ALERT_RESOLVED"]


def test_resolving_an_open_alert_acknowledges_it_on_the_way(alerted):
    pf = alerted.pf
    [alert] = pf.list_alerts(alerted.admin, severity="MEDIUM").items
    done = pf.resolve_alert(alerted.admin, alert.id, "payroll day")
    assert done.acknowledged_by == "admin@bank.test" and done.status == "RESOLVED"


def test_only_admins_work_alerts(alerted):
    pf = alerted.pf
    [alert] = pf.list_alerts(alerted.admin, severity="MEDIUM").items
    for session in (alerted.teller, alerted.bola):
        for call in (lambda s: pf.list_alerts(s), lambda s: pf.get_alert(s, alert.id),
                     lambda s: pf.acknowledge_alert(s, alert.id),
                     lambda s: pf.resolve_alert(s, alert.id, "x"), lambda s: pf.open_alert_counts(s),
                     lambda s: pf.alerts_since(s, 0)):
            with pytest.raises(E.PermissionDenied):
                call(session)
    assert pf.get_alert(alerted.admin, alert.id).alert.status == "OPEN"


def test_counts_and_new_alerts_for_the_toast(alerted):
    pf, admin = alerted.pf, alerted.admin
    counts = pf.open_alert_counts(admin)
    assert (counts.open, counts.acknowledged) == (3, 0)
    assert counts.open_by_severity == {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1, "LOW": 0}
    [high] = pf.list_alerts(admin, severity="HIGH").items
    pf.acknowledge_alert(admin, high.id)
    counts = pf.open_alert_counts(admin)
    assert (counts.open, counts.acknowledged, counts.unresolved) == (2, 1, 3)
    seen = counts.latest_id
    assert pf.alerts_since(admin, seen) == []
    pf._conn().execute("UPDATE wallets SET balance = 3 WHERE id = ?", (wallet_row(pf, "bola@bank.test")["id"],))
    pf.check_wallet_integrity()
    fresh = pf.alerts_since(admin, seen, min_severity="CRITICAL")
    assert [(a.rule, a.user_email) for a in fresh] == [("BALANCE_MISMATCH", "bola@bank.test")]
    assert [a.severity for a in pf.alerts_since(admin, 0, min_severity="HIGH")] == ["HIGH", "CRITICAL", "CRITICAL"]


def test_opening_an_alert_emits_an_event_for_staff_only(bank, monkeypatch):
    events = []
    real_emit = bank.pf._emit
    monkeypatch.setattr(bank.pf, "_emit", lambda conn, kind, *, user_id, **payload: (
        events.append((kind, user_id, payload)), real_emit(conn, kind, user_id=user_id, **payload)))
    fail_transfers(bank.pf, bank.ada, 4)
    [opened] = [e for e in events if e[0] == "alert.opened"]
    assert opened[1] is None
    assert opened[2]["rule"] == "REPEATED_FAILURES" and opened[2]["subject_user_id"] == bank.ada.user_id


def test_the_database_keeps_alerts_moving_forward(alerted):
    conn = alerted.pf._conn()
    [alert] = alerted.pf.list_alerts(alerted.admin, severity="MEDIUM").items
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM alerts WHERE id = ?", (alert.id,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE alerts SET user_id = NULL WHERE id = ?", (alert.id,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE alerts SET status = 'RESOLVED' WHERE id = ?", (alert.id,))  # no who, no note
    alerted.pf.resolve_alert(alerted.admin, alert.id, "fine")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE alerts SET resolution_note = 'rewritten' WHERE id = ?", (alert.id,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO alert_transactions VALUES (?, 1)", (alert.id,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM alert_transactions")


# -- what the account holder is told ----------------------------------------------------------

def test_notice_in_good_standing(bank):
    notice = bank.pf.account_notice(bank.ada)
    assert notice.ok and notice.message == "Your account and wallet are in good standing."


def test_notice_for_a_frozen_wallet_names_the_reason_and_the_contact(bank):
    pf = bank.pf
    pf.set_setting(bank.admin, "support_contact", "the Yaba branch, 0700 000 0000")
    pf.freeze_wallet(bank.admin, "ada@bank.test", "a dispute is being investigated")
    notice = pf.account_notice(bank.ada)
    assert notice.frozen and not notice.locked
    assert "Your wallet is frozen (a dispute is being investigated)" in notice.message
    assert notice.message.endswith("Please contact the Yaba branch, 0700 000 0000.")
    assert notice.to_json()["ok"] is False


def test_notice_for_an_account_locked_by_a_rule(bank):
    fail_transfers(bank.pf, bank.ada, 4)
    notice = bank.pf.account_notice(bank.ada)
    assert notice.locked
    assert notice.message.startswith("Your account is locked because of 4 failed payments within 10 minutes.")
    assert "customer service desk" in notice.message


def test_notice_after_too_many_wrong_passwords(bank):
    pf = bank.pf
    for _ in range(5):
        with pytest.raises((E.AuthFailed, E.AccountLocked)):
            pf.login("ada@bank.test", "wrong-password-x")
    notice = pf.account_notice(bank.ada)
    assert notice.locked and "unlocks by itself at 10:15" in notice.message  # 09:15 UTC in Lagos


def test_notice_is_only_about_oneself(bank):
    bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "dispute")
    assert bank.pf.account_notice(bank.bola).ok
    bank.pf.logout(bank.ada)
    with pytest.raises(E.SessionExpired):
        bank.pf.account_notice(bank.ada)
    assert bank.pf.account_notice(bank.pf.login("ada@bank.test", PASSWORD)).frozen


def test_polling_the_counter_does_not_keep_an_idle_session_alive(bank, clock):
    pf = bank.pf
    clock.advance(minutes=14)
    pf.open_alert_counts(bank.admin)
    pf.alerts_since(bank.admin, 0)
    clock.advance(minutes=2)  # 16 idle minutes: only the polls happened in between
    with pytest.raises(E.SessionExpired):
        pf.list_alerts(bank.admin)
