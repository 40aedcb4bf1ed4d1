"""The signed-in person's own profile: who they are, their password, two-factor authentication."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Header, Label, Static

from ...services import errors as E
from ...services.twofactor import TwoFactorEnrolment
from ...services.views import UserView
from ..base import PayFlowScreen
from ..formatting import status_text, when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import InputDialog
from ..widgets.recovery_codes import RecoveryCodesDialog
from .enrol_2fa import EnrolTwoFactorScreen
from .password_dialog import PasswordDialog


class ProfileScreen(PayFlowScreen):
    CSS_PATH = "notify.tcss"
    HELP = ("Your own details. p changes your password (the current one first, then the new one "
            "twice). e turns on two-factor authentication: scan the QR code with an authenticator "
            "app, type the code it shows, and write down the ten recovery codes shown once. d turns "
            "it off again with a current code or a recovery code. With two-factor on, transfers and "
            "withdrawals at or above the bank's threshold ask for a code. Ctrl+O opens this screen "
            "from anywhere.")
    BINDINGS = [
        Binding("p", "password", "Password", id="profile-password", tooltip="Change your password"),
        Binding("e", "enrol", "Turn on 2FA", id="profile-2fa-on",
                tooltip="Turn on two-factor authentication with an authenticator app"),
        Binding("d", "disable", "Turn off 2FA", id="profile-2fa-off",
                tooltip="Turn off two-factor authentication (needs a code or a recovery code)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.user: UserView | None = None
        self.two_factor: dict | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("My profile", classes="screen-title")
        yield Static("Loading…", id="profile-summary")
        yield Label("Two-factor authentication", classes="section-label")
        yield Static("", id="profile-2fa")
        with Horizontal(id="profile-buttons"):
            yield Button("Change password", id="profile-password-button")
            yield Button("Turn on two-factor", id="profile-enrol-button", variant="primary")
            yield Button("Turn off two-factor", id="profile-disable-button", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        for button in ("#profile-enrol-button", "#profile-disable-button"):
            self.query_one(button).display = False
        self._load(self._fetch)

    def _fetch(self) -> tuple[UserView, dict]:
        return self.pf.get_user(self.session, self.session.email), self.pf.two_factor_status(self.session)

    def _load(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="profile", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self._fetch))

    def _show(self, loaded: tuple[UserView, dict]) -> None:
        self.user, self.two_factor = loaded
        user = self.user
        summary = Text()
        for label, value in (("Name", user.name), ("Email", user.email), ("Role", user.role.title()),
                             ("Status", status_text(user.status)), ("Since", when(user.created_at))):
            summary.append(f"{label:<8}", style="bold")
            summary.append(value)
            summary.append("\n")
        summary.rstrip()
        self.query_one("#profile-summary", Static).update(summary)
        state = self.two_factor
        label = (Text("On", style="bold green") if state["enrolled"] else
                 Text("Started, not confirmed", style="bold yellow") if state["pending"] else
                 Text("Off", style="bold"))
        self.query_one("#profile-2fa", Static).update(Text.assemble(label, "  ", state["message"]))
        self.query_one("#profile-enrol-button").display = not state["enrolled"]
        self.query_one("#profile-disable-button").display = state["enrolled"]
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("enrol", "disable"):
            if self.two_factor is None:
                return False
            enrolled = bool(self.two_factor["enrolled"])
            if enrolled != (action == "disable"):
                return False
            return None if self._busy else True
        return super().check_action(action, parameters)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = {"profile-password-button": self.action_password,
                  "profile-enrol-button": self.action_enrol,
                  "profile-disable-button": self.action_disable}.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.refresh_bindings()

    # -- password ---------------------------------------------------------------------------------

    def action_password(self) -> None:
        self.app.push_screen(PasswordDialog(), self._password_changed)

    def _password_changed(self, changed: bool | None) -> None:
        if changed:
            self.notify("Your password is changed; use the new one from your next login.",
                        title="Password changed")

    # -- two-factor on --------------------------------------------------------------------------

    def action_enrol(self) -> None:
        if self._busy:
            return
        self._set_busy(True)
        self.call(self.pf.begin_2fa_enrolment, self.session, on_done=self._enrol,
                  on_error=self._refused)

    def _enrol(self, enrolment: TwoFactorEnrolment) -> None:
        self._set_busy(False)
        self.app.push_screen(EnrolTwoFactorScreen(enrolment), self._enrolled)

    def _enrolled(self, codes: list[str] | None) -> None:
        self._load(self._fetch)
        if codes:
            self.app.push_screen(RecoveryCodesDialog(codes), lambda _: self.notify(
                "Two-factor authentication is on.", title="Two-factor on"))

    # -- two-factor off -------------------------------------------------------------------------

    def action_disable(self, problem: str | None = None) -> None:
        if self._busy:
            return
        prompt = "Type a current code from your authenticator app, or one of your recovery codes."
        if problem:
            prompt = f"{problem}\n{prompt}"
        dialog = InputDialog("Turn off two-factor", prompt, placeholder="123456 or XXXX-XXXX-XXXX",
                             confirm_label="Turn off")
        self.app.push_screen(dialog, self._disable)

    def _disable(self, code: str | None) -> None:
        if not code:
            return
        self._set_busy(True)
        self.call(self.pf.disable_2fa, self.session, code, on_done=self._disabled,
                  on_error=self._disable_refused)

    def _disabled(self, _: None) -> None:
        self._set_busy(False)
        self.notify("Two-factor authentication is off; large payments will ask you to turn it on again.",
                    title="Two-factor off")
        self._load(self._fetch)

    def _disable_refused(self, exc: E.PayFlowError) -> None:
        self._set_busy(False)
        if isinstance(exc, (E.OtpInvalid, E.InvalidInput)):
            self.action_disable(exc.message)  # the service counts wrong codes; ask again
            return
        self._refused(exc)

    def _refused(self, exc: E.PayFlowError) -> None:
        self._set_busy(False)
        self.payflow_app.show_error(exc.message)
        self._load(self._fetch)


register_section(Section(
    "profile", "My profile", "Your password and two-factor authentication (also Ctrl+O)",
    ("TELLER", "ADMIN"), ProfileScreen, order=900, group="You",
))
