"""The administrator's form for a new plan, or for changing one."""

from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.validation import Integer, ValidationResult, Validator
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Static

from ...money import to_major_str
from ...services import errors as E
from ...services.plans import MAX_DURATION_DAYS, check_features
from ...services.subscription_views import PlanView
from ..base import PayFlowScreen
from ..widgets.amount_input import AmountInput

FIELDS = ["plan-name", "plan-price", "plan-days", "plan-features"]


class FeaturesValidator(Validator):
    """The same check the service makes: a JSON object (or nothing)."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            check_features(value)
        except E.InvalidInput as exc:
            return self.failure(exc.message)
        return self.success()


class PlanFormScreen(PayFlowScreen):
    """Dismisses with the saved plan, or None when abandoned."""

    CSS_PATH = ["staff.tcss", "subscriptions.tcss"]
    HELP = ("A plan's name (unique), price per period, duration in days, features as a JSON object "
            '(for example {"seats": 3, "support": "email"}) and whether it is open for new '
            "subscribers. A new price applies from each subscriber's next renewal; the duration "
            "cannot change once anyone has subscribed. Ctrl+S saves; Escape goes back unsaved.")
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="plan-save", tooltip="Save the plan")]

    def __init__(self, plan: PlanView | None = None) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        yield Header()
        with Center():
            with Vertical(classes="form-box", id="plan-form"):
                yield Label(f"Edit plan {plan.name}" if plan else "New plan", classes="form-title")
                yield Label("Name")
                yield Input(plan.name if plan else "", id="plan-name")
                yield Label("Price per period")
                yield AmountInput(value=to_major_str(plan.price) if plan else "", id="plan-price")
                yield Label("Duration in days")
                yield Input(str(plan.duration_days) if plan else "30", id="plan-days",
                            validators=[Integer(1, MAX_DURATION_DAYS)], validate_on=["changed"])
                yield Label("Features (JSON object)")
                yield Input(json.dumps(plan.features, ensure_ascii=False) if plan else "{}",
                            id="plan-features", validators=[FeaturesValidator()], validate_on=["changed"])
                yield Checkbox("Open for new subscribers", plan.active if plan else True, id="plan-active",
                               compact=True)
                yield Static("", id="plan-error", classes="field-error")
                with Horizontal(classes="form-buttons"):
                    yield Button("Cancel", id="cancel")
                    yield Button("Save changes" if plan else "Create plan", id="save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#plan-name", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = "; ".join(result.failure_descriptions) if result and not result.is_valid else ""
        self.query_one("#plan-error", Static).update(message)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = FIELDS.index(event.input.id)
        if index + 1 < len(FIELDS):
            self.query_one(f"#{FIELDS[index + 1]}").focus()
        else:
            self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        self._save()

    def _values(self) -> dict | None:
        error = self.query_one("#plan-error", Static)
        for field_id in FIELDS[1:]:
            field = self.query_one(f"#{field_id}", Input)
            result = field.validate(field.value)
            if result is not None and not result.is_valid:
                field.focus()
                error.update("; ".join(result.failure_descriptions))
                return None
        features = self.query_one("#plan-features", Input).value.strip() or "{}"
        return {
            "name": self.query_one("#plan-name", Input).value,
            "price": self.query_one("#plan-price", AmountInput).minor,
            "duration_days": int(self.query_one("#plan-days", Input).value),
            "features": json.loads(features),
            "active": self.query_one("#plan-active", Checkbox).value,
        }

    def _save(self) -> None:
        values = self._values()
        if values is None:
            return
        plan = self.plan
        if plan is None:
            name = values.pop("name")
            call = (self.pf.create_plan, self.session, name, values.pop("price"), values.pop("duration_days"))
        else:
            # Only what changed goes to the service: the duration is fixed once anyone subscribed.
            before = {"name": plan.name, "price": plan.price, "duration_days": plan.duration_days,
                      "features": plan.features, "active": plan.active}
            values = {k: v for k, v in values.items() if v != before[k]}
            if "name" in values:
                values["new_name"] = values.pop("name")
            call = (self.pf.edit_plan, self.session, plan.name)
        self.query_one("#plan-error", Static).update("Saving…")
        self.query_one("#save", Button).disabled = True
        self.call(*call, **values, on_done=self._saved, on_error=self._refused)

    def _refused(self, exc: E.PayFlowError) -> None:
        self.query_one("#save", Button).disabled = False
        self.query_one("#plan-error", Static).update(exc.message)

    def _saved(self, plan: PlanView) -> None:
        verb = "changed" if self.plan else "created"
        self.notify(f"{plan.name}: {plan.display_price} every {plan.duration_days} days.", title=f"Plan {verb}")
        self.dismiss(plan)

    def action_back(self) -> None:
        self.dismiss(None)
