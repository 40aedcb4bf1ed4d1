"""The account holder's home: balance, live updates, deposits, frozen wallets, no staff screens."""

import pytest

from payflow_tui.services import errors as E
from payflow_tui.tui.screens.deposit_request import DepositRequestScreen
from payflow_tui.tui.screens.history import HistoryScreen
from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.user_home import UserHomeScreen
from payflow_tui.tui.widgets.balance import BalanceDisplay
from payflow_tui.tui.widgets.dialogs import NoticeDialog
from payflow_tui.tui.widgets.tx_detail import TransactionDetailDialog
from payflow_tui.tui.widgets.tx_table import TransactionTable

from .conftest import SIZE, log_in, settle, text_of, toasts, type_text


def balance_on_screen(app) -> int:
    return app.screen.query_one(BalanceDisplay).minor


async def test_home_shows_balance_state_and_recent_transactions(bank, make_app):
    bank.fund(bank.ada, 1_250_050)
    bank.pf.transfer(bank.ada, "bola@bank.test", 50_000, memo="lunch")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        assert isinstance(app.screen, UserHomeScreen)
        assert balance_on_screen(app) == 1_200_050
        assert app.screen.query_one(BalanceDisplay).tooltip == "₦12,000.50"
        assert text_of(app, "#wallet-state") == "Active · NGN wallet"
        assert not app.screen.query_one("#wallet-notice").display
        table = app.screen.query_one(TransactionTable)
        assert [t.type for t in table.page.items] == ["TRANSFER", "DEPOSIT"]
        await pilot.press("enter")  # the newest row in full
        await settle(pilot)
        assert isinstance(app.screen, TransactionDetailDialog)
        assert app.screen.transaction.memo == "lunch"
        await pilot.press("escape")
        await pilot.press("escape")  # nothing to go back to for an account holder
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)


async def test_a_deposit_request_then_a_tellers_confirmation_shows_the_new_balance(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        app._poll_changes()
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DepositRequestScreen)
        await type_text(pilot, "2,500.00")
        await pilot.press("enter")
        await type_text(pilot, "cash at the branch")
        await pilot.press("enter")
        await settle(pilot)
        # The reference stays on screen until the customer closes it.
        assert isinstance(app.screen, NoticeDialog)
        (pending,) = bank.pf.pending_deposits(bank.teller).items
        body = str(app.screen.query_one(".dialog-body").render())
        assert pending.reference in body and "awaiting teller confirmation" in body
        assert any(pending.reference in t and "awaiting teller confirmation" in t for t in toasts(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
        assert balance_on_screen(app) == 0
        assert app.screen.query_one(TransactionTable).page.items[0].status == "PENDING"
        # Another terminal: the teller confirms. The app notices within one poll.
        bank.pf.confirm_deposit(bank.teller, pending.reference)
        app._poll_changes()
        await settle(pilot)
        assert balance_on_screen(app) == 250_000
        assert app.screen.query_one(TransactionTable).page.items[0].status == "SUCCESS"


async def test_money_arriving_from_another_terminal_updates_the_open_history(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        app._poll_changes()
        await settle(pilot)
        bank.fund(bank.bola, 100_000)
        bank.pf.transfer(bank.bola, "ada@bank.test", 40_000)
        app._poll_changes()
        await settle(pilot)
        (credit,) = app.screen.query_one(TransactionTable).page.items
        assert (credit.direction, credit.amount, credit.counterparty_name) == ("CREDIT", 40_000, "Bola Ade")
        await pilot.press("escape")
        await settle(pilot)
        assert balance_on_screen(app) == 40_000


async def test_a_frozen_wallet_says_why_and_offers_no_way_out(bank, make_app):
    bank.fund(bank.ada, 100_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        assert app.screen.check_action("transfer", ()) is True
        bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "suspected card fraud")
        app.screen.reload()
        await settle(pilot)
        notice = app.screen.query_one("#wallet-notice")
        assert notice.display
        assert "suspected card fraud" in text_of(app, "#wallet-notice")
        assert "frozen" in text_of(app, "#wallet-notice")
        assert text_of(app, "#wallet-state").startswith("Frozen")
        # Withdraw and transfer are shown disabled and do nothing.
        assert app.screen.check_action("withdraw", ()) is None
        assert app.screen.check_action("transfer", ()) is None
        await pilot.press("w")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
        # Unfrozen elsewhere: the notice goes and the keys come back.
        bank.pf.unfreeze_wallet(bank.admin, "ada@bank.test")
        app.screen.reload()
        await settle(pilot)
        assert not app.screen.query_one("#wallet-notice").display
        assert app.screen.check_action("transfer", ()) is True


async def test_an_account_holder_cannot_reach_staff_screens(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        for key in "123456789":
            await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
        assert not any(isinstance(s, StaffMenuScreen) for s in app.screen_stack)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Deposit" in commands and not any("teller" in c.lower() for c in commands)
    # And the services refuse whatever the screens offer.
    with pytest.raises(E.PermissionDenied):
        bank.pf.pending_deposits(bank.ada)
    with pytest.raises(E.PermissionDenied):
        bank.pf.list_users(bank.ada)
    with pytest.raises(E.PermissionDenied):
        bank.pf.freeze_wallet(bank.ada, "bola@bank.test", "no")
    with pytest.raises(E.PermissionDenied):
        bank.pf.history(bank.ada, for_email="bola@bank.test")


async def test_staff_open_their_own_wallet_from_the_menu_and_escape_back(bank, make_app):
    bank.fund(bank.teller, 75_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "teller@bank.test")
        assert isinstance(app.screen, StaffMenuScreen)
        titles = [s.title for s in app.screen._sections]
        await pilot.press(str(titles.index("My wallet") + 1))
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
        assert balance_on_screen(app) == 75_000
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffMenuScreen)


async def test_log_out_returns_to_login(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        session = app.session
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.session is None
        assert not bank.pf.session_alive(session)
        assert "You logged out." in text_of(app, "#login-notice")


async def test_f1_explains_the_screen_and_lists_its_keys(bank, make_app):
    from payflow_tui.tui.widgets.help import HelpDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        keys = str(app.screen.query_one(".help-keys").render())
        for label in ("Deposit", "Withdraw", "Transfer", "History", "Log out"):
            assert label in keys
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
