"""Service calls added for the fraud desk screens: a customer's notice read by staff, the audit
chain's status, and lock messages that give the reason, the local time and whom to contact."""

import pytest

from payflow_tui.services import errors as E
from tests.conftest import PASSWORD
from tests.fraud_support import bank, drop_triggers, fail_transfers  # noqa: F401  (fixture)


def test_staff_read_the_words_a_customer_is_told(bank):
    pf = bank.pf
    pf.freeze_wallet(bank.admin, "ada@bank.test", "a dispute is being investigated")
    own = pf.account_notice(bank.ada)
    for staff in (bank.teller, bank.admin):
        told = pf.account_notice(staff, "ada@bank.test")
        assert told.frozen and told.message == own.message
    assert pf.account_notice(bank.teller, "bola@bank.test").ok


def test_a_customer_notice_is_for_staff_only_and_a_teller_reads_account_holders_only(bank):
    pf = bank.pf
    with pytest.raises(E.PermissionDenied):
        pf.account_notice(bank.bola, "ada@bank.test")
    with pytest.raises(E.PermissionDenied):
        pf.account_notice(bank.teller, "admin@bank.test")
    assert pf.account_notice(bank.admin, "teller@bank.test").ok
    with pytest.raises(E.NotFound):
        pf.account_notice(bank.admin, "nobody@bank.test")
    # Naming oneself is the account holder's own notice.
    assert pf.account_notice(bank.ada, "ada@bank.test").ok


def test_audit_chain_status_names_the_first_edited_row(bank):
    pf = bank.pf
    status = pf.audit_chain_status(bank.admin)
    last = pf._conn().execute("SELECT max(id) FROM audit_log").fetchone()[0]
    assert status.ok and status.last_id == last and status.broken_at is None
    with pf._write() as conn:
        drop_triggers(conn, "audit_log")
        conn.execute("UPDATE audit_log SET details = '{\"forged\": 1}' WHERE id = 3")
    status = pf.audit_chain_status(bank.admin)
    assert not status.ok and status.broken_at == 3
    assert "altered" in status.problem
    assert status.to_json()["ok"] is False


def test_audit_chain_status_is_for_admins(bank):
    with pytest.raises(E.PermissionDenied):
        bank.pf.audit_chain_status(bank.teller)


def test_login_to_an_account_locked_by_a_rule_gives_the_reason_and_whom_to_contact(bank):
    pf = bank.pf
    pf.set_setting(bank.admin, "support_contact", "the Yaba branch, 0700 000 0000")
    fail_transfers(pf, bank.ada, 4)
    with pytest.raises(E.AccountLocked) as refused:
        pf.login("ada@bank.test", PASSWORD)
    assert refused.value.message == (
        "This account is locked because of 4 failed payments within 10 minutes."
        " Please contact the Yaba branch, 0700 000 0000 to have it unlocked.")


def test_a_lockout_gives_its_end_in_the_banks_time_zone(bank):
    pf = bank.pf
    for _ in range(4):
        with pytest.raises(E.AuthFailed):
            pf.login("ada@bank.test", "wrong-password-x")
    with pytest.raises(E.AccountLocked) as refused:
        pf.login("ada@bank.test", "wrong-password-x")
    # The clock starts at 09:00 UTC; fifteen minutes on is 10:15 in Lagos.
    assert refused.value.message.startswith(
        "This account is locked after too many failed logins; try again after 10:15 (Africa/Lagos time)")
    assert refused.value.message.endswith("or contact your branch's customer service desk.")


def test_a_session_whose_account_was_locked_is_told_why(bank):
    pf = bank.pf
    fail_transfers(pf, bank.ada, 4)
    with pytest.raises(E.AccountLocked, match="^Your account is locked because of 4 failed payments"):
        pf.wallet(bank.ada)


def test_every_later_call_of_a_locked_session_gives_the_same_reason(bank):
    """A screen's calls run together: the one that notices the lock ends the session, and the
    others, arriving a moment later, must tell the same reason rather than "not valid"."""
    pf = bank.pf
    fail_transfers(pf, bank.ada, 4)
    for _ in range(2):
        with pytest.raises(E.AccountLocked, match="^Your account is locked because of 4 failed payments"):
            pf.wallet(bank.ada)
    pf.disable_user(bank.admin, "bola@bank.test")
    for _ in range(2):
        with pytest.raises(E.AccountDisabled, match="disabled"):
            pf.history(bank.bola)


def test_the_counter_and_the_queue_read_only_unresolved_alerts_through_the_index(bank):
    """The counter runs on every change while an admin is signed in: it must not read the
    resolved alerts, which pile up for years."""
    pf = bank.pf
    fail_transfers(pf, bank.ada, 4)
    statements: list[str] = []
    conn = pf._conn()
    conn.set_trace_callback(statements.append)
    try:
        counts = pf.open_alert_counts(bank.admin)
        queue = pf.list_alerts(bank.admin)
    finally:
        conn.set_trace_callback(None)
    assert counts.open == 1 and len(queue.items) == 1
    on_alerts = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM alerts" in s]
    assert len(on_alerts) == 3  # the counts, the newest id, the queue's page
    for sql in on_alerts:
        plan = " / ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN a " not in plan + " " and "SCAN alerts" not in plan, plan
