"""Self-registration of an account holder (when the bank allows it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from ..base import PayFlowScreen


class RegisterScreen(PayFlowScreen):
    HELP = "Open an account holder's login. Passwords need at least 10 characters. Escape goes back."

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(classes="form-box"):
                yield Label("Open an account", classes="form-title")
                yield Label("Email")
                yield Input(placeholder="you@example.com", id="email")
                yield Label("Full name")
                yield Input(id="name")
                yield Label("Password (at least 10 characters)")
                yield Input(password=True, id="password")
                yield Label("Password again")
                yield Input(password=True, id="password2")
                yield Static("", id="register-error", classes="field-error")
                with Horizontal(classes="form-buttons"):
                    yield Button("Cancel", id="cancel")
                    yield Button("Open account", id="create", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["email", "name", "password", "password2"]
        index = order.index(event.input.id)
        if index + 1 < len(order):
            self.query_one(f"#{order[index + 1]}", Input).focus()
        else:
            self._create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self._create()
        else:
            self.app.pop_screen()

    def _create(self) -> None:
        button = self.query_one("#create", Button)
        if button.disabled:  # already creating: a second Enter must not send twice
            return
        values = {k: self.query_one(f"#{k}", Input).value for k in ("email", "name", "password", "password2")}
        error = self.query_one("#register-error", Static)
        if values["password"] != values["password2"]:
            error.update("The two passwords differ.")
            return
        error.update("Creating…")
        button.disabled = True
        self.call(self.pf.register, values["email"], values["name"], values["password"],
                  on_done=self._created, on_error=lambda exc: error.update(exc.message),
                  on_finish=self._finished)

    def _created(self, user) -> None:
        self.app.pop_screen()
        self.app.notify(f"Account {user.email} opened. Log in to continue.", title="Welcome")

    def action_back(self) -> None:
        self.app.pop_screen()

    def _finished(self) -> None:
        if self.is_attached:
            self.query_one("#create", Button).disabled = False
            error = self.query_one("#register-error", Static)
            if error.content == "Creating…":  # ended without an answer (already reported)
                error.update("")
