"""The profile and two-factor through the real app: enrolment with a code computed by pyotp on
the test's frozen clock, recovery codes shown once, the code prompt on a large withdrawal."""

from __future__ import annotations

from textual.widgets import Static

from payflow_tui.services import totp
from payflow_tui.tui.screens.customer_card import CustomerCardScreen
from payflow_tui.tui.screens.enrol_2fa import EnrolTwoFactorScreen, grouped
from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.login import LoginScreen
from payflow_tui.tui.screens.password_dialog import PasswordDialog
from payflow_tui.tui.screens.profile import ProfileScreen
from payflow_tui.tui.widgets.dialogs import InputDialog
from payflow_tui.tui.widgets.otp_prompt import OtpDialog
from payflow_tui.tui.widgets.recovery_codes import RecoveryCodesDialog

from .conftest import PASSWORD, SIZE, settle
from .staff_helpers import fill, press, sign_in, text_of, toasts

BIG = 6_000_000  # ₦60,000.00: above the default step-up threshold of ₦50,000.00


def enrol(pf, session, clock) -> tuple[str, list[str]]:
    """Two-factor on for ``session`` through the service; the clock moves past the spent step."""
    enrolment = pf.begin_2fa_enrolment(session)
    codes = pf.confirm_2fa_enrolment(session, totp.code_at(enrolment.secret, clock()))
    clock.advance(seconds=30)
    return enrolment.secret, codes


def wrong_code(secret: str, clock) -> str:
    return totp.code_at(secret, clock(), offset=5)  # a real code, but minutes away


def everything_shown(app) -> str:
    return "\n".join(str(w.content) for w in app.screen.query(Static))


def withdrawals(pf, email: str) -> list:
    return pf._conn().execute(
        "SELECT t.status, t.amount, t.failure_code FROM transactions t JOIN wallets w ON w.id = t.wallet_id"
        " JOIN users u ON u.id = w.user_id WHERE u.email = ? AND t.type = 'WITHDRAWAL' ORDER BY t.id",
        (email,)).fetchall()


async def open_profile(pilot) -> ProfileScreen:
    await press(pilot, "ctrl+o")
    assert isinstance(pilot.app.screen, ProfileScreen)
    return pilot.app.screen


# -- the profile ----------------------------------------------------------------------------------

