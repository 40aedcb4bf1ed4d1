"""Turning on two-factor: the QR code to scan (or the secret to type), then a code to prove it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Static

from ...services import errors as E
from ...services.twofactor import TwoFactorEnrolment
from ..base import PayFlowScreen


def grouped(secret: str) -> str:
    """``ABCDEFGH...`` as ``ABCD EFGH ...``: easier to copy by hand; apps ignore the spaces."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


class EnrolTwoFactorScreen(PayFlowScreen):
    """Dismisses with the recovery codes once enrolment is confirmed, or None when left."""

    CSS_PATH = "notify.tcss"
    HELP = ("Scan the QR code with an authenticator app (Google Authenticator, Microsoft "
            "Authenticator, Authy, 1Password, ...), or add an account in it by typing the secret. "
            "Then type the 6-digit code the app shows and press Enter. Two-factor is on only once "
            "a valid code is accepted. The QR code needs about 45 columns and 23 lines; on a smaller "
            "terminal PgDn and PgUp scroll it. Escape leaves without turning it on.")
    BINDINGS = [
        # Priority: the scrolling body's own (hidden) PgDn would otherwise take the key first.
        Binding("pagedown", "scroll(1)", "Scroll down", id="enrol-down", priority=True,
                tooltip="Scroll down: the QR code is taller than this terminal"),
        Binding("pageup", "scroll(-1)", "Scroll up", id="enrol-up", priority=True, tooltip="Scroll back up"),
    ]

    def __init__(self, enrolment: TwoFactorEnrolment) -> None:
        super().__init__()
        self.enrolment = enrolment

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Turn on two-factor authentication", classes="screen-title")
        with VerticalScroll(id="enrol-body"):
            with Horizontal(id="enrol-row"):
                yield Static(Text(self.enrolment.qr.rstrip("\n")), id="enrol-qr")
                with Vertical(id="enrol-side"):
                    yield Static("1. Scan this QR code with your authenticator app.", classes="enrol-step")
                    yield Static("Or add an account by hand with this secret (time-based):",
                                 classes="enrol-note")
                    yield Static(grouped(self.enrolment.secret), id="enrol-secret")
                    yield Static("2. Type the 6-digit code the app shows:", classes="enrol-step")
                    yield Input(placeholder="123456", id="enrol-code", max_length=9)
                    yield Static("", id="enrol-error", classes="field-error")
                    with Horizontal(classes="form-buttons"):
                        yield Button("Cancel", id="enrol-cancel")
                        yield Button("Turn on", id="enrol-confirm", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#enrol-code", Input).focus()
        self.call_after_refresh(self.refresh_bindings)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll":
            # Only on a terminal too small for the whole QR code.
            body = self.query_one("#enrol-body", VerticalScroll)
            return body.max_scroll_y > 0
        return super().check_action(action, parameters)

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_bindings)

    def action_scroll(self, direction: int) -> None:
        body = self.query_one("#enrol-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "enrol-confirm":
            self._confirm()
        else:
            self.dismiss(None)

    def _confirm(self) -> None:
        code = self.query_one("#enrol-code", Input).value.strip()
        error = self.query_one("#enrol-error", Static)
        if not code:
            error.update("Type the code your app shows.")
            return
        error.update("Checking…")
        self.query_one("#enrol-confirm", Button).disabled = True
        self.call(self.pf.confirm_2fa_enrolment, self.session, code, on_done=self._confirmed,
                  on_error=self._refused)

    def _confirmed(self, codes: list[str]) -> None:
        self.dismiss(codes)

    def _refused(self, exc: E.PayFlowError) -> None:
        self.query_one("#enrol-confirm", Button).disabled = False
        self.query_one("#enrol-error", Static).update(exc.message)
        field = self.query_one("#enrol-code", Input)
        field.value = ""
        field.focus()

    def action_back(self) -> None:
        self.dismiss(None)
