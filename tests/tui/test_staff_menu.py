"""The staff menu with room for later features, and live reloads that do not count as activity."""

import pytest
from textual.screen import Screen
from textual.widgets import Label, OptionList

from payflow_tui.tui import sections
from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.pending_deposits import PendingDepositsScreen

from .conftest import settle
from .staff_helpers import open_section, sign_in

LATER = [("plans", "Plans", "Subscription plans: prices and periods", "Plans and subscriptions"),
         ("subscriptions", "Subscriptions", "Customers' subscriptions and renewals", "Plans and subscriptions"),
         ("alerts", "Fraud alerts", "Open alerts to acknowledge or resolve", "Monitoring"),
         ("reports", "Reports", "Daily totals, balances, exports", "Monitoring"),
         ("notifications", "Notifications", "Webhooks and messages sent to customers", "Monitoring")]


class LaterScreen(Screen):
    def compose(self):
        yield Label("a later feature")


@pytest.fixture
def later_sections(monkeypatch):
    for n, (section_id, title, description, group) in enumerate(LATER):
        monkeypatch.setitem(sections.SECTIONS, section_id, sections.Section(
            section_id, title, description, ("ADMIN",), LaterScreen, order=200 + n, group=group))


async def test_twelve_sections_fit_at_80x24_one_line_each(bank, make_app, later_sections):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, bank.admin)
        menu = app.screen
        assert isinstance(menu, StaffMenuScreen)
        options = menu.query_one("#menu", OptionList)
        assert len(menu._sections) == 11  # the sandbox clock is hidden on a real ledger
        assert options.option_count == 11 + 4  # and four group headings
        assert options.virtual_size.height <= options.scrollable_content_region.height  # no scrolling
        assert options.get_option_at_index(0).disabled  # a heading is not an entry
        assert options.highlighted == 1  # the cursor starts on the first entry
        # Past 9 entries the keys go on with letters.
        assert menu._keys["9"] == "alerts" and menu._keys["a"] == "reports"
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, LaterScreen)


async def test_sections_open_with_enter_too(bank, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, bank.teller)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PendingDepositsScreen)


async def test_live_reloads_do_not_keep_an_idle_session_alive(bank, make_app, clock):
    pf = bank.pf
    pf.request_deposit(bank.ada, 100_000)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, bank.teller)
        queue = await open_section(pilot, "1")
        clock.advance(minutes=10)
        pf.request_deposit(bank.bola, 200_000)  # another terminal
        app._data_changed()
        await settle(pilot)
        assert len(queue.queue.items) == 2  # the reload happened...
        clock.advance(minutes=6)
        assert not pf.session_alive(bank.teller)  # ...and did not count as the teller's activity