async def test_profile_opens_from_anywhere_after_login_only(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+o")
        assert isinstance(app.screen, LoginScreen)  # nobody to show yet
        assert app.check_action("profile", ()) is False

        await sign_in(pilot, bank.ada)
        profile = await open_profile(pilot)
        summary = text_of(profile, "#profile-summary")
        assert "Ada Obi" in summary and "ada@bank.test" in summary and "User" in summary
        assert "off" in text_of(profile, "#profile-2fa")
        await press(pilot, "ctrl+o")
        assert app.screen is profile and len(app.screen_stack) == 3  # not opened twice


async def test_staff_reach_their_profile_from_the_menu(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        menu = app.screen
        assert isinstance(menu, StaffMenuScreen)
        key = next(k for k, section in menu._keys.items() if section == "profile")
        await press(pilot, key)
        assert isinstance(app.screen, ProfileScreen)
        assert "Tunde Teller" in text_of(app.screen, "#profile-summary")


async def test_password_change_checks_the_old_one_and_the_repeat(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        profile = await open_profile(pilot)
        await press(pilot, "p")
        dialog = app.screen
        assert isinstance(dialog, PasswordDialog)

        await fill(pilot, "#password-old", PASSWORD)
        await fill(pilot, "#password-new", "a-new-password-1")
        await fill(pilot, "#password-again", "a-new-password-2")
        assert "differ" in text_of(dialog, "#password-error")

        await fill(pilot, "#password-old", "not-my-password")
        await fill(pilot, "#password-again", "a-new-password-1")
        assert app.screen is dialog
        assert "incorrect" in text_of(dialog, "#password-error")

        await fill(pilot, "#password-old", PASSWORD)
        await fill(pilot, "#password-again", "a-new-password-1")
        assert app.screen is profile
        assert any("password is changed" in m for m in toasts(app))
    assert pf.login("ada@bank.test", "a-new-password-1").email == "ada@bank.test"


# -- enrolment ------------------------------------------------------------------------------------

async def test_enrolment_shows_the_qr_and_completes_only_with_a_valid_code(bank, make_app, clock):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        profile = await open_profile(pilot)
        await press(pilot, "e")
        screen = app.screen
        assert isinstance(screen, EnrolTwoFactorScreen)
        secret = screen.enrolment.secret
        qr = screen.query_one("#enrol-qr", Static)
        assert str(qr.content) == screen.enrolment.qr.rstrip("\n")
        assert qr.size.width == len(screen.enrolment.qr.splitlines()[0])  # drawn whole, not wrapped
        # The half blocks are the light modules: white on black, whatever the theme.
        assert (qr.styles.color.hex, qr.styles.background.hex) == ("#FFFFFF", "#000000")
        assert text_of(screen, "#enrol-secret") == grouped(secret)
        assert not screen.query_one("#enrol-body").max_scroll_y  # fits at 100x30 without scrolling

        await fill(pilot, "#enrol-code", wrong_code(secret, clock))
        assert app.screen is screen
        assert "does not match" in text_of(screen, "#enrol-error")
        assert pf.two_factor_status(bank.ada)["enrolled"] is False

        await fill(pilot, "#enrol-code", totp.code_at(secret, clock()))
        assert isinstance(app.screen, RecoveryCodesDialog)
        assert pf.two_factor_status(bank.ada)["enrolled"] is True
        await press(pilot, "enter")
        assert app.screen is profile
        assert text_of(profile, "#profile-2fa").startswith("On")
        assert any("Two-factor authentication is on" in m for m in toasts(app))


async def test_the_qr_code_scrolls_on_a_small_terminal(bank, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, bank.ada)
        await open_profile(pilot)
        await press(pilot, "e")
        screen = app.screen
        body = screen.query_one("#enrol-body")
        assert body.max_scroll_y > 0
        assert screen.active_bindings["pagedown"].enabled  # shown in the footer
        assert screen.focused.id == "enrol-code"
        await press(pilot, "pagedown")
        assert body.scroll_y == body.max_scroll_y  # the bottom of the QR code is in view
        await press(pilot, "pageup")
        assert body.scroll_y == 0


async def test_recovery_codes_are_shown_once(bank, make_app, clock):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        profile = await open_profile(pilot)
        await press(pilot, "e")
        secret = app.screen.enrolment.secret
        await fill(pilot, "#enrol-code", totp.code_at(secret, clock()))
        dialog = app.screen
        assert isinstance(dialog, RecoveryCodesDialog)
        codes = dialog.codes
        listed = text_of(dialog, "#codes-list")
        assert len(codes) == 10 and all(code in listed for code in codes)
        stored = [r[0] for r in pf._conn().execute("SELECT code_hash FROM recovery_codes")]
        assert sorted(totp.recovery_hash(c) for c in codes) == sorted(stored)  # the real ones

        await press(pilot, "escape")
        assert app.screen is dialog  # Escape must not lose them
        await press(pilot, "enter")
        assert app.screen is profile
        assert not any(code in everything_shown(app) for code in codes)

        await press(pilot, "escape")
        await open_profile(pilot)  # a second look shows the count, never the codes
        assert "10 recovery codes left" in text_of(app.screen, "#profile-2fa")
        assert not any(code in everything_shown(app) for code in codes)


async def test_two_factor_is_turned_off_with_a_recovery_code_after_a_wrong_code(bank, make_app, clock):
    pf = bank.pf
    secret, codes = enrol(pf, bank.ada, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        profile = await open_profile(pilot)
        await press(pilot, "d")
        assert isinstance(app.screen, InputDialog)
        await fill(pilot, "#dialog-input", wrong_code(secret, clock))
        dialog = app.screen
        assert isinstance(dialog, InputDialog)  # asked again, with the reason
        assert "wrong or expired" in text_of(dialog, ".dialog-body")
        await fill(pilot, "#dialog-input", codes[3].lower())
        assert app.screen is profile
        assert text_of(profile, "#profile-2fa").startswith("Off")
    assert pf.two_factor_status(bank.ada)["enrolled"] is False


# -- the code prompt ------------------------------------------------------------------------------

async def start_withdrawal(pilot, amount: str) -> CustomerCardScreen:
    pilot.app.push_screen(CustomerCardScreen("ada@bank.test"))
    await settle(pilot)
    card = pilot.app.screen
    await press(pilot, "w")
    await fill(pilot, "#cash-amount", amount)
    await press(pilot, "enter")  # no memo: on to the confirmation
    await press(pilot, "enter")  # Pay out
    return card


async def test_a_large_withdrawal_asks_for_the_code_and_pays_out_once(bank, make_app, clock):
    pf = bank.pf
    bank.fund(bank.ada, 10_000_000)
    secret, _ = enrol(pf, bank.teller, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        card = await start_withdrawal(pilot, "60,000")
        prompt = app.screen
        assert isinstance(prompt, OtpDialog)
        assert "₦50,000.00 or more" in text_of(prompt, ".dialog-body")

        await fill(pilot, "#dialog-input", "12345")  # a slip is caught here, not sent
        assert app.screen is prompt and "6 digits" in text_of(prompt, "#dialog-error")
        await fill(pilot, "#dialog-input", wrong_code(secret, clock))
        again = app.screen
        assert isinstance(again, OtpDialog) and again is not prompt
        assert "wrong or expired" in text_of(again, ".dialog-body")

        await fill(pilot, "#dialog-input", totp.code_at(secret, clock()))
        assert app.screen is card
        assert any("₦60,000.00 paid out" in m for m in toasts(app))
        assert not card._busy
    # The wrong code is a FAILED withdrawal for the fraud rules; the money moved once.
    assert [tuple(r) for r in withdrawals(pf, "ada@bank.test")] == [
        ("FAILED", BIG, "OTP_INVALID"), ("SUCCESS", BIG, None)]
    assert pf.balance(bank.ada) == 10_000_000 - BIG


async def test_cancelling_the_code_prompt_moves_nothing(bank, make_app, clock):
    pf = bank.pf
    bank.fund(bank.ada, 10_000_000)
    enrol(pf, bank.teller, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        card = await start_withdrawal(pilot, "60,000")
        assert isinstance(app.screen, OtpDialog)
        await press(pilot, "escape")
        assert app.screen is card and not card._busy
        assert any("Cancelled" in m for m in toasts(app))
    assert withdrawals(pf, "ada@bank.test") == []
    assert pf.balance(bank.ada) == 10_000_000


async def test_someone_not_enrolled_is_told_to_enrol_instead_of_asked(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 10_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        card = await start_withdrawal(pilot, "60,000")
        assert app.screen is card
        assert any("enrol in two-factor" in m for m in toasts(app))
    assert withdrawals(pf, "ada@bank.test") == []


async def test_any_call_taking_a_code_is_repeated_with_it_under_the_same_key(bank, make_app, clock):
    pf = bank.pf
    bank.fund(bank.ada, 10_000_000)
    secret, _ = enrol(pf, bank.ada, clock)
    done = []
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        app.call_service(pf.transfer, bank.ada, "bola@bank.test", BIG, key="tui-transfer-1", memo="rent",
                         on_done=done.append)
        await settle(pilot)
        assert isinstance(app.screen, OtpDialog)
        await fill(pilot, "#dialog-input", totp.code_at(secret, clock()))
        assert len(done) == 1 and done[0].amount == BIG
    # The key was the same throughout: sending it again is a replay, not a second transfer.
    assert pf.transfer(bank.ada, "bola@bank.test", BIG, key="tui-transfer-1", memo="rent").transfer_ref \
        == done[0].transfer_ref
    assert pf.balance(bank.bola) == BIG


async def test_an_admin_login_needing_a_code_takes_a_recovery_code(bank, make_app, clock):
    pf = bank.pf
    _, codes = enrol(pf, bank.admin, clock)
    pf.set_setting(bank.admin, "admin_login_requires_2fa", "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "#email", "admin@bank.test")
        await fill(pilot, "#password", PASSWORD)
        prompt = app.screen
        assert isinstance(prompt, OtpDialog)
        assert "recovery code" in text_of(prompt, ".dialog-body")
        await fill(pilot, "#dialog-input", codes[0])
        assert isinstance(app.screen, StaffMenuScreen)
        assert app.session.email == "admin@bank.test"
