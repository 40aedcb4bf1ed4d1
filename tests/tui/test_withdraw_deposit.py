"""Withdrawals and deposit requests through the app."""

from payflow_tui.tui.screens.user_home import UserHomeScreen
from payflow_tui.tui.screens.withdraw import WithdrawScreen
from payflow_tui.tui.widgets.dialogs import ConfirmDialog

from .conftest import SIZE, log_in, settle, text_of, toasts, type_text


async def test_a_withdrawal_is_confirmed_then_toasted(bank, make_app):
    bank.fund(bank.ada, 500_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WithdrawScreen)
        assert text_of(app, "#form-balance") == "Available: ₦5,000.00"
        await type_text(pilot, "1200")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        body = str(app.screen.query_one(".dialog-body").render())
        assert "Withdraw ₦1,200.00 in cash?" in body
        assert "Your balance: ₦5,000.00 → after: ₦3,800.00" in body
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
        assert bank.pf.balance(bank.ada) == 380_000
        assert any(t.startswith("Withdrew ₦1,200.00. Reference WDR-") for t in toasts(app))


async def test_a_withdrawal_above_the_balance_is_refused_before_anything_is_sent(bank, make_app):
    bank.fund(bank.ada, 10_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        await pilot.press("w")
        await settle(pilot)
        await type_text(pilot, "200")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WithdrawScreen)
        assert text_of(app, "#form-error") == (
            "Insufficient funds: your balance is ₦100.00, the withdrawal ₦200.00.")
    assert bank.pf.history(bank.ada, type="WITHDRAWAL").items == []


async def test_the_banks_amount_ceiling_applies_as_typed(bank, make_app):
    bank.pf.set_setting(bank.admin, "max_amount_minor", "100000")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        await pilot.press("d")
        await settle(pilot)
        await type_text(pilot, "1,000.01")
        await settle(pilot)
        assert text_of(app, "#amount-problem") == "Amount is above the maximum of ₦1,000.00."


async def test_a_deposit_request_twice_in_a_row_makes_two_requests(bank, make_app):
    """Two submissions (not a retry): each gets its own key."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        for amount in ("10", "10"):
            await pilot.press("d")
            await settle(pilot)
            await type_text(pilot, amount)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("enter")  # close the reference notice
            await settle(pilot)
    assert [t.amount for t in bank.pf.pending_deposits(bank.teller).items] == [1_000, 1_000]
