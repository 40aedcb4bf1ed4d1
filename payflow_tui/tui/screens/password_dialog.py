"""Changing one's own password: the current one, then the new one twice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...services import errors as E

FIELDS = ["password-old", "password-new", "password-again"]


class PasswordDialog(ModalScreen[bool]):
    """Calls the service itself and stays open on a refusal; dismisses True once changed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Change password", classes="dialog-title")
            yield Label("Current password")
            yield Input(password=True, id="password-old")
            yield Label("New password (at least 10 characters)")
            yield Input(password=True, id="password-new")
            yield Label("New password again")
            yield Input(password=True, id="password-again")
            yield Static("", id="password-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Change password", id="confirm", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#password-old", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = FIELDS.index(event.input.id or "")
        if index + 1 < len(FIELDS):
            self.query_one(f"#{FIELDS[index + 1]}", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self._submit()
        else:
            self.dismiss(False)

    def _submit(self) -> None:
        old, new, again = (self.query_one(f"#{name}", Input).value for name in FIELDS)
        error = self.query_one("#password-error", Static)
        if not old or not new:
            error.update("Type your current password and the new one.")
            return
        if new != again:
            error.update("The two new passwords differ.")
            self.query_one("#password-again", Input).focus()
            return
        error.update("Changing…")
        self.query_one("#confirm", Button).disabled = True
        app = self.app
        app.call_service(app.pf.change_password, app.session, old, new,  # type: ignore[attr-defined]
                         on_done=self._changed, on_error=self._refused)

    def _changed(self, _: None) -> None:
        self.dismiss(True)

    def _refused(self, exc: E.PayFlowError) -> None:
        self.query_one("#confirm", Button).disabled = False
        self.query_one("#password-error", Static).update(exc.message)
        field = self.query_one("#password-old" if isinstance(exc, E.AuthFailed) else "#password-new", Input)
        field.focus()

    def action_cancel(self) -> None:
        self.dismiss(False)
