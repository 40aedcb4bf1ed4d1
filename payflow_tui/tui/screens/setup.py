"""First run: create the first administrator, then log in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from ...services import errors as E
from ..base import PayFlowScreen


class SetupScreen(PayFlowScreen):
    CAN_GO_BACK = False
    HELP = ("This database has no administrator yet. Create the first one: they can then create "
            "tellers and other administrators. Passwords need at least 10 characters.")

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(classes="form-box", id="setup-box"):
                yield Label("Welcome to PayFlow: create the first administrator", classes="form-title")
                yield Label("Email")
                yield Input(placeholder="admin@yourbank.example", id="email")
                yield Label("Full name")
                yield Input(placeholder="Full name", id="name")
                yield Label("Password (at least 10 characters)")
                yield Input(password=True, id="password")
                yield Label("Password again")
                yield Input(password=True, id="password2")
                yield Static("", id="setup-error", classes="field-error")
                with Horizontal(classes="form-buttons"):
                    yield Button("Create administrator", id="create", variant="primary")
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

    def _create(self) -> None:
        button = self.query_one("#create", Button)
        if button.disabled:  # already creating: a second Enter must not send twice
            return
        values = {k: self.query_one(f"#{k}", Input).value for k in ("email", "name", "password", "password2")}
        error = self.query_one("#setup-error", Static)
        if values["password"] != values["password2"]:
            error.update("The two passwords differ.")
            return
        error.update("Creating…")
        button.disabled = True
        self.call(self.pf.create_first_admin, values["email"], values["name"], values["password"],
                  on_done=self._created, on_error=lambda exc: error.update(exc.message),
                  on_finish=self._finished)

    def _created(self, user) -> None:
        self.app.notify(f"Administrator {user.email} created. Log in to continue.", title="Set up")
        self.payflow_app.show_entry()


    def _finished(self) -> None:
        if self.is_attached:
            self.query_one("#create", Button).disabled = False
            error = self.query_one("#setup-error", Static)
            if error.content == "Creating…":  # ended without an answer (already reported)
                error.update("")
