"""First run and login, driven through the real app."""

from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.login import LoginScreen
from payflow_tui.tui.screens.setup import SetupScreen

from .conftest import PASSWORD, SIZE, settle, type_text


async def test_first_run_creates_the_admin_then_logs_in(pf, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "boss@bank.test")
        await pilot.press("enter")
        await type_text(pilot, "Bisi Boss")
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert pf.has_admin()
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, "boss@bank.test")
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffMenuScreen)
        assert app.session.role == "ADMIN"
