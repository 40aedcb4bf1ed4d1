"""The administrator's screens, driven through the real app on a temporary database."""

from datetime import timedelta

import pytest

from payflow_tui.services import PayFlow
from payflow_tui.tui.app import create_app
from payflow_tui.tui.screens.all_transactions import AllTransactionsScreen
from payflow_tui.tui.screens.audit_log import AuditLogScreen
from payflow_tui.tui.screens.customer_card import CustomerCardScreen
from payflow_tui.tui.screens.new_user import NewUserScreen
from payflow_tui.tui.screens.role_dialog import RoleDialog
from payflow_tui.tui.screens.sandbox_clock import SandboxClockScreen
from payflow_tui.tui.screens.settings import SettingsScreen
from payflow_tui.tui.screens.users import UsersScreen
from payflow_tui.tui.widgets.dialogs import ConfirmDialog, InputDialog
from payflow_tui.tui.widgets.tx_table import TransactionTable
from tests.conftest import FAST_HASHER, PASSWORD, Bank

from .conftest import SIZE, settle
from .staff_helpers import fill, log_in_again, open_section, press, sign_in, text_of, toasts

USERS, ALL_TX, AUDIT, SETTINGS, CLOCK = "3", "4", "5", "6", "7"


@pytest.fixture
def sandbox_bank(tmp_path, clock):
    pf = PayFlow.open(tmp_path / "sandbox.db", clock=clock, password_hasher=FAST_HASHER, sandbox=True)
    yield Bank(pf)
    pf.close()


async def select_user(pilot, screen: UsersScreen, email: str) -> None:
    await fill(pilot, "#users-find", email)  # Enter moves to the list
    assert [u.email for u in screen.users.items] == [email]


def shown_transactions(screen) -> list:
    return list(screen.query_one(TransactionTable)._rows.values())


