"""F1: what the current screen does and its keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


class HelpDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help-close", tooltip="Close the help")]

    def __init__(self, screen: Screen) -> None:
        super().__init__(classes="dialog")
        self._text = getattr(screen, "HELP", "") or ""
        keys = []
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.show and binding.description:
                keys.append(f"  {binding.key_display or self.app.get_key_display(binding):<12} {binding.description}"
                            + (f" — {binding.tooltip}" if binding.tooltip else ""))
        self._keys = "\n".join(keys)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box help-box"):
            yield Label("Help", classes="dialog-title")
            with VerticalScroll():
                yield Static(self._text, classes="dialog-body")
                yield Static("Keys:\n" + self._keys + "\n  ctrl+p       Command palette: every action here",
                             classes="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
