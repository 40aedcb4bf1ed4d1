"""Editing one fraud rule: its thresholds and window, its action, severity and whether it runs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ...money import AmountError, format_amount, parse_amount
from ...services import errors as E
from ...services.fraud_views import RuleView
from ...services.rule_defs import RULES
from ..alert_words import SEVERITY_CHOICES
from ..widgets.amount_input import AmountInput

# Typing is checked against the parser only; the service's own range check is the rule.
_ANY_AMOUNT = 10**15
PARAM_LABELS = {
    "max_failures": "Failures allowed",
    "window_minutes": "Window (minutes)",
    "threshold": "Alert above (₦)",
    "block_threshold": "Block above (₦)",
    "day": "A day is",
    "max_new_recipients": "New recipients allowed",
    "amount_over": "Amount over (₦)",
    "window_hours": "Window (hours)",
}
DAY_CHOICES = [("the calendar day (local)", "calendar"), ("the last 24 hours", "rolling")]
STATE_CHOICES = [("On", "on"), ("Off", "off")]


def action_name(action: str) -> str:
    return action.replace("_", " ").capitalize()


class RuleForm(ModalScreen["RuleView | None"]):
    """Dismisses with the saved rule, or None when cancelled; refusals stay in the form."""

    CSS_PATH = "fraud.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without changing the rule"),
    ]

    def __init__(self, rule: RuleView) -> None:
        super().__init__(classes="dialog")
        self.rule = rule
        self.specs = RULES[rule.code].params

    def compose(self) -> ComposeResult:
        rule = self.rule
        with Vertical(classes="dialog-box rule-form"):
            yield Label(f"Edit rule: {rule.title}", classes="dialog-title")
            yield Static(f"{rule.code} — {rule.description}.", classes="dialog-body")
            for name, spec in self.specs.items():
                with Horizontal(classes="form-row"):
                    yield Label(PARAM_LABELS.get(name, name.replace("_", " ").capitalize()))
                    yield self._param_field(name, spec, rule.params.get(name))
            with Horizontal(classes="form-row"):
                yield Label("Action")
                yield Select([(action_name(a), a) for a in rule.actions], value=rule.action,
                             allow_blank=False, compact=True, id="rule-action")
            with Horizontal(classes="form-row"):
                yield Label("Severity")
                yield Select(SEVERITY_CHOICES, value=rule.severity, allow_blank=False, compact=True,
                             id="rule-severity")
            with Horizontal(classes="form-row"):
                yield Label("Rule is")
                yield Select(STATE_CHOICES, value="on" if rule.enabled else "off", allow_blank=False,
                             compact=True, id="rule-state")
            yield Static("", id="rule-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def _param_field(self, name: str, spec, value):
        field_id = f"param-{name}"
        if spec.kind == "day":
            return Select(DAY_CHOICES, value=value, allow_blank=False, compact=True, id=field_id)
        if spec.kind == "money":
            hint = "blank: no limit" if spec.nullable else "e.g. 100,000.00"
            return AmountInput(max_minor=_ANY_AMOUNT, value="" if value is None else format_amount(value),
                               placeholder=hint, id=field_id)
        return Input("" if value is None else str(value), type="integer", id=field_id)

    def on_mount(self) -> None:
        fields = self.query("Input, Select")
        if fields:
            fields.first().focus()

    # -- reading the form ------------------------------------------------------------------------

    def _value(self, name: str, spec):
        """The typed value of one parameter; raises ValueError naming the problem."""
        field = self.query_one(f"#param-{name}")
        label = PARAM_LABELS.get(name, name)
        if isinstance(field, Select):
            return field.value
        text = field.value.strip()
        if not text:
            if spec.nullable:
                return None
            raise ValueError(f"{label}: type a value.")
        if spec.kind == "money":
            try:
                return parse_amount(text, max_minor=_ANY_AMOUNT)
            except AmountError as exc:
                raise ValueError(f"{label}: {exc}") from None
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{label}: type a whole number.") from None

    def changes(self) -> dict:
        """What differs from the rule as it is, as ``set_rule`` keywords."""
        rule, changes = self.rule, {}
        params = {}
        for name, spec in self.specs.items():
            value = self._value(name, spec)
            if value != rule.params.get(name):
                params[name] = value
        if params:
            changes["params"] = params
        action = self.query_one("#rule-action", Select).value
        if action != rule.action:
            changes["action"] = action
        severity = self.query_one("#rule-severity", Select).value
        if severity != rule.severity:
            changes["severity"] = severity
        enabled = self.query_one("#rule-state", Select).value == "on"
        if enabled != rule.enabled:
            changes["enabled"] = enabled
        return changes

    def on_input_changed(self, event: Input.Changed) -> None:
        # An amount's problem shows as it is typed, with the parser the service uses.
        if not isinstance(event.input, AmountInput):
            return
        result = event.validation_result
        problem = ""
        if result is not None and not result.is_valid and event.value.strip():
            name = (event.input.id or "").removeprefix("param-")
            problem = f"{PARAM_LABELS.get(name, name)}: {'; '.join(result.failure_descriptions)}"
        self.query_one("#rule-error", Static).update(problem)

    # -- saving ----------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        save = self.query_one("#save", Button)
        if save.disabled:  # already sent; wait for the answer
            return
        error = self.query_one("#rule-error", Static)
        try:
            changes = self.changes()
        except ValueError as exc:
            error.update(str(exc))
            return
        if not changes:
            error.update("Nothing changed: edit a value first, or press Escape to close.")
            return
        error.update("Saving…")
        save.disabled = True
        self.app.call_service(self.app.pf.set_rule, self.app.session, self.rule.code,  # type: ignore[attr-defined]
                              on_done=self.dismiss, on_error=self._refused, **changes)

    def _refused(self, exc: E.PayFlowError) -> None:
        self.query_one("#save", Button).disabled = False
        self.query_one("#rule-error", Static).update(exc.message)

    def action_cancel(self) -> None:
        self.dismiss(None)
