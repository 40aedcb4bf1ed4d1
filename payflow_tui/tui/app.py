"""The PayFlow terminal app: a stack of screens over the service module.

Every service call runs in a thread worker (``call_service``) so the screen
never waits on the database; results come back on the UI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.binding import Binding

from ..clock import Clock
from ..services import PayFlow, Session
from ..services import errors as E

log = logging.getLogger("payflow.tui")

# Seconds between checks for changes made by other terminals, and for idle expiry.
POLL_SECONDS = 2.0


class PayFlowApp(App):
    """Build with ``create_app``; tests pass their own PayFlow (temporary file, frozen clock)."""

    CSS_PATH = "theme.tcss"
    TITLE = "PayFlow"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave PayFlow", priority=True),
        Binding("f1", "help", "Help", id="help", tooltip="What this screen does and its keys"),
    ]

    def __init__(self, pf: PayFlow, *, poll: bool = True) -> None:
        super().__init__()
        self.pf = pf
        self.session: Session | None = None
        self._poll = poll
        self._data_version: int | None = None

    # -- start-up and navigation -------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = "SANDBOX" if self.pf.is_sandbox() else ""
        if self.pf.is_sandbox():
            self.add_class("sandbox")
        if self._poll:
            self.set_interval(POLL_SECONDS, self._poll_changes)
        self.show_entry()

    def show_entry(self) -> None:
        """First-run setup while there is no admin, else the login screen."""
        from .screens.login import LoginScreen
        from .screens.setup import SetupScreen

        self._clear_stack()
        self.push_screen(LoginScreen() if self.pf.has_admin() else SetupScreen())

    def _clear_stack(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def signed_in(self, session: Session) -> None:
        from .screens.home import home_screen_for

        self.session = session
        sandbox = "  [SANDBOX]" if self.pf.is_sandbox() else ""
        self.sub_title = f"{session.name} · {session.role.title()}{sandbox}"
        self._clear_stack()
        self.push_screen(home_screen_for(session))

    def sign_out(self, notice: str | None = None) -> None:
        if self.session is not None:
            self.pf.logout(self.session)
        self.session = None
        self.sub_title = "SANDBOX" if self.pf.is_sandbox() else ""
        self.show_entry()
        if notice:
            self.notify(notice, title="Signed out", severity="warning", timeout=8)

    def get_system_commands(self, screen: Screen):
        """The palette offers what the current screen can do now, then the app's own."""
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, binding.tooltip or binding.description,
                                lambda node=active.node, action=binding.action: self._run_from_palette(node, action))
        yield SystemCommand("Quit", "Leave PayFlow", self.exit)
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)

    def _run_from_palette(self, node, action: str) -> None:
        self.call_later(self.run_action, action, node)

    def action_help(self) -> None:
        from .widgets.help import HelpDialog

        self.push_screen(HelpDialog(self.screen))

    # -- service calls in thread workers ----------------------------------------------------

    def call_service(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
                     on_error: Callable[[E.PayFlowError], None] | None = None, group: str = "service",
                     exclusive: bool = False, **kwargs: Any):
        """Run ``fn(*args, **kwargs)`` off the UI thread.

        ``on_done(result)`` runs on the UI thread. A PayFlowError goes to ``on_error``
        (default: an error toast); an expired session returns to the login screen;
        anything unexpected is logged and shown as a sentence, never a traceback.
        """

        def job() -> None:
            try:
                result = fn(*args, **kwargs)
            except (E.SessionExpired, E.AccountLocked, E.AccountDisabled) as exc:
                if self.session is not None and fn is not self.pf.login:
                    self.call_from_thread(self.sign_out, exc.message)
                elif on_error:
                    self.call_from_thread(on_error, exc)
                else:
                    self.call_from_thread(self.show_error, exc.message)
            except E.PayFlowError as exc:
                self.call_from_thread(on_error or (lambda e: self.show_error(e.message)), exc)
            except Exception as exc:  # a bug: keep the app alive and say so plainly
                log.exception("service call failed")
                self.call_from_thread(self.show_error, f"Something went wrong: {exc}. Please try again.")
            else:
                if on_done is not None:
                    self.call_from_thread(on_done, result)

        return self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def show_error(self, message: str) -> None:
        self.notify(message, title="Not done", severity="error", timeout=8)

    # -- live updates and idle expiry ----------------------------------------------------------

    def _poll_changes(self) -> None:
        self.run_worker(self._poll_job, thread=True, group="poll", exclusive=True, exit_on_error=False)

    def _poll_job(self) -> None:
        version = self.pf.data_version()
        session = self.session
        if session is not None and not self.pf.session_alive(session):
            self.call_from_thread(self.sign_out, "Your session expired after inactivity. Please log in again.")
            return
        if self._data_version is not None and version != self._data_version:
            self.call_from_thread(self._data_changed)
        self._data_version = version

    def _data_changed(self) -> None:
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if reload is not None and screen.is_attached:
                reload()


def create_app(db_path: str | Path = "data/payflow.db", *, clock: Clock | None = None,
               pf: PayFlow | None = None, poll: bool = True) -> PayFlowApp:
    """The app factory the launcher and the tests share."""
    return PayFlowApp(pf or PayFlow.open(db_path, clock=clock), poll=poll)
