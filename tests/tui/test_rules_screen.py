"""Editing the fraud rules through the app: the form, its refusals, turning a rule off."""

from __future__ import annotations

from textual.widgets import DataTable, Select

from payflow_tui.tui.screens.rule_form import RuleForm
from payflow_tui.tui.screens.rules import RulesScreen
from payflow_tui.tui.widgets.dialogs import ConfirmDialog
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)

from .conftest import SIZE, settle
from .fraud_helpers import RULES, open_named, rich_text
from .staff_helpers import fill, press, sign_in, text_of, toasts


def rule(pf, admin, code: str):
    return next(r for r in pf.list_rules(admin) if r.code == code)


def rule_changes(pf, admin) -> list[dict]:
    return [e["details"] for e in pf.audit_entries(admin, action="RULE_CHANGED").items]


async def open_form(pilot, code: str) -> RuleForm:
    screen = await open_named(pilot, RULES)
    assert isinstance(screen, RulesScreen)
    table = screen.query_one("#rules", DataTable)
    table.move_cursor(row=[r.code for r in screen.rules].index(code))
    await press(pilot, "e")
    form = pilot.app.screen
    assert isinstance(form, RuleForm) and form.rule.code == code
    return form


async def test_the_rules_are_listed_with_what_they_watch(bank, make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_named(pilot, RULES)
        table = screen.query_one("#rules", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "REPEATED_FAILURES", "DAILY_TRANSFER_OUT", "BALANCE_MISMATCH", "NEW_RECIPIENTS",
            "LARGE_AFTER_SECURITY_CHANGE"]
        assert [str(c) for c in table.get_row_at(0)[1:4]] == ["Lock user", "High", "On"]
        about = rich_text(screen, "#rule-about")
        assert "More than 3 failed payments by one user within 10 minutes." in about
        assert "Never changed" in about
        await press(pilot, "down")
        assert "More than ₦100,000.00 sent by one user in a calendar day" in rich_text(screen, "#rule-about")


async def test_an_admin_edits_thresholds_in_naira_and_the_action(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        form = await open_form(pilot, "DAILY_TRANSFER_OUT")
        await fill(pilot, "#param-threshold", "150,000", submit=False)
        await fill(pilot, "#param-block_threshold", "500000", submit=False)
        form.query_one("#param-day", Select).value = "rolling"
        form.query_one("#rule-severity", Select).value = "HIGH"
        await press(pilot, "enter")  # Enter in an amount field saves
        screen = app.screen
        assert isinstance(screen, RulesScreen)
        assert "Rule changed" in [n.title for n in app._notifications]
        assert "₦150,000.00" in rich_text(screen, "#rule-about")
    changed = rule(pf, bank.admin, "DAILY_TRANSFER_OUT")
    assert changed.params == {"threshold": 15_000_000, "block_threshold": 50_000_000, "day": "rolling"}
    assert changed.severity == "HIGH" and changed.action == "ALERT" and changed.updated_by == "admin@bank.test"
    [audit] = rule_changes(pf, bank.admin)
    assert audit["rule"] == "DAILY_TRANSFER_OUT"
    assert audit["changes"]["params"]["old"]["threshold"] == 10_000_000
    assert audit["changes"]["params"]["new"]["threshold"] == 15_000_000
    assert audit["changes"]["severity"] == {"old": "MEDIUM", "new": "HIGH"}


async def test_the_action_and_a_count_window(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        form = await open_form(pilot, "REPEATED_FAILURES")
        await fill(pilot, "#param-window_minutes", "30", submit=False)
        form.query_one("#rule-action", Select).value = "FREEZE"
        form.query_one("#save").press()
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
    changed = rule(pf, bank.admin, "REPEATED_FAILURES")
    assert changed.params == {"max_failures": 3, "window_minutes": 30} and changed.action == "FREEZE"


async def test_refusals_are_sentences_in_the_form_and_change_nothing(bank, make_app):
    pf = bank.pf
    before = rule(pf, bank.admin, "DAILY_TRANSFER_OUT")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        form = await open_form(pilot, "DAILY_TRANSFER_OUT")

        await fill(pilot, "#param-threshold", "12.345", submit=False)  # as typed, with the service's parser
        assert text_of(form, "#rule-error").startswith("Alert above (₦): ")
        await press(pilot, "enter")
        assert app.screen is form

        await fill(pilot, "#param-threshold", "200,000", submit=False)
        await fill(pilot, "#param-block_threshold", "150,000")  # below the alert threshold: the service says no
        assert app.screen is form
        assert text_of(form, "#rule-error").startswith("block_threshold is below threshold")

        await fill(pilot, "#param-threshold", "100,000", submit=False)
        await fill(pilot, "#param-block_threshold", "", submit=True)
        assert text_of(form, "#rule-error").startswith("Nothing changed")
        await press(pilot, "escape")
        assert isinstance(app.screen, RulesScreen)
    assert rule(pf, bank.admin, "DAILY_TRANSFER_OUT") == before
    assert rule_changes(pf, bank.admin) == []


async def test_turning_a_rule_off_asks_first(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_named(pilot, RULES)
        await press(pilot, "t")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")  # a dangerous dialog starts on Cancel
        assert rule(pf, bank.admin, "REPEATED_FAILURES").enabled
        await press(pilot, "t", "tab", "enter")
        assert not rule(pf, bank.admin, "REPEATED_FAILURES").enabled
        assert str(screen.query_one("#rules", DataTable).get_row_at(0)[3]) == "Off"
        await press(pilot, "t", "enter")  # turning on is not dangerous: Enter confirms
        assert rule(pf, bank.admin, "REPEATED_FAILURES").enabled
        assert "REPEATED_FAILURES is saved; the change is in the audit log." in toasts(app)
    assert [c["changes"]["enabled"] for c in rule_changes(pf, bank.admin)] == [
        {"old": False, "new": True}, {"old": True, "new": False}]  # newest first


async def test_the_list_follows_a_change_made_elsewhere(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.admin)
        screen = await open_named(pilot, RULES)
        pf.set_rule(bank.admin, "NEW_RECIPIENTS", action="BLOCK")  # another terminal
        app._data_changed()
        await settle(pilot)
        row = [r.code for r in screen.rules].index("NEW_RECIPIENTS")
        assert str(screen.query_one("#rules", DataTable).get_row_at(row)[1]) == "Block"
