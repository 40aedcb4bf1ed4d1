"""The history screen: keyset pages, arrow keys across pages, filters, search, details."""

import pytest
from rich.console import Console

from payflow_tui.tui.screens import history as history_module
from payflow_tui.tui.screens.history import HistoryScreen
from payflow_tui.tui.widgets.tx_detail import TransactionDetailDialog, detail_table
from payflow_tui.tui.widgets.tx_table import TransactionTable

from .conftest import PASSWORD, SIZE, log_in, settle, text_of, type_text


@pytest.fixture
def twelve(bank, clock, monkeypatch):
    """Ada: 10 confirmed deposits a day apart, a withdrawal, a pending deposit; pages of 5."""
    monkeypatch.setattr(history_module, "PAGE_SIZE", 5)
    for day in range(10):
        bank.fund(bank.ada, 10_000 * (day + 1))
        clock.advance(days=1)
        bank.ada = bank.pf.login("ada@bank.test", PASSWORD)  # a day is past any idle timeout
        bank.teller = bank.pf.login("teller@bank.test", PASSWORD)
    bank.pf.withdraw(bank.ada, 5_000)
    bank.pf.request_deposit(bank.ada, 7_000)
    return bank


async def open_history(pilot):
    await log_in(pilot, "ada@bank.test")
    await pilot.press("h")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HistoryScreen)
    return pilot.app.screen.query_one(TransactionTable)


def amounts(table) -> list[int]:
    return [t.amount for t in table.page.items]


async def test_pages_keys_and_arrows_walk_the_whole_history(twelve, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_history(pilot)
        assert amounts(table) == [7_000, 5_000, 100_000, 90_000, 80_000]
        assert text_of(app, ".pager").startswith("Page 1 · 5 transactions")
        await pilot.press("n")
        await settle(pilot)
        assert amounts(table) == [70_000, 60_000, 50_000, 40_000, 30_000]
        await pilot.press("pagedown")
        await settle(pilot)
        assert amounts(table) == [20_000, 10_000]
        assert table.page.next_cursor is None
        await pilot.press("n")  # nothing older
        await settle(pilot)
        assert table.page_number == 3
        await pilot.press("up")  # past the first row: the newer page, cursor on its last row
        await settle(pilot)
        assert table.page_number == 2
        assert table.query_one("DataTable").cursor_row == 4
        await pilot.press("down")  # past the last row: the older page again, cursor at the top
        await settle(pilot)
        assert table.page_number == 3
        assert table.query_one("DataTable").cursor_row == 0
        await pilot.press("p", "p")
        await settle(pilot)
        assert table.page_number in (1, 2)  # a key pressed while a page loads is not queued twice
        await pilot.press("p")
        await settle(pilot)
        assert table.page_number == 1 and amounts(table)[0] == 7_000


async def test_filters_narrow_the_list_and_reset(twelve, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_history(pilot)
        screen = app.screen
        screen.query_one("#type").value = "WITHDRAWAL"
        await settle(pilot)
        assert amounts(table) == [5_000]
        screen.query_one("#type").value = ""
        screen.query_one("#status").value = "PENDING"
        await settle(pilot)
        assert amounts(table) == [7_000]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(table.page.items) == 5 and screen.filters == {}


async def test_dates_include_both_days_in_the_banks_time_zone(twelve, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_history(pilot)
        # Deposits were made at 10:00 Lagos time on 15, 16, ... 24 January 2026.
        app.screen.query_one("#date-from").focus()
        await type_text(pilot, "2026-01-16")
        await pilot.press("tab")
        await type_text(pilot, "2026-01-17")
        await settle(pilot)
        assert amounts(table) == [30_000, 20_000]
        app.screen.query_one("#date-to").value = "2026-01-1"
        await settle(pilot)
        assert amounts(table) == [30_000, 20_000]  # an unfinished date changes nothing yet
        app.screen.query_one("#date-to").value = "2026-01-15"
        await settle(pilot)
        assert "The From date is after the To date." == text_of(app, "#filter-error")
        app.screen.query_one("#date-to").value = "2026-13-01"
        await settle(pilot)
        assert "is not a day like 2026-01-31" in text_of(app, "#filter-error")


async def test_slash_searches_by_reference_and_enter_shows_the_transaction(twelve, make_app):
    wanted = twelve.pf.history(twelve.ada, type="WITHDRAWAL").items[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_history(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search")
        await type_text(pilot, wanted.reference[:7].lower())
        await pilot.press("enter")  # applies and moves to the list
        await settle(pilot)
        assert wanted.reference in [t.reference for t in table.page.items]
        assert all(t.reference.startswith(wanted.reference[:7]) for t in table.page.items)
        table.query_one("DataTable").move_cursor(row=[t.reference for t in table.page.items].index(wanted.reference))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransactionDetailDialog)
        assert app.screen.transaction.reference == wanted.reference
        console = Console(width=80, record=True)
        console.print(detail_table(app.screen.transaction))
        detail = console.export_text()
        assert "Withdrawal · Money out" in detail and "−₦50.00" in detail
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
