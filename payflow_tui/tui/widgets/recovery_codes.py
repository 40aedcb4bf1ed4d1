"""The recovery codes, shown once when two-factor is turned on."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


def two_columns(codes: list[str]) -> str:
    half = (len(codes) + 1) // 2
    left, right = codes[:half], codes[half:]
    return "\n".join(f"{n + 1:>2}. {a}    " + (f"{n + half + 1:>2}. {right[n]}" if n < len(right) else "")
                     for n, a in enumerate(left))


class RecoveryCodesDialog(ModalScreen[None]):
    """Only the button closes it: Escape must not lose codes that are never shown again."""

    BINDINGS = [
        Binding("escape", "stay", show=False, id="codes-stay", tooltip="Press the button to close"),
    ]

    def __init__(self, codes: list[str]) -> None:
        super().__init__(classes="dialog")
        self.codes = list(codes)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="codes-box"):
            yield Label("Recovery codes — write these down", classes="dialog-title")
            yield Static("Each code works once instead of a code from your app: to turn two-factor "
                         "off if you lose your phone (and for an administrator's login). They are "
                         "shown only now; keep them somewhere safe, away from your phone.",
                         classes="dialog-body")
            yield Static(two_columns(self.codes), id="codes-list")
            with Horizontal(classes="dialog-buttons"):
                yield Button("I have written them down", id="codes-done", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#codes-done", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_stay(self) -> None:
        self.notify("Write the codes down, then press the button.", title="Recovery codes")
