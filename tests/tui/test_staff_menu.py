"""The staff menu with room for later features, and live reloads that do not count as activity."""

import pytest
from textual.widgets import OptionList

from payflow_tui.tui import sections
from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.pending_deposits import PendingDepositsScreen

from .conftest import settle
from .staff_helpers import open_section, sign_in

async def test_every_admin_section_is_one_line_at_80x24_and_has_a_key(bank, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, bank.admin)
        menu = app.screen
        assert isinstance(menu, StaffMenuScreen)
        options = menu.query_one("#menu", OptionList)
        expected = [s.id for s in sections.sections_for("ADMIN") if s.id != "sandbox-clock"]
        assert [s.id for s in menu._sections] == expected  # the sandbox clock is hidden on a real ledger
        assert len(expected) >= 12
        # Every entry is one line; at 80x24 the list scrolls rather than wrapping.
        assert options.virtual_size.height == options.option_count
        assert options.get_option_at_index(0).disabled  # a heading is not an entry
        assert options.highlighted == 1  # the cursor starts on the first entry
        # Past 9 entries the keys go on with letters.
        keys = list(menu._keys)
        assert keys[:9] == list("123456789") and keys[9] == "a"
        key_of_last = keys[-1]
        await pilot.press(key_of_last)
        await settle(pilot)
        assert not isinstance(app.screen, StaffMenuScreen)


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

