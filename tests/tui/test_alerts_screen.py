"""The fraud alert queue and an alert's detail, driven through the real app."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Select

from payflow_tui.services import errors as E
from payflow_tui.tui.screens.alert_detail import AlertDetailScreen
from payflow_tui.tui.screens.alerts import AlertsScreen
from payflow_tui.tui.screens.audit_log import AuditLogScreen
from payflow_tui.tui.screens.customer_card import CustomerCardScreen
from payflow_tui.tui.widgets.dialogs import ConfirmDialog, InputDialog
from tests.fraud_support import audit_actions, bank, drop_triggers, fail_transfers  # noqa: F401

from .conftest import SIZE, settle
from .fraud_helpers import ALERTS, AUDIT, badge_text, open_alerts, open_named, rich_text, tamper_balance
from .staff_helpers import fill, open_section, press, sign_in, text_of, toasts


def alert_rows(pf, admin) -> list:
    return pf.list_alerts(admin, status="ALL").items


def critical_toasts(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Critical alert" and n.severity == "error"]


async def test_alerts_opened_by_rules_appear_most_severe_first(bank, make_app, clock):
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        queue = await open_named(pilot, ALERTS)
        assert isinstance(queue, AlertsScreen)
        shown = queue.alerts.items
        assert [(a.rule, a.severity, a.user_email) for a in shown] == [
            ("REPEATED_FAILURES", "HIGH", "bola@bank.test"),
            ("DAILY_TRANSFER_OUT", "MEDIUM", "ada@bank.test")]
        table = queue.alerts.table
        assert str(table.get_row_at(0)[-1]) == "4 failed payments within 10 minutes (more than 3)"
        assert str(table.get_row_at(1)[2]) == "1m"  # the medium alert is a minute older
        assert "Repeated failures · bola@bank.test · 4 transactions" in text_of(queue, "#alerts-detail")


async def test_admin_acknowledges_then_resolves_with_a_required_note(bank, make_app, clock):
    pf = bank.pf
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        queue = await open_named(pilot, ALERTS)
        first = queue.selected
        await press(pilot, "a")
        alert = pf.get_alert(bank.admin, first.id).alert
        assert alert.status == "ACKNOWLEDGED" and alert.acknowledged_by == "admin@bank.test"
        assert "Alert acknowledged" in [n.title for n in app._notifications]
        assert not queue.check_action("acknowledge", ())  # already acknowledged: the key is off

        await press(pilot, "r")
        dialog = app.screen
        assert isinstance(dialog, InputDialog)
        await press(pilot, "enter")  # no note yet
        assert app.screen is dialog and text_of(dialog, "#dialog-error") == "This field is required."
        await fill(pilot, "#dialog-input", "customer confirmed the payments by phone")
        assert app.screen is queue
        alert = pf.get_alert(bank.admin, first.id).alert
        assert alert.status == "RESOLVED" and alert.resolved_by == "admin@bank.test"
        assert alert.resolution_note == "customer confirmed the payments by phone"
        assert [a.id for a in queue.alerts.items] == [a.id for a in pf.list_alerts(bank.admin).items]
        assert first.id not in [a.id for a in queue.alerts.items]  # unresolved only, by default
    assert audit_actions(pf)[-2:] == ["ALERT_ACKNOWLEDGED", "ALERT_RESOLVED"]


async def test_a_refused_action_says_why_and_shows_the_alert_as_it_is(bank, make_app, clock):
    pf = bank.pf
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        queue = await open_named(pilot, ALERTS)
        pf.acknowledge_alert(bank.admin, queue.selected.id)  # another admin got there first
        await press(pilot, "a")
        assert any("already acknowledged" in t for t in toasts(app))
        assert queue.selected.status == "ACKNOWLEDGED"


async def test_filters_by_status_rule_and_severity(bank, make_app, clock):
    pf = bank.pf
    open_alerts(bank, clock)
    resolved = pf.list_alerts(bank.admin, rule="DAILY_TRANSFER_OUT").items[0]
    pf.resolve_alert(bank.admin, resolved.id, "expected: a car purchase")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        queue = await open_named(pilot, ALERTS)
        assert [a.rule for a in queue.alerts.items] == ["REPEATED_FAILURES"]

        queue.query_one("#alerts-status", Select).value = "RESOLVED"
        await settle(pilot)
        assert [a.id for a in queue.alerts.items] == [resolved.id]
        queue.query_one("#alerts-status", Select).value = "ALL"
        await settle(pilot)
        assert len(queue.alerts.items) == 2
        queue.query_one("#alerts-severity", Select).value = "HIGH"
        await settle(pilot)
        assert [a.severity for a in queue.alerts.items] == ["HIGH"]
        queue.query_one("#alerts-rule", Select).value = "DAILY_TRANSFER_OUT"
        await settle(pilot)
        assert queue.alerts.items == []
        assert "No alert matches" in str(queue.alerts.query_one(".pager").render())

        await press(pilot, "x")
        assert [a.rule for a in queue.alerts.items] == ["REPEATED_FAILURES"]


async def test_the_queue_shows_a_new_alert_by_itself(bank, make_app, clock):
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        queue = await open_named(pilot, ALERTS)
        assert len(queue.alerts.items) == 2
        fail_transfers(bank.pf, bank.teller, 4, to="ada@bank.test")  # another terminal
        app._data_changed()
        await settle(pilot)
        assert [a.user_email for a in queue.alerts.items].count("teller@bank.test") == 1


async def test_detail_shows_the_facts_and_the_transactions_involved(bank, make_app, clock):
    pf = bank.pf
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        await open_named(pilot, ALERTS)
        detail = await open_section(pilot, "enter")
        assert isinstance(detail, AlertDetailScreen)
        expected = pf.get_alert(bank.admin, detail.alert_id)
        assert expected.alert.rule == "REPEATED_FAILURES"
        table = detail.query_one("#alert-transactions", DataTable)
        assert table.row_count == 4
        assert [str(table.get_row_at(i)[1]) for i in range(4)] == [t.reference for t in expected.transactions]
        assert str(table.get_row_at(0)[3]) == "−₦100,000,000.00" and str(table.get_row_at(0)[4]) == "FAILED"
        facts = rich_text(detail, "#alert-facts")
        assert "Bola Ade <bola@bank.test>" in facts and "LOCKED" in facts
        what = rich_text(detail, "#alert-what")
        assert "4 failed payments within 10 minutes" in what and "action: locked" in what


async def test_from_an_alert_the_admin_freezes_unfreezes_and_unlocks(bank, make_app, clock):
    pf = bank.pf
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        await open_named(pilot, ALERTS)
        detail = await open_section(pilot, "enter")
        alert_id = detail.alert_id

        await press(pilot, "f")
        assert isinstance(app.screen, InputDialog)
        await fill(pilot, "#dialog-input", "four failed payments in a minute")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "tab", "enter")  # a dangerous dialog focuses Cancel; move to Freeze
        assert app.screen is detail
        wallet = pf.wallet(bank.admin, for_email="bola@bank.test")
        assert wallet.frozen and wallet.frozen_reason == "four failed payments in a minute"
        assert detail.user.frozen  # the detail shows the wallet as it is now

        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmDialog)
        assert "4 failed payments within 10 minutes" in text_of(app.screen, ".dialog-body")
        await press(pilot, "enter")
        assert pf.get_user(bank.admin, "bola@bank.test").status == "ACTIVE"
        assert "Bola Ade can log in again." in toasts(app)
        assert not detail.check_action("unlock", ())

        await press(pilot, "f")  # the same key now unfreezes
        await fill(pilot, "#dialog-input", "customer identity checked")
        await press(pilot, "enter")
        assert not pf.wallet(bank.admin, for_email="bola@bank.test").frozen
        assert pf.get_alert(bank.admin, alert_id).alert.status == "OPEN"  # resolving is separate
    unlock = pf.audit_entries(bank.admin, action="ACCOUNT_UNLOCKED").items[0]
    assert unlock["details"]["reason"] == f"reviewed in alert #{alert_id}"
    assert audit_actions(pf)[-3:] == ["WALLET_FROZEN", "ACCOUNT_UNLOCKED", "WALLET_UNFROZEN"]


async def test_an_alert_about_a_wallet_says_there_are_no_transactions(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 100_000)
    tamper_balance(pf, "ada@bank.test", 5_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:  # the start check finds it
        await sign_in(pilot, bank.admin)
        await open_named(pilot, ALERTS)
        detail = await open_section(pilot, "enter")
        assert detail.alert.rule == "BALANCE_MISMATCH"
        assert not detail.query_one("#alert-transactions").display
        assert "about the wallet itself" in text_of(detail, "#alert-no-tx")
        assert "difference: ₦50.00" in rich_text(detail, "#alert-what")
        await press(pilot, "c")
        assert isinstance(app.screen, CustomerCardScreen) and app.screen.email == "ada@bank.test"


# -- the counter and the toasts -------------------------------------------------------------------


async def test_the_open_alert_count_shows_on_every_admin_screen_and_follows_changes(bank, make_app, clock):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        assert badge_text(app.screen) == "No open alerts"
        open_alerts(bank, clock)  # elsewhere
        app._data_changed()
        await settle(pilot)
        assert badge_text(app.screen) == "⚠ 2 open alerts"
        queue = await open_named(pilot, ALERTS)
        assert badge_text(queue) == "⚠ 2 open alerts"
        await press(pilot, "a")  # acknowledged is no longer open
        app._data_changed()
        await settle(pilot)
        assert badge_text(queue) == "⚠ 1 open alert"
        await press(pilot, "escape")
        assert badge_text(app.screen) == "⚠ 1 open alert"  # the menu's header follows too


async def test_the_counter_opens_the_queue_when_clicked(bank, make_app, clock):
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        await pilot.click("#alert-badge")
        await settle(pilot)
        assert isinstance(app.screen, AlertsScreen)


async def test_a_critical_alert_after_tampering_raises_a_toast(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 100_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        assert critical_toasts(app) == []
        tamper_balance(pf, "ada@bank.test", 5_000)
        pf.check_wallet_integrity()  # the scheduler's run, or `payflow verify`, in another terminal
        app._data_changed()
        await settle(pilot)
        [toast] = critical_toasts(app)
        assert "balance differs from its ledger postings (Ada Obi, ada@bank.test)" in toast
        assert badge_text(app.screen) == "⚠ 1 open alert · 1 critical"
        app._data_changed()  # nothing new: no second toast
        await settle(pilot)
        assert len(critical_toasts(app)) == 1
    assert pf.wallet(bank.admin, for_email="ada@bank.test").frozen


async def test_only_critical_alerts_raise_a_toast(bank, make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        open_alerts(bank, clock)  # a medium and a high alert
        app._data_changed()
        await settle(pilot)
        assert critical_toasts(app) == []


async def test_the_start_check_freezes_a_tampered_wallet_and_a_login_does_not_replay_it(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 100_000)
    tamper_balance(pf, "ada@bank.test", -2_500)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the login screen: nobody is signed in yet
        assert pf.wallet(bank.admin, for_email="ada@bank.test").frozen
        [alert] = pf.list_alerts(bank.admin).items
        assert (alert.rule, alert.severity) == ("BALANCE_MISMATCH", "CRITICAL")
        await sign_in(pilot, bank.admin)
        assert badge_text(app.screen) == "⚠ 1 open alert · 1 critical"
        assert critical_toasts(app) == []  # the first look after a login only notes where things stand


async def test_a_teller_has_no_fraud_sections_no_counter_and_the_service_refuses(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        assert not {"alerts", "rules", "audit-log"} & {s.id for s in app.screen._sections}
        assert not app.screen.query("#alert-badge")
    for call in (lambda: pf.list_alerts(bank.teller), lambda: pf.open_alert_counts(bank.teller),
                 lambda: pf.acknowledge_alert(bank.teller, 1), lambda: pf.list_rules(bank.teller),
                 lambda: pf.set_rule(bank.teller, "REPEATED_FAILURES", enabled=False)):
        with pytest.raises(E.PermissionDenied):
            call()


# -- what the customer is told ----------------------------------------------------------------------


async def test_the_customer_card_shows_what_the_customer_is_told(bank, make_app):
    pf = bank.pf
    fail_transfers(pf, bank.bola, 4, to="ada@bank.test")  # locked by the rule
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        await open_section(pilot, "2")
        await fill(pilot, "#search", "bola@bank.test")
        card = await open_section(pilot, "enter")
        told = card.query_one("#card-told")
        assert told.display
        assert text_of(card, "#card-told") == (
            "The customer is told: " + pf.account_notice(bank.teller, "bola@bank.test").message)
        assert "4 failed payments within 10 minutes" in text_of(card, "#card-told")

        pf.unlock_user(bank.admin, "bola@bank.test")  # another terminal
        app._data_changed()
        await settle(pilot)
        assert not told.display


# -- the audit log's chain ----------------------------------------------------------------------------


async def test_the_audit_log_verifies_its_hash_chain_on_request(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_named(pilot, AUDIT)
        assert isinstance(screen, AuditLogScreen)
        assert "press v" in text_of(screen, "#audit-chain")
        await press(pilot, "v")
        last = pf._conn().execute("SELECT max(id) FROM audit_log").fetchone()[0]
        assert text_of(screen, "#audit-chain").startswith(f"✓ Hash chain intact: entries #1–#{last} verified")
        with pf._write() as conn:
            drop_triggers(conn, "audit_log")
            conn.execute("UPDATE audit_log SET details = '{\"forged\": 1}' WHERE id = 2")
        await press(pilot, "v")
        assert text_of(screen, "#audit-chain").startswith(
            "✗ Hash chain broken at entry #2: audit row 2 was altered")


async def test_the_audit_log_suggests_the_fraud_events(bank, make_app, clock):
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_named(pilot, AUDIT)
        await fill(pilot, "#audit-action", "ALERT_OPENED")
        assert [e["subject"] for e in screen.entries.items] == ["bola@bank.test", "ada@bank.test"]
        suggester = screen.query_one("#audit-action").suggester
        assert await suggester.get_suggestion("alert_o") == "ALERT_OPENED"


async def test_the_counter_and_the_queue_refreshing_are_not_activity(bank, make_app, clock):
    pf = bank.pf
    open_alerts(bank, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        queue = await open_named(pilot, ALERTS)
        clock.advance(minutes=10)
        fail_transfers(pf, bank.teller, 4, to="ada@bank.test")  # another terminal
        app._data_changed()
        await settle(pilot)
        assert len(queue.alerts.items) == 3 and badge_text(queue) == "⚠ 3 open alerts"
        clock.advance(minutes=6)
        assert not pf.session_alive(bank.admin)  # 16 minutes since the admin last did anything
