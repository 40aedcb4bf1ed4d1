"""The fraud rules: what each one watches, what it does, and an administrator's edits to them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...services.fraud_views import RuleView
from ..alert_words import severity_text, value_text
from ..base import PayFlowScreen
from ..formatting import when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import ConfirmDialog
from .rule_form import action_name


class RulesScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "fraud.tcss"]
    HELP = ("The fraud rules. Each runs inside every payment's own transaction: it can block the "
            "payment, lock the customer's login, freeze the wallet or only alert, and every action "
            "opens an alert. Enter (or e) edits the selected rule: its thresholds (amounts in naira), "
            "window, action, severity and whether it runs. t turns it on or off. Every change is "
            "recorded in the audit log with the old and new values.")
    BINDINGS = [
        Binding("e", "edit", "Edit", id="rules-edit", tooltip="Change the selected rule"),
        Binding("t", "toggle", "On/off", id="rules-toggle", tooltip="Turn the selected rule on or off"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[RuleView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Fraud rules", classes="screen-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="rules")
        yield Static("", id="rule-about")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#rules", DataTable)
        for label, key in (("Rule", "code"), ("Action", "action"), ("Severity", "severity"),
                           ("State", "state"), ("Title", "title")):
            table.add_column(label, key=key)
        table.focus()
        self._load(self.pf.list_rules)

    def _load(self, fetch) -> None:
        self.call(fetch, self.session, on_done=self._show, group="rules", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self.pf.list_rules))

    def _show(self, rules: list[RuleView]) -> None:
        self.rules = rules
        table = self.query_one("#rules", DataTable)
        row = table.cursor_row
        table.clear()
        for rule in rules:
            state = Text("On", style="green") if rule.enabled else Text("Off", style="bold red")
            table.add_row(rule.code, action_name(rule.action), severity_text(rule.severity), state,
                          rule.title, key=rule.code)
        if rules:
            table.move_cursor(row=min(row, len(rules) - 1), animate=False)
        self._describe()
        self.refresh_bindings()

    @property
    def selected(self) -> RuleView | None:
        table = self.query_one("#rules", DataTable)
        if not self.rules or table.row_count == 0:
            return None
        return self.rules[min(table.cursor_row, len(self.rules) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe()

    def _describe(self) -> None:
        rule = self.selected
        about = self.query_one("#rule-about", Static)
        if rule is None:
            about.update("")
            return
        text = Text.assemble((rule.title, "bold"), f"\n{rule.description}.")
        if rule.params:
            text.append("\nParameters: " + " · ".join(f"{k} {value_text(k, v)}" for k, v in rule.params.items()),
                        style="dim")
        changed = (f"\nLast changed {when(rule.updated_at)} by {rule.updated_by or 'the system'}."
                   if rule.updated_at else "\nNever changed: the bank's defaults.")
        text.append(changed, style="dim")
        about.update(text)

    # -- editing -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "toggle"):
            return None if self.selected is None else True
        return super().check_action(action, parameters)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        from .rule_form import RuleForm

        rule = self.selected
        if rule is not None:
            self.app.push_screen(RuleForm(rule), self._saved)

    def _saved(self, rule: RuleView | None) -> None:
        if rule is not None:
            self.notify(f"{rule.code} is saved; the change is in the audit log.", title="Rule changed")
            self._load(self.pf.list_rules)

    def action_toggle(self) -> None:
        rule = self.selected
        if rule is None:
            return
        if rule.enabled:
            body = (f"Turn off {rule.code}?\n{rule.description}: no payment is checked for this "
                    "until it is turned on again.")
            dialog = ConfirmDialog("Turn rule off", body, confirm_label="Turn off", danger=True)
        else:
            body = f"Turn on {rule.code}?\n{rule.description}: every payment is checked for it from now on."
            dialog = ConfirmDialog("Turn rule on", body, confirm_label="Turn on")
        self.app.push_screen(dialog, lambda ok: self.call(
            self.pf.set_rule, self.session, rule.code, enabled=not rule.enabled, on_done=self._saved,
        ) if ok else None)


register_section(Section(
    "rules", "Fraud rules", "What each rule watches; thresholds, actions, on or off",
    ("ADMIN",), RulesScreen, order=220, group="Monitoring",
))
