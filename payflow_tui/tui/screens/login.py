"""Login: email and masked password; self-registration when the bank allows it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from ...services import errors as E
from ..base import PayFlowScreen


class LoginScreen(PayFlowScreen):
    HELP = ("Log in with your email and password. After five wrong passwords the account is locked "
            "for 15 minutes. New here? Press Ctrl+R to open an account, if your bank allows it.")
    CAN_GO_BACK = False
    BINDINGS = [
        Binding("ctrl+r", "register", "Open an account", id="register",
                tooltip="Create an account holder's login"),
    ]

    def __init__(self, notice: str | None = None) -> None:
        super().__init__()
        self._notice = notice
        self._checking = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(classes="form-box", id="login-box"):
                yield Label("Log in to PayFlow", classes="form-title")
                # Why the last session ended (idle timeout, a lock): stays until the next attempt.
                yield Static(self._notice or "", id="login-notice", classes="notice")
                yield Label("Email")
                yield Input(placeholder="you@example.com", id="email")
                yield Label("Password")
                yield Input(placeholder="Password", password=True, id="password")
                yield Static("", id="login-error", classes="field-error")
                with Horizontal(classes="form-buttons"):
                    yield Button("Log in", id="login", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login-notice", Static).display = bool(self._notice)
        self.query_one("#email", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "email":
            self.query_one("#password", Input).focus()
        else:
            self._login()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login":
            self._login()

    def _login(self) -> None:
        button = self.query_one("#login", Button)
        if button.disabled:  # a second Enter while the first attempt is being checked
            return
        email = self.query_one("#email", Input).value.strip()
        password = self.query_one("#password", Input).value
        error = self.query_one("#login-error", Static)
        if not email or not password:
            error.update("Type your email and password.")
            return
        error.update("Checking…")
        self.query_one("#login-notice", Static).display = False
        button.disabled = True
        self._checking = True
        self.call(self.pf.login, email, password, on_done=self._logged_in, on_error=self._failed,
                  on_finish=self._finished)

    def _logged_in(self, session) -> None:
        self.payflow_app.signed_in(session)

    def _failed(self, exc: E.PayFlowError) -> None:
        self._checking = False
        self.query_one("#login-error", Static).update(_failure_sentence(exc))
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def _finished(self) -> None:
        if self.is_attached:
            self.query_one("#login", Button).disabled = False
            if self._checking:  # ended without an answer: an unexpected failure, already shown
                self.query_one("#login-error", Static).update("")
            self._checking = False

    def action_register(self) -> None:
        from .register import RegisterScreen

        if not self.pf.registration_open():
            self.payflow_app.show_error("Self-registration is closed; ask a teller to open your account.")
            return
        self.app.push_screen(RegisterScreen())


def _failure_sentence(exc: E.PayFlowError) -> str:
    """Wrong credentials never say which part was wrong; a lock or a disable says what to do."""
    if isinstance(exc, E.AuthFailed):
        return "Email or password is incorrect. Check both and try again."
    return exc.message
