"""Plans, subscriptions and the scheduler, driven through the real app on a temporary database."""

from __future__ import annotations

import io
import threading

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input, Select

from payflow_tui.services import errors as E
from payflow_tui.tui.screens.customer_card import CustomerCardScreen
from payflow_tui.tui.screens.my_subscriptions import MySubscriptionsScreen
from payflow_tui.tui.screens.plan_catalogue import PlanCatalogueScreen
from payflow_tui.tui.screens.plan_form import PlanFormScreen
from payflow_tui.tui.screens.plans import PlansScreen
from payflow_tui.tui.screens.scheduler_status import SchedulerStatusScreen
from payflow_tui.tui.screens.subscriptions_admin import SubscriptionsAdminScreen
from payflow_tui.tui.sections import sections_for
from payflow_tui.tui.widgets.dialogs import ConfirmDialog
from tests.subs_support import GOLD_PRICE, advance

from .conftest import SIZE, settle
from .staff_helpers import fill, press, sign_in, text_of, toasts


async def open_section_id(pilot, section_id: str):
    """Open a staff-menu section by its id, with the key the menu gives it."""
    keys = {sid: key for key, sid in pilot.app.screen._keys.items()}
    await press(pilot, keys[section_id])
    return pilot.app.screen


async def confirm(pilot) -> str:
    """Confirm the open dialog; returns the text it asked."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    body = dialog._body
    await pilot.click("#confirm")
    await settle(pilot)
    return body


def rendered(renderable) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return " ".join(console.export_text().split())


def rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_an_admin_creates_edits_and_archives_a_plan(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        plans = await open_section_id(pilot, "plans")
        assert isinstance(plans, PlansScreen)
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, PlanFormScreen)
        await fill(pilot, "#plan-name", "Gold")
        await fill(pilot, "#plan-price", "1,500.00")
        await fill(pilot, "#plan-days", "30")
        await fill(pilot, "#plan-features", '{"seats": 3', submit=False)
        assert "not valid JSON" in text_of(form, "#plan-error")  # as typed, before saving
        assert form.query_one("#plan-features", Input).has_class("-invalid")
        await fill(pilot, "#plan-features", '{"seats": 3, "support": "email"}')  # Enter on the last field saves

        assert app.screen is plans
        gold = pf.get_plan(bank.admin, "Gold")
        assert (gold.price, gold.duration_days, gold.features, gold.active) == (
            150_000, 30, {"seats": 3, "support": "email"}, True)
        assert rows(plans, "#plans") == [["Gold", "₦1,500.00", "30 days", "Active", "0"]]
        assert "Plan created" in [n.title for n in app._notifications]

        await press(pilot, "e")
        assert app.screen.query_one("#plan-price", Input).value == "1500.00"
        await fill(pilot, "#plan-price", "2,000", submit=False)
        await press(pilot, "ctrl+s")
        assert app.screen is plans
        assert pf.get_plan(bank.admin, "Gold").price == 200_000
        assert rows(plans, "#plans")[0][1] == "₦2,000.00"

        await press(pilot, "x")
        body = await confirm(pilot)
        assert "Archive Gold" in body
        assert pf.get_plan(bank.admin, "Gold").archived_at is not None
        assert rows(plans, "#plans")[0][3] == "Archived"
        assert "Gold takes no new subscribers." in toasts(app)
        keys = {b.binding.action for b in plans.active_bindings.values() if b.enabled}
        assert "archive" not in keys and "edit" not in keys


async def test_a_bad_plan_is_refused_as_a_sentence_and_nothing_is_created(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        await open_section_id(pilot, "plans")
        await press(pilot, "a")
        await fill(pilot, "#plan-name", "gold")
        await fill(pilot, "#plan-price", "10")
        await fill(pilot, "#plan-days", "30")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, PlanFormScreen)
        assert text_of(app.screen, "#plan-error") == "A plan named 'gold' already exists."
    assert [p.name for p in pf.list_plans(bank.admin, include_closed=True)] == ["Gold"]


async def test_a_user_subscribes_through_the_catalogue_after_confirming(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30, features={"seats": 3})
    bank.fund(bank.ada, 500_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.check_action("subscriptions", ()) is False  # not before signing in
        await sign_in(pilot, bank.ada)
        await press(pilot, "ctrl+b")
        mine = app.screen
        assert isinstance(mine, MySubscriptionsScreen)
        assert "No subscriptions yet" in text_of(mine, "#my-subs-detail")
        await press(pilot, "p")
        catalogue = app.screen
        assert isinstance(catalogue, PlanCatalogueScreen)
        assert rows(catalogue, "#catalogue") == [["Gold", f"₦{GOLD_PRICE // 100:,}.00", "30 days", "seats: 3"]]
        await press(pilot, "s")
        body = await confirm(pilot)
        assert f"Charged now: ₦{GOLD_PRICE // 100:,}.00 from your wallet" in body
        assert "Renews on 2026-02-14" in body  # thirty days on, in Lagos time

        [sub] = pf.my_subscriptions(bank.ada)
        assert sub.status == "ACTIVE" and sub.plan_name == "Gold"
        assert pf.balance(bank.ada) == 500_000 - GOLD_PRICE
        assert "Subscribed" in [n.title for n in app._notifications]
        await press(pilot, "escape")
        assert app.screen is mine
        assert rows(mine, "#my-subs")[0][:3] == ["Gold", f"₦{GOLD_PRICE // 100:,}.00", "ACTIVE"]


async def test_cancel_keeps_it_active_to_period_end_then_resume_undoes_it(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 500_000)
    pf.subscribe(bank.ada, "Gold")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        await press(pilot, "ctrl+b")
        mine = app.screen
        await press(pilot, "c")
        body = await confirm(pilot)
        assert "stays active until" in body
        [sub] = pf.my_subscriptions(bank.ada)
        assert sub.status == "ACTIVE" and sub.cancel_at_period_end
        assert rows(mine, "#my-subs")[0][2] == "ACTIVE · cancelled"
        assert "is cancelled: active until" in text_of(mine, "#my-subs-detail")

        await press(pilot, "r")
        [sub] = pf.my_subscriptions(bank.ada)
        assert sub.status == "ACTIVE" and not sub.cancel_at_period_end
        assert rows(mine, "#my-subs")[0][2] == "ACTIVE"
        assert "Resumed" in [n.title for n in app._notifications]
    assert pf.balance(bank.ada) == 500_000 - GOLD_PRICE  # neither charged anything


async def test_a_short_balance_is_refused_as_a_sentence(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 1_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        await press(pilot, "ctrl+b", "p", "s")
        body = await confirm(pilot)
        assert "cannot be paid now" in body
        assert isinstance(app.screen, PlanCatalogueScreen)
        assert "Insufficient funds for Gold: the balance is ₦10.00, the charge ₦" in toasts(app)[-1]
    assert pf.my_subscriptions(bank.ada) == []
    assert pf.balance(bank.ada) == 1_000


async def test_run_now_renews_and_the_status_shows_the_run(bank, clock, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 2 * GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    advance(bank, clock, days=30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        status = await open_section_id(pilot, "scheduler")
        assert isinstance(status, SchedulerStatusScreen)
        summary = rendered(status.query_one("#scheduler-summary").content)
        assert "Last run never" in summary and "Schedule 0 0 * * * (Africa/Lagos)" in summary
        assert "Owed the run due 2026-02-14 00:00 has not happened yet" in summary
        assert "Next run 2026-02-15 00:00" in summary  # midnight in Lagos, as the schedule says
        await press(pilot, "r")
        assert status.query_one("#runs", DataTable).row_count == 1
        assert "Run done: 1 charged, 0 suspended, 0 expired, 0 errors." in toasts(app)
        assert rows(status, "#runs")[0][1:] == ["Manual", "DONE", "1", "0", "0", "0"]
        summary = rendered(status.query_one("#scheduler-summary").content)
        assert "Last result 1 charged, 0 suspended, 0 expired, 0 errors" in summary
    assert pf.balance(bank.ada) == 0
    assert [r.charged for r in pf.scheduler_runs(bank.admin)] == [1]


async def test_the_admin_list_filters_by_status_and_plan(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    pf.create_plan(bank.admin, "Silver", 100_000, 30)
    bank.fund(bank.ada, 500_000)
    bank.fund(bank.bola, 500_000)
    pf.subscribe(bank.ada, "Gold")
    pf.subscribe(bank.bola, "Silver")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_section_id(pilot, "subscriptions-admin")
        assert isinstance(screen, SubscriptionsAdminScreen)
        assert [s.user_email for s in screen.subs.items] == ["ada@bank.test", "bola@bank.test"]
        screen.query_one("#subs-plan", Select).value = "Silver"
        await settle(pilot)
        assert [s.user_email for s in screen.subs.items] == ["bola@bank.test"]
        screen.query_one("#subs-status", Select).value = "EXPIRED"
        await settle(pilot)
        assert screen.subs.items == []


async def test_a_teller_subscribes_a_customer_from_their_card(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 500_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        await open_section_id(pilot, "customers")
        await press(pilot, "tab", "enter")
        card = app.screen
        assert isinstance(card, CustomerCardScreen) and card.email == "ada@bank.test"
        await press(pilot, "s")
        assert isinstance(app.screen, PlanCatalogueScreen)
        await press(pilot, "s")
        body = await confirm(pilot)
        assert "from Ada Obi's wallet" in body
    [sub] = pf.my_subscriptions(bank.ada)
    assert sub.status == "ACTIVE"
    assert pf.balance(bank.ada) == 500_000 - GOLD_PRICE


async def test_a_user_has_no_admin_sections_and_the_service_refuses_them(bank, make_app):
    pf = bank.pf
    ids = {s.id for s in sections_for("USER")}
    assert not ids & {"plans", "subscriptions-admin", "scheduler", "my-subscriptions"}
    assert "my-subscriptions" in {s.id for s in sections_for("TELLER")}
    with pytest.raises(E.PermissionDenied):
        pf.create_plan(bank.ada, "Gold", GOLD_PRICE, 30)
    with pytest.raises(E.PermissionDenied):
        pf.list_subscriptions(bank.ada)
    with pytest.raises(E.PermissionDenied):
        pf.run_now(bank.ada)
    with pytest.raises(E.PermissionDenied):
        pf.scheduler_status(bank.teller)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        assert not hasattr(app.screen, "_sections")  # the account holder's home, not a staff menu
        # A user who reaches the admin screen anyway is refused by the service, in a sentence.
        app.push_screen(PlansScreen())
        await settle(pilot)
        assert rows(app.screen, "#plans") == []
        assert any("permission" in message.lower() or "only" in message.lower() for message in toasts(app))


def scheduler_threads() -> list:
    return [t for t in threading.enumerate() if t.name == "payflow-scheduler" and t.is_alive()]


async def test_the_app_runs_the_scheduler_in_the_background_and_stops_it_on_exit(bank, make_app):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    app = make_app(background=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(scheduler_threads()) == 1
        for _ in range(200):  # the run owed since midnight happens at start, without the screens waiting
            if pf.scheduler_runs(bank.admin):
                break
            await pilot.pause(0.05)
        [run] = pf.scheduler_runs(bank.admin)
        assert run.trigger == "SCHEDULE" and run.status == "DONE"
        assert "wallet_integrity" in run.details
    assert scheduler_threads() == []
    assert make_app()._background is False  # tests drive runs themselves
