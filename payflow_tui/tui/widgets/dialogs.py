"""Small reusable dialogs, used with ``push_screen(dialog, callback)``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Validator
from textual.widgets import Button, Input, Label, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True only on an explicit confirm."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, title: str, body: str, *, confirm_label: str = "Confirm",
                 danger: bool = False) -> None:
        super().__init__(classes="dialog")
        self._title, self._body = title, body
        self._confirm_label, self._danger = confirm_label, danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self._confirm_label, id="confirm",
                             variant="error" if self._danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#cancel" if self._danger else "#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)


class InputDialog(ModalScreen["str | None"]):
    """Ask for one line of text (a reason, a code); None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, title: str, prompt: str, *, placeholder: str = "", password: bool = False,
                 validators: list[Validator] | None = None, required: bool = True,
                 confirm_label: str = "OK") -> None:
        super().__init__(classes="dialog")
        self._title, self._prompt, self._required = title, prompt, required
        self._input = Input(placeholder=placeholder, password=password, validators=validators or [],
                            id="dialog-input")
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._prompt, classes="dialog-body")
            yield self._input
            yield Static("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self._confirm_label, id="confirm", variant="primary")

    def on_mount(self) -> None:
        self._input.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        value = self._input.value.strip()
        result = self._input.validate(self._input.value)
        error = self.query_one("#dialog-error", Static)
        if self._required and not value:
            error.update("This field is required.")
            return
        if result is not None and not result.is_valid:
            error.update("; ".join(result.failure_descriptions))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoticeDialog(ModalScreen[None]):
    """Tell the user something they must read (a deposit reference): stays until closed."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="dialog-close", tooltip="Close this notice"),
    ]

    def __init__(self, title: str, body: str, *, button_label: str = "OK") -> None:
        super().__init__(classes="dialog")
        self._title, self._body, self._button_label = title, body, button_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._button_label, id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
