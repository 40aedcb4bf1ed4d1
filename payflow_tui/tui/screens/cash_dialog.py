"""Asking a teller for an amount (and an optional memo) for cash in or out."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..widgets.amount_input import AmountInput


@dataclass(frozen=True)
class CashRequest:
    amount: int
    memo: str | None


class CashDialog(ModalScreen["CashRequest | None"]):
    """The amount is checked as it is typed, with the parser the service uses."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, title: str, prompt: str, *, confirm_label: str = "OK") -> None:
        super().__init__(classes="dialog")
        self._title, self._prompt, self._confirm_label = title, prompt, confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._prompt, classes="dialog-body")
            yield Label("Amount")
            yield AmountInput(id="cash-amount")
            yield Static("", id="cash-error", classes="field-error")
            yield Label("Memo (optional)")
            yield Input(placeholder="e.g. counter 2, cash", id="cash-memo", max_length=140)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self._confirm_label, id="confirm", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#cash-amount", AmountInput).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "cash-amount":
            result = event.validation_result
            problem = "" if result is None or result.is_valid or not event.value.strip() else \
                "; ".join(result.failure_descriptions)
            self.query_one("#cash-error", Static).update(problem)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "cash-amount":
            self.query_one("#cash-memo", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        amount_input = self.query_one("#cash-amount", AmountInput)
        amount = amount_input.minor
        if amount is None:
            result = amount_input.validate(amount_input.value)
            problem = "; ".join(result.failure_descriptions) if result else "Type an amount."
            self.query_one("#cash-error", Static).update(problem)
            amount_input.focus()
            return
        memo = self.query_one("#cash-memo", Input).value.strip() or None
        self.dismiss(CashRequest(amount, memo))

    def action_cancel(self) -> None:
        self.dismiss(None)
