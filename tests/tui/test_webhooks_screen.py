"""The administrator's webhooks screen against a real receiver on 127.0.0.1, and delivery
running inside the app."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from payflow_tui.tui.app import create_app
from payflow_tui.tui.screens.delivery_attempts import DeliveryAttemptsDialog
from payflow_tui.tui.screens.webhook_dialog import AddWebhookDialog
from payflow_tui.tui.screens.webhooks import WebhooksScreen
from payflow_tui.tui.sections import sections_for
from payflow_tui.tui.widgets.dialogs import ConfirmDialog
from tests.webhook_receiver import Receiver

from .conftest import SIZE, settle
from .staff_helpers import press, sign_in, text_of, toasts

SECRET = "whsec_test_0123456789abcdef"


@pytest.fixture
def receiver(clock):
    r = Receiver(SECRET, now=lambda: int(clock().timestamp())).start()
    yield r
    r.stop()


@pytest.fixture
def hooked(bank, clock, receiver):
    """Ada funded before the endpoint exists (so those events are not sent), then an endpoint."""
    bank.pf.set_setting(bank.admin, "email_notifications", "0")  # webhooks alone here
    bank.fund(bank.ada, 20_000_000)
    clock.advance(seconds=1)
    endpoint, _ = bank.pf.add_webhook(bank.admin, receiver.url, SECRET)
    return endpoint


async def open_webhooks(pilot) -> WebhooksScreen:
    menu = pilot.app.screen
    key = next(k for k, section in menu._keys.items() if section == "webhooks")
    await press(pilot, key)
    assert isinstance(pilot.app.screen, WebhooksScreen)
    return pilot.app.screen


async def type_into(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*list(text))


def cells(table, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


def test_only_administrators_have_the_webhooks_section(pf):
    assert "webhooks" in [s.id for s in sections_for("ADMIN", pf)]
    assert "webhooks" not in [s.id for s in sections_for("TELLER", pf)]


async def test_admin_adds_an_endpoint_and_sees_its_secret_once(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_webhooks(pilot)
        await press(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, AddWebhookDialog)

        await type_into(pilot, "#hook-url", "http://hooks.example.com/payflow")
        await type_into(pilot, "#hook-events", "transfer.received, deposit.*")
        await pilot.click("#confirm")
        await settle(pilot)
        assert app.screen is dialog
        assert "must use https" in text_of(dialog, "#hook-error")
        assert pf.webhooks(bank.admin) == []

        await type_into(pilot, "#hook-url", "https://hooks.example.com/payflow")
        await type_into(pilot, "#hook-description", "accounting")
        await press(pilot, "enter")  # Enter in the last field adds
        (endpoint,) = pf.webhooks(bank.admin)
        assert endpoint.event_types == ["deposit.*", "transfer.received"]
        secret = pf._conn().execute("SELECT secret FROM webhook_endpoints").fetchone()[0]
        assert secret.startswith("whsec_") and secret in text_of(dialog, "#hook-secret-shown")

        await press(pilot, "enter")  # Done
        assert app.screen is screen
        table = screen.query_one("#hooks-endpoints")
        row = cells(table, 0)
        assert row[1] == "https://hooks.example.com/payflow"
        assert row[2] == "deposit.*, transfer.received"
        assert secret not in " ".join(row)  # only a hint from now on
        assert any("gets events from now on" in m for m in toasts(app))


async def test_deliveries_show_retrying_and_a_redelivery_goes_through(bank, hooked, receiver, make_app):
    pf = bank.pf
    receiver.default = "fail"
    pf.withdraw(bank.ada, 100_000)
    assert pf.deliver_due_webhooks()["failed"] == 1
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_webhooks(pilot)
        deliveries = screen.deliveries
        (delivery,) = deliveries.items
        row = cells(deliveries.table, 0)
        assert row[1] == "withdrawal.completed" and row[3].startswith("retrying ")
        assert row[4] == "1" and row[5] == "HTTP 500"
        assert screen.endpoints[0].pending == 1

        deliveries.table.focus()
        await press(pilot, "t")
        assert isinstance(app.screen, DeliveryAttemptsDialog)
        assert len(app.screen.attempts) == 1
        await press(pilot, "escape")

        receiver.default = "ok"
        await press(pilot, "r")
        assert any(f"Delivery #{delivery.id}" in m and "sent again" in m for m in toasts(app))
        assert pf.deliver_due_webhooks()["delivered"] == 1  # what the app's worker does
        app._data_changed()
        await settle(pilot)
        row = cells(deliveries.table, 0)
        assert row[3] == "delivered" and row[4] == "2"
        assert screen.endpoints[0].delivered == 1
    assert [r.event_id for r in receiver.requests] == [delivery.event_id] * 2
    assert len(receiver.processed) == 1


async def test_the_status_box_narrows_the_deliveries(bank, hooked, receiver, make_app):
    pf = bank.pf
    receiver.script = ["fail"]
    pf.withdraw(bank.ada, 100_000)
    pf.withdraw(bank.ada, 200_000)
    pf.deliver_due_webhooks()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_webhooks(pilot)
        assert len(screen.deliveries.items) == 2
        screen.query_one("#hooks-status").value = "DELIVERED"
        await settle(pilot)
        assert [d.status for d in screen.deliveries.items] == ["DELIVERED"]


async def test_removing_an_endpoint_asks_first(bank, hooked, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_webhooks(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")  # Cancel has the focus on a dangerous question
        assert app.screen is screen and len(pf.webhooks(bank.admin)) == 1
        await press(pilot, "x")
        await pilot.click("#confirm")
        await settle(pilot)
        assert app.screen is screen
        assert pf.webhooks(bank.admin) == []
        assert "No endpoints yet" in cells(screen.query_one("#hooks-endpoints"), 0)[1]
        assert screen.check_action("remove", ()) is False


async def test_the_app_delivers_webhooks_while_it_runs(bank, hooked, receiver, pf, clock):
    app = create_app(pf=pf, poll=False, background=True)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):  # the scheduler starts once the first frame is drawn
            if getattr(app, "_scheduler_loop", None) is not None:
                break
            await pilot.pause(0.02)
        assert app._scheduler_loop is not None  # delivery is one of the scheduler's tasks
        pf.transfer(bank.ada, "bola@bank.test", 100_000)
        app.wake_delivery()
        for _ in range(400):  # up to about 20 s on a loaded machine; usually well under one
            if len(receiver.processed) == 2:
                break
            clock.advance(seconds=1)  # the scheduler's delivery task is due every few seconds
            await pilot.pause(0.05)
    assert sorted(receiver.types()) == ["transfer.received", "transfer.sent"]
    import threading

    assert not [t for t in threading.enumerate() if t.name == "payflow-scheduler"]  # stopped with the app


async def test_tests_and_tools_get_no_background_worker(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app._stoppers == [] and not hasattr(app, "_scheduler_loop")
