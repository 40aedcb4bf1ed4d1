"""Transfers through the app: confirmation, one transfer per submission, refusals as sentences."""

from payflow_tui.tui.screens.transfer import TransferScreen
from payflow_tui.tui.screens.user_home import UserHomeScreen
from payflow_tui.tui.widgets.amount_input import AmountInput
from payflow_tui.tui.widgets.dialogs import ConfirmDialog

from .conftest import SIZE, log_in, settle, text_of, toasts, type_text


def transfers_received(bank) -> list:
    return [t for t in bank.pf.history(bank.bola).items if t.type == "TRANSFER"]


async def open_transfer(pilot, recipient: str, amount: str, memo: str = "") -> None:
    await log_in(pilot, "ada@bank.test")
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TransferScreen)
    await type_text(pilot, recipient)
    await pilot.press("enter")
    await type_text(pilot, amount)
    await pilot.press("enter")
    await type_text(pilot, memo)


async def test_a_transfer_is_confirmed_with_name_amount_and_balance_after(bank, make_app):
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "1,500.50", "school fees")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = str(dialog.query_one(".dialog-body").render())
        assert "Send ₦1,500.50 to Bola Ade <bola@bank.test>?" in body
        assert "Memo: school fees" in body
        assert "Your balance: ₦10,000.00 → after: ₦8,499.50" in body
        assert bank.pf.balance(bank.ada) == 1_000_000  # nothing sent before the confirmation
        await pilot.press("enter")  # Confirm has the focus
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
        assert bank.pf.balance(bank.ada) == 849_950
        assert bank.pf.balance(bank.bola) == 150_050
        assert any(t.startswith("Sent ₦1,500.50 to Bola Ade. Reference TRF-") for t in toasts(app))
        (received,) = transfers_received(bank)
        assert received.memo == "school fees"


async def test_cancelling_the_confirmation_sends_nothing(bank, make_app):
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "100")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)
        assert not app.screen.busy
        assert transfers_received(bank) == []


async def test_a_double_enter_on_the_confirmation_sends_once(bank, make_app):
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "250")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter", "enter", "ctrl+s", "enter")  # impatient fingers, no waiting
        await settle(pilot)
        assert len(transfers_received(bank)) == 1
        assert bank.pf.balance(bank.ada) == 975_000


async def test_two_sends_of_one_submission_move_money_once(bank, make_app):
    """Even if a second confirmation got through, both calls carry the same key."""
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "300")
        screen = app.screen
        screen._confirmed(True, "bola@bank.test", 30_000, None)
        screen._confirmed(True, "bola@bank.test", 30_000, None)
        await settle(pilot)
        assert len(transfers_received(bank)) == 1
        assert bank.pf.balance(bank.ada) == 970_000
        # Both answers are the one transfer: shown once, and only the transfer screen closes.
        assert isinstance(app.screen, UserHomeScreen)
        assert len([t for t in toasts(app) if t.startswith("Sent ₦300.00")]) == 1


async def test_a_retry_after_an_unknown_outcome_reuses_the_key(bank, make_app, monkeypatch):
    bank.fund(bank.ada, 1_000_000)
    real_transfer = bank.pf.transfer
    calls = []

    def lost_answer(*args, **kwargs):
        calls.append(kwargs["key"])
        result = real_transfer(*args, **kwargs)
        if len(calls) == 1:  # committed, but the answer never reached the screen
            raise RuntimeError("connection dropped")
        return result

    monkeypatch.setattr(bank.pf, "transfer", lost_answer)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "400")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)
        assert not app.screen.busy
        assert any("Something went wrong" in t for t in toasts(app))
        await pilot.press("ctrl+s")  # the customer tries again
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
    assert calls[0] == calls[1]
    assert len(transfers_received(bank)) == 1
    assert bank.pf.balance(bank.ada) == 960_000


async def test_a_new_submission_after_a_refusal_gets_a_new_key(bank, make_app):
    bank.fund(bank.ada, 10_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "50")
        screen = app.screen
        first_key = screen._key
        bank.pf.freeze_wallet(bank.admin, "bola@bank.test", "under review")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "frozen" in text_of(app, "#form-error")
        assert screen._key != first_key
        bank.pf.unfreeze_wallet(bank.admin, "bola@bank.test")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
    assert bank.pf.balance(bank.bola) == 5_000


async def test_insufficient_funds_is_a_sentence_beside_the_form(bank, make_app):
    bank.fund(bank.ada, 10_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "5,000")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)
        assert text_of(app, "#form-error") == (
            "Insufficient funds: your balance is ₦100.00, the transfer ₦5,000.00.")
        assert not app.screen.busy
    assert bank.pf.history(bank.ada, type="TRANSFER").items == []  # not even a refused row


async def test_an_unknown_recipient_is_named_in_the_error(bank, make_app):
    bank.fund(bank.ada, 10_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "nobody@bank.test", "10")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#form-error") == "No account holder with email nobody@bank.test."


async def test_the_amount_problem_shows_beside_the_field_as_typed(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "12.345")
        assert text_of(app, "#amount-problem") == "Amount has more than 2 decimal places."
        amount = app.screen.query_one(AmountInput)
        amount.focus()
        await pilot.press("end", "backspace")
        await settle(pilot)
        assert text_of(app, "#amount-problem") == ""
        assert amount.minor == 1_234
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)  # balance ₦0.00: refused before any dialog
        assert "Insufficient funds" in text_of(app, "#form-error")


async def test_a_large_transfer_asks_for_the_two_factor_code(bank, make_app, clock):
    from payflow_tui.services import totp
    from payflow_tui.tui.widgets.otp_prompt import OtpDialog

    enrolment = bank.pf.begin_2fa_enrolment(bank.ada)
    bank.pf.confirm_2fa_enrolment(bank.ada, totp.code_at(enrolment.secret, clock()))
    clock.advance(seconds=30)
    bank.fund(bank.ada, 10_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "60,000")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # confirm the transfer
        await settle(pilot)
        assert isinstance(app.screen, OtpDialog)
        assert "₦50,000.00 or more needs the current code" in str(app.screen.query_one(".dialog-body").render())
        assert app.screen_stack[-2].busy  # the form waits for the code
        await type_text(pilot, totp.code_at(enrolment.secret, clock()))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UserHomeScreen)
    assert bank.pf.balance(bank.bola) == 6_000_000


async def test_a_large_transfer_without_two_factor_says_how_to_enrol(bank, make_app):
    bank.fund(bank.ada, 10_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_transfer(pilot, "bola@bank.test", "60,000")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)
        assert "needs a two-factor code" in text_of(app, "#form-error")
    assert bank.pf.balance(bank.bola) == 0
