"""The administrator's form for a new user of any role, with their first password."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from ...services.views import UserView
from ..base import PayFlowScreen

ROLE_CHOICES = [("Account holder (USER)", "USER"), ("Teller (TELLER)", "TELLER"),
                ("Administrator (ADMIN)", "ADMIN")]
FIELDS = ["email", "name", "role", "password", "password2"]


class NewUserScreen(PayFlowScreen):
    """Dismisses with the created user, or None when abandoned."""

    CSS_PATH = "staff.tcss"
    HELP = ("Create a login of any role with its wallet. Give the person their first password "
            "(at least 10 characters) in private. Escape goes back without creating anything.")

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(classes="form-box", id="new-user-box"):
                yield Label("New user", classes="form-title")
                yield Label("Email")
                yield Input(placeholder="name@example.com", id="email")
                yield Label("Full name")
                yield Input(id="name")
                yield Label("Role")
                yield Select(ROLE_CHOICES, value="USER", allow_blank=False, id="role", compact=True)
                yield Label("First password (at least 10 characters)")
                yield Input(password=True, id="password")
                yield Label("Password again")
                yield Input(password=True, id="password2")
                yield Static("", id="new-user-error", classes="field-error")
                with Horizontal(classes="form-buttons"):
                    yield Button("Cancel", id="cancel")
                    yield Button("Create user", id="create", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = FIELDS.index(event.input.id)
        if index + 1 < len(FIELDS):
            self.query_one(f"#{FIELDS[index + 1]}").focus()
        else:
            self._create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self._create()
        else:
            self.dismiss(None)

    def _create(self) -> None:
        values = {k: self.query_one(f"#{k}", Input).value for k in ("email", "name", "password", "password2")}
        role = self.query_one("#role", Select).value
        error = self.query_one("#new-user-error", Static)
        if values["password"] != values["password2"]:
            error.update("The two passwords differ.")
            return
        error.update("Creating…")
        self.query_one("#create", Button).disabled = True
        self.call(self.pf.create_user, self.session, values["email"], values["name"], values["password"],
                  str(role), on_done=self._created, on_error=self._refused)

    def _refused(self, exc) -> None:
        self.query_one("#create", Button).disabled = False
        self.query_one("#new-user-error", Static).update(exc.message)

    def _created(self, user: UserView) -> None:
        self.notify(f"{user.name} ({user.email}) can now log in as {user.role.lower()}.", title="User created")
        self.dismiss(user)

    def action_back(self) -> None:
        self.dismiss(None)