async def test_admin_menu_lists_admin_sections_and_hides_the_clock_on_a_real_ledger(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        assert [s.id for s in app.screen._sections] == [
            "pending-deposits", "customers", "users", "all-transactions", "audit-log", "settings",
            "webhooks", "my-subscriptions", "plans", "subscriptions-admin", "scheduler", "alerts", "rules",
            "reports", "profile", "my-wallet"]


async def test_admin_freezes_a_wallet_from_the_card_with_a_reason_then_unfreezes_it(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        await open_section(pilot, "2")
        await fill(pilot, "#search", "ada@bank.test")
        await press(pilot, "enter")
        card = app.screen
        assert isinstance(card, CustomerCardScreen)
        assert not card.query_one("#card-frozen").display

        await press(pilot, "f")
        assert isinstance(app.screen, InputDialog)
        await fill(pilot, "#dialog-input", "card reported stolen")
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert "card reported stolen" in text_of(confirm, ".dialog-body")
        await press(pilot, "tab", "enter")  # a dangerous dialog focuses Cancel; move to Freeze
        assert app.screen is card
        wallet = pf.wallet(bank.admin, for_email="ada@bank.test")
        assert wallet.frozen and wallet.frozen_reason == "card reported stolen"
        assert card.query_one("#card-frozen").display
        assert "card reported stolen" in text_of(card, "#card-frozen")

        await press(pilot, "f")  # now the same key unfreezes
        await fill(pilot, "#dialog-input", "customer identity checked")
        await press(pilot, "enter")
        assert not pf.wallet(bank.admin, for_email="ada@bank.test").frozen
        assert not card.query_one("#card-frozen").display
    actions = [e["action"] for e in pf.audit_entries(bank.admin, subject_email="ada@bank.test").items]
    assert actions[:2] == ["WALLET_UNFROZEN", "WALLET_FROZEN"]


async def test_cancelling_a_freeze_leaves_the_wallet_alone(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        users = await open_section(pilot, USERS)
        await select_user(pilot, users, "bola@bank.test")
        await press(pilot, "f")
        await fill(pilot, "#dialog-input", "suspicious activity")
        await press(pilot, "enter")  # Cancel has the focus in a dangerous dialog
        assert app.screen is users
    assert not pf.wallet(bank.admin, for_email="bola@bank.test").frozen


async def test_admin_freezes_and_unfreezes_from_the_users_screen(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        users = await open_section(pilot, USERS)
        assert isinstance(users, UsersScreen)
        await select_user(pilot, users, "bola@bank.test")
        await press(pilot, "f")
        await fill(pilot, "#dialog-input", "suspicious activity")
        await press(pilot, "tab", "enter")
        assert pf.wallet(bank.admin, for_email="bola@bank.test").frozen
        assert users.users.selected.frozen
        await press(pilot, "f")
        await fill(pilot, "#dialog-input", "checked")
        await press(pilot, "enter")
        assert not pf.wallet(bank.admin, for_email="bola@bank.test").frozen


async def test_admin_creates_a_user_with_a_role(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        users = await open_section(pilot, USERS)
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, NewUserScreen)
        await fill(pilot, "#email", "chidi@bank.test")
        await fill(pilot, "#name", "Chidi Okafor")
        await press(pilot, "enter", "down", "enter")  # open the role list, choose Teller
        form.query_one("#password").focus()
        await fill(pilot, "#password", PASSWORD)
        await fill(pilot, "#password2", "different-password")
        assert "differ" in text_of(form, "#new-user-error")
        await fill(pilot, "#password2", PASSWORD)
        assert app.screen is users
        assert "chidi@bank.test" in {u.email for u in users.users.items}
        assert any("Chidi Okafor" in m for m in toasts(app))
    created = pf.get_user(bank.admin, "chidi@bank.test")
    assert created.role == "TELLER" and created.name == "Chidi Okafor"
    assert pf.login("chidi@bank.test", PASSWORD).role == "TELLER"


async def test_a_refused_new_user_shows_the_reason_in_the_form(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        await open_section(pilot, USERS)
        await press(pilot, "a")
        form = app.screen
        await fill(pilot, "#email", "ada@bank.test")
        await fill(pilot, "#name", "Another Ada")
        form.query_one("#password").focus()
        await fill(pilot, "#password", PASSWORD)
        await fill(pilot, "#password2", PASSWORD)
        assert app.screen is form
        assert "already exists" in text_of(form, "#new-user-error")


async def test_admin_changes_a_role_after_confirming(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        users = await open_section(pilot, USERS)
        await select_user(pilot, users, "bola@bank.test")
        await press(pilot, "r")
        assert isinstance(app.screen, RoleDialog)
        await press(pilot, "down", "enter")  # USER is current (disabled): first TELLER, then ADMIN
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert "admin instead of user" in text_of(confirm, ".dialog-body")
        await press(pilot, "enter")
        assert users.users.selected.role == "ADMIN"
    assert pf.get_user(bank.admin, "bola@bank.test").role == "ADMIN"


async def test_admin_unlocks_a_locked_user(bank, make_app):
    pf = bank.pf
    for _ in range(5):
        with pytest.raises(Exception):
            pf.login("ada@bank.test", "wrong-password-here")
    assert pf.get_user(bank.admin, "ada@bank.test").status == "LOCKED"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        users = await open_section(pilot, USERS)
        users.query_one("#users-status-filter").focus()
        await press(pilot, "enter", "down", "down", "enter")  # Any status, Active, Locked
        assert [u.email for u in users.users.items] == ["ada@bank.test"]
        users.users.table.focus()
        await settle(pilot)
        assert "locked" in text_of(users, "#users-detail")
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")
        assert users.users.items == []  # no longer locked, so out of the filtered list
    assert pf.get_user(bank.admin, "ada@bank.test").status == "ACTIVE"
    assert pf.login("ada@bank.test", PASSWORD)


async def test_admin_disables_then_enables_a_login(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        users = await open_section(pilot, USERS)
        await select_user(pilot, users, "teller@bank.test")
        await press(pilot, "d", "tab", "enter")
        assert pf.get_user(bank.admin, "teller@bank.test").status == "DISABLED"
        await press(pilot, "d", "enter")
        assert pf.get_user(bank.admin, "teller@bank.test").status == "ACTIVE"


async def test_admin_filters_all_transactions(bank, make_app, clock):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 200_000)
    clock.advance(days=2)
    log_in_again(bank)
    late = pf.request_deposit(bank.bola, 50_000)
    with pytest.raises(Exception):
        pf.withdraw(bank.bola, 4_999_999)  # recorded as a FAILED withdrawal
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_section(pilot, ALL_TX)
        assert isinstance(screen, AllTransactionsScreen)
        assert len(shown_transactions(screen)) == 5

        screen.query_one("#tx-type").value = "DEPOSIT"
        await settle(pilot)
        assert {t.type for t in shown_transactions(screen)} == {"DEPOSIT"}
        assert len(shown_transactions(screen)) == 2

        screen.query_one("#tx-status").value = "PENDING"
        await settle(pilot)
        assert [t.reference for t in shown_transactions(screen)] == [late.reference]

        await press(pilot, "x")  # the list has the focus: x clears the filters
        await fill(pilot, "#tx-email", "bola@bank.test")
        assert {t.owner_email for t in shown_transactions(screen)} == {"bola@bank.test"}
        assert len(shown_transactions(screen)) == 3

        await fill(pilot, "#tx-ref", late.reference[:8])
        assert [t.reference for t in shown_transactions(screen)] == [late.reference]

        await press(pilot, "escape", "x")
        await fill(pilot, "#tx-to", "2026-01-15")  # the first day only: before the clock moved
        assert len(shown_transactions(screen)) == 3
        await fill(pilot, "#tx-from", "2026-01-16")
        assert "before the 'from' date" in text_of(screen, "#tx-filter-error")
        await fill(pilot, "#tx-to", "")
        assert len(shown_transactions(screen)) == 2
        await fill(pilot, "#tx-from", "31/01/2026")
        assert "not a date" in text_of(screen, "#tx-filter-error")


async def test_admin_filters_the_audit_log(bank, make_app, clock):
    pf = bank.pf
    clock.advance(days=1)
    log_in_again(bank)
    pf.freeze_wallet(bank.admin, "ada@bank.test", "card reported stolen")
    pf.set_setting(bank.admin, "idle_timeout_minutes", "30")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_section(pilot, AUDIT)
        assert isinstance(screen, AuditLogScreen)
        everything = len(screen.entries.items)
        assert everything > 5

        await fill(pilot, "#audit-action", "wallet_frozen")
        assert [e["action"] for e in screen.entries.items] == ["WALLET_FROZEN"]
        assert "card reported stolen" in text_of(screen, "#audit-detail")

        await press(pilot, "escape", "x")
        await fill(pilot, "#audit-subject", "ada@bank.test")
        assert {e["subject"] for e in screen.entries.items} == {"ada@bank.test"}

        await press(pilot, "escape", "x")
        await fill(pilot, "#audit-actor", "teller@bank.test")
        assert {e["actor"] for e in screen.entries.items} == {"teller@bank.test"}

        await press(pilot, "escape", "x")
        await fill(pilot, "#audit-from", "2026-01-16")
        assert {e["action"] for e in screen.entries.items} == {"LOGIN", "WALLET_FROZEN", "SETTING_CHANGED"}

        await press(pilot, "escape", "x")
        assert len(screen.entries.items) == everything


async def test_audit_log_pages_by_keyset(bank, make_app):
    pf = bank.pf
    for n in range(120):
        pf.set_setting(bank.admin, "lockout_threshold", str(n % 50 + 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_section(pilot, AUDIT)
        first = [e["id"] for e in screen.entries.items]
        assert len(first) == 100
        await press(pilot, "n")
        second = [e["id"] for e in screen.entries.items]
        assert second and max(second) < min(first)
        await press(pilot, "p")
        assert [e["id"] for e in screen.entries.items] == first


async def test_admin_changes_settings(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_section(pilot, SETTINGS)
        assert isinstance(screen, SettingsScreen)

        await press(pilot, "enter")  # self-registration: a confirmation, then closed
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")
        assert not pf.registration_open()

        await press(pilot, "down")
        await press(pilot, "e")
        await fill(pilot, "#dialog-input", "30")
        await press(pilot, "down")
        await press(pilot, "enter")
        await fill(pilot, "#dialog-input", "2,500,000")
        await press(pilot, "down", "down", "down", "down")
        await press(pilot, "enter")
        await fill(pilot, "#dialog-input", "Mars/Olympus")  # refused by the service
        assert any("not a valid value for timezone" in m for m in toasts(app))
        assert screen.query_one("#settings").get_row("idle_timeout_minutes")[1].plain == "30 minutes"
    settings = pf.get_settings(bank.admin)
    assert settings["idle_timeout_minutes"] == "30"
    assert settings["max_amount_minor"] == "250000000"
    assert settings["timezone"] == "Africa/Lagos"


def test_every_setting_an_admin_may_change_has_its_own_label_and_hint(bank):
    from payflow_tui.tui.screens.settings import KINDS

    editable = bank.pf.editable_settings()
    assert set(editable) <= set(KINDS), sorted(set(editable) - set(KINDS))
    assert {"scheduler_cron", "step_up_threshold_minor", "subscription_grace_days"} <= set(editable)
    assert KINDS["step_up_threshold_minor"].show("5000000") == "₦50,000.00"
    assert KINDS["email_notifications"].show("0") == "Off"


async def test_an_on_off_setting_is_flipped_after_a_confirmation(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_section(pilot, SETTINGS)
        table = screen.query_one("#settings")
        assert table.get_row("scheduler_cron")[0] == "Scheduler runs"
        table.move_cursor(row=screen._keys.index("email_notifications"), animate=False)
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "escape")  # cancelled: nothing changes
        assert pf.get_settings(bank.admin)["email_notifications"] == "1"
        await press(pilot, "enter")
        await press(pilot, "enter")
        assert pf.get_settings(bank.admin)["email_notifications"] == "0"
        assert table.get_row("email_notifications")[1].plain == "Off"
        table.move_cursor(row=screen._keys.index("step_up_threshold_minor"), animate=False)
        await press(pilot, "enter")
        await fill(pilot, "#dialog-input", "100,000")
        assert table.get_row("step_up_threshold_minor")[1].plain == "₦100,000.00"
    assert pf.get_settings(bank.admin)["step_up_threshold_minor"] == "10000000"


async def test_admin_advances_the_sandbox_clock(sandbox_bank, clock):
    pf = sandbox_bank.pf
    stale = pf.request_deposit(sandbox_bank.ada, 100_000)
    before = pf.now()
    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, sandbox_bank.admin)
        screen = await open_section(pilot, CLOCK)
        assert isinstance(screen, SandboxClockScreen)
        await press(pilot, "d")
        assert pf.now() - before == timedelta(days=1)
        assert "1 day ahead" in text_of(screen, "#clock-now")
        await press(pilot, "t")
        await fill(pilot, "#dialog-input", "soon")
        assert isinstance(app.screen, InputDialog)  # not a duration: the dialog stays
        await fill(pilot, "#dialog-input", "12h")
        assert pf.now() - before == timedelta(days=1, hours=12)
        await pilot.click("#step-1h")
        await settle(pilot)
        assert pf.now() - before == timedelta(days=1, hours=13)
        assert any("Moved forward" in m for m in toasts(app))
    # Business time moved past the expiry: the stale deposit is no longer pending.
    assert pf.pending_deposits(sandbox_bank.admin).items == []
    assert pf.get_transaction(sandbox_bank.admin, stale.reference).failure_code == "EXPIRED"
    assert clock() - before < timedelta(minutes=1)  # only business time moved
