"""Choosing a role for a user: the current one is shown but cannot be chosen again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

ROLE_NOTES = {
    "USER": "account holder: their own wallet",
    "TELLER": "counter staff: cash in and out",
    "ADMIN": "everything, users and settings",
}


class RoleDialog(ModalScreen["str | None"]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, name: str, current: str) -> None:
        super().__init__(classes="dialog")
        self._name, self._current = name, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(f"Change {self._name}'s role", classes="dialog-title")
            yield Static("Choose the new role and press Enter.", classes="dialog-body")
            yield OptionList(*[
                Option(f"{role.title():<7} {note}" + (" (now)" if role == self._current else ""),
                       id=role, disabled=role == self._current)
                for role, note in ROLE_NOTES.items()
            ], id="roles")

    def on_mount(self) -> None:
        roles = self.query_one("#roles", OptionList)
        roles.focus()
        roles.action_first()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
