"""Login messages, lockout, disabled accounts, idle timeout and registration, in the real app."""

from payflow_tui.services import errors as E
from payflow_tui.tui.screens.login import LoginScreen
from payflow_tui.tui.screens.register import RegisterScreen
from payflow_tui.tui.screens.user_home import UserHomeScreen

from .conftest import PASSWORD, SIZE, log_in, settle, text_of, toasts, type_text


async def test_a_wrong_password_says_so_without_saying_which_part(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test", "not-the-password")
        assert isinstance(app.screen, LoginScreen)
        assert text_of(app, "#login-error") == "Email or password is incorrect. Check both and try again."
        assert app.screen.query_one("#password").value == ""
        assert app.session is None


async def test_an_unknown_email_gets_the_same_message(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "nobody@bank.test", PASSWORD)
        assert text_of(app, "#login-error") == "Email or password is incorrect. Check both and try again."


async def test_five_wrong_passwords_lock_the_account_with_a_clear_message(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "bola@bank.test", "wrong-password-1")
        for attempt in range(4):
            await type_text(pilot, f"wrong-password-{attempt + 2}")
            await pilot.press("enter")
            await settle(pilot)
        assert text_of(app, "#login-error").startswith(
            "This account is locked after too many failed logins; try again after")
        # The right password does not get in while the lock lasts.
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "locked" in text_of(app, "#login-error")
    assert bank.pf.get_user(bank.admin, "bola@bank.test").status == "LOCKED"


async def test_a_disabled_account_is_told_to_contact_an_administrator(bank, make_app):
    bank.pf.disable_user(bank.admin, "bola@bank.test")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "bola@bank.test")
        assert isinstance(app.screen, LoginScreen)
        assert text_of(app, "#login-error") == "This account is disabled. Contact an administrator."


async def test_idle_timeout_returns_to_login_with_a_notice(bank, make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        assert isinstance(app.screen, UserHomeScreen)
        clock.advance(minutes=16)
        app._poll_changes()  # what the 2-second timer runs
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert "expired after inactivity" in text_of(app, "#login-notice")
        # Said once, on the form: a toast as well would cover the form's button at 80x24.
        assert not any("expired after inactivity" in t for t in toasts(app))


async def test_an_action_after_the_timeout_also_returns_to_login(bank, make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        clock.advance(minutes=16)
        await pilot.press("h")  # the history's first page is a service call
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "inactivity" in text_of(app, "#login-notice")


async def test_refreshes_after_other_terminals_change_data_are_not_activity(bank, make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        app._poll_changes()  # records the current data version
        await settle(pilot)
        for _ in range(4):  # a busy branch: something changes every four minutes
            clock.advance(minutes=4)
            bank.pf.request_deposit(bank.bola, 100)
            app._poll_changes()
            await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "inactivity" in text_of(app, "#login-notice")


async def test_a_lock_while_signed_in_ends_the_session_with_its_reason(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        for _ in range(5):  # someone else guesses at Ada's password
            try:
                bank.pf.login("ada@bank.test", "guess-guess-guess")
            except (E.AuthFailed, E.AccountLocked):
                pass
        app.screen.reload()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "locked" in text_of(app, "#login-notice")


async def test_registration_opens_an_account_then_returns_to_login(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        for value in ("chidi@bank.test", "Chidi Eze", PASSWORD, PASSWORD):
            await type_text(pilot, value)
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert any("chidi@bank.test opened" in t for t in toasts(app))
        await log_in(pilot, "chidi@bank.test")
        assert isinstance(app.screen, UserHomeScreen)


async def test_registration_refuses_differing_passwords(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        for value in ("chidi@bank.test", "Chidi Eze", PASSWORD, PASSWORD + "x"):
            await type_text(pilot, value)
            await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#register-error") == "The two passwords differ."
        assert bank.pf.list_users(bank.admin, search="chidi").items == []


async def test_registration_closed_says_whom_to_ask(bank, make_app):
    bank.pf.set_setting(bank.admin, "registration_open", "0")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert any("Self-registration is closed" in t for t in toasts(app))
