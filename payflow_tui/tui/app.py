"""The PayFlow terminal app: a stack of screens over the service module.

Every service call runs in a thread worker (``call_service``) so the screen
never waits on the database; results come back on the UI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.signal import Signal

from ..clock import Clock
from ..services import PayFlow, Session
from ..services import errors as E
from .notices import Notices, NotificationWatch

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
        Binding("ctrl+o", "profile", "Profile", id="profile",
                tooltip="Your details, password and two-factor authentication"),
        Binding("ctrl+n", "notifications", "Notifications", id="notifications",
                tooltip="What happened to your wallet and account, newest first"),
        Binding("ctrl+b", "subscriptions", "Subscriptions", id="subscriptions",
                tooltip="Your subscriptions: renewals, cancel, resume, and the plan catalogue"),
    ]

    def __init__(self, pf: PayFlow, *, poll: bool = True, background: bool = False) -> None:
        super().__init__()
        self.pf = pf
        self.session: Session | None = None
        self._poll = poll
        self._data_version: int | None = None
        self._background = background
        self._stoppers: list[Callable[[], None]] = []  # how to stop each background job
        self._activity: tuple | None = None
        self._notices = NotificationWatch()
        # (event type, reference) of what this terminal's user just did: its own screen
        # already said so, so its notification is listed but not toasted again.
        self._own_events: set[tuple[str, str]] = set()
        self.unread = 0
        # True while screens reload because the data changed: those calls are not activity.
        self._reloading = False

    # -- start-up and navigation -------------------------------------------------------

    def on_mount(self) -> None:
        from .formatting import set_zone

        set_zone(self.pf.timezone_name())
        self.sub_title = "SANDBOX" if self.pf.is_sandbox() else ""
        if self.pf.is_sandbox():
            self.add_class("sandbox")
        if self._poll:
            self.set_interval(POLL_SECONDS, self._poll_changes)
        self.show_entry()
        # Work that reads the whole ledger (the scheduler's first pass, the wallet check)
        # starts once the first screen is drawn: on a large ledger it would otherwise
        # share the machine with drawing it.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self._background:
            self._start_background()
        self.call_service(self.pf.check_wallet_integrity, group="integrity",
                          on_done=lambda _report: self.alert_watch.check(),
                          on_error=lambda exc: log.warning("wallet integrity check: %s", exc.message))

    def on_unmount(self) -> None:
        self._stop_background()

    @on(events.Mount)
    def _start_fraud_watch(self) -> None:
        """Run by itself beside on_mount. While an admin is signed in, keep the open-alert
        counter and toast new critical alerts (the check of every wallet against its
        postings, once the first frame is drawn, feeds it too: ``_after_first_frame``).
        ``data_changed_signal`` tells widgets that follow live data when to fetch again."""
        from .alert_watch import AlertWatch

        self.data_changed_signal: Signal[App] = Signal(self, "data-changed")
        self.alert_watch = AlertWatch(self)

    def show_entry(self, notice: str | None = None) -> bool:
        """First-run setup while there is no admin, else the login screen (with ``notice``).
        Whether the notice is on screen."""
        from .screens.login import LoginScreen
        from .screens.setup import SetupScreen

        self._clear_stack()
        login = self.pf.has_admin()
        self.push_screen(LoginScreen(notice=notice) if login else SetupScreen())
        return login

    def _clear_stack(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def signed_in(self, session: Session) -> None:
        from .screens.home import home_screen_for

        self.session = session
        self.unread = 0
        self._own_events.clear()
        self._show_who()
        self._clear_stack()
        self.push_screen(home_screen_for(session))
        self.check_notifications()

    def sign_out(self, notice: str | None = None) -> None:
        if self.session is not None:
            self.pf.logout(self.session)
        self.session = None
        self.unread = 0
        self._notices.forget()
        self._show_who()
        # The login form shows the reason above its fields; a toast too would cover the
        # form's button on a small terminal.
        if not self.show_entry(notice) and notice:
            self.notify(notice, title="Signed out", severity="warning", timeout=8)

    def _session_ended(self, session: Session, notice: str) -> None:
        # Several calls of one screen can fail together: the first one's reason is the one shown.
        if self.session is session:
            self.sign_out(notice)

    def _show_who(self) -> None:
        """The header's sub-title: who is signed in, unread notifications, SANDBOX."""
        sandbox = self.pf.is_sandbox()
        if self.session is None:
            self.sub_title = "SANDBOX" if sandbox else ""
            return
        unread = f" · {self.unread} unread" if self.unread else ""
        self.sub_title = (f"{self.session.name} · {self.session.role.title()}{unread}"
                          + ("  [SANDBOX]" if sandbox else ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("profile", "notifications", "subscriptions"):
            # Someone's own screens: after login, and not from inside a dialog.
            return self.session is not None and not isinstance(self.screen, ModalScreen)
        return True

    def action_profile(self) -> None:
        from .screens.profile import ProfileScreen

        if self.session is not None and not isinstance(self.screen, ProfileScreen):
            self.push_screen(ProfileScreen())

    def action_notifications(self) -> None:
        from .screens.notifications import NotificationsScreen

        if self.session is not None and not isinstance(self.screen, NotificationsScreen):
            self.push_screen(NotificationsScreen())

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

    def action_subscriptions(self) -> None:
        from .screens.my_subscriptions import MySubscriptionsScreen

        if self.session is not None and not isinstance(self.screen, MySubscriptionsScreen):
            self.push_screen(MySubscriptionsScreen())

    def action_help(self) -> None:
        from .widgets.help import HelpDialog

        self.push_screen(HelpDialog(self.screen))

    # -- service calls in thread workers ----------------------------------------------------

    def call_service(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
                     on_error: Callable[[E.PayFlowError], None] | None = None, group: str = "service",
                     exclusive: bool = False, on_finish: Callable[[], None] | None = None, **kwargs: Any):
        """Run ``fn(*args, **kwargs)`` off the UI thread.

        ``on_done(result)`` runs on the UI thread. A PayFlowError goes to ``on_error``
        (default: an error toast); an expired session returns to the login screen;
        anything unexpected is logged and shown as a sentence, never a traceback.
        When ``fn`` takes an ``otp`` and refuses for want of a two-factor code (or a
        wrong one), the user is asked for the code and the same call runs again with it.
        ``on_finish()`` runs last on the UI thread however the call ended, after the
        retry when a code was asked for (re-enable a button). A call made while
        screens reload for changed data does not count as the user's activity.
        """
        from .widgets.otp_prompt import wants_code

        passive = self._reloading
        session = self.session

        def job() -> None:
            finish = on_finish
            try:
                if passive:
                    with self.pf.unattended():
                        result = fn(*args, **kwargs)
                else:
                    result = fn(*args, **kwargs)
            except (E.SessionExpired, E.AccountLocked, E.AccountDisabled) as exc:
                # Only the signed-in person's own lock or expiry ends the session (the
                # service then drops it); a customer's locked account is just a refusal.
                own = session is not None and not self.pf.session_alive(session)
                if own and fn is not self.pf.login:
                    self.call_from_thread(self._session_ended, session, exc.message)
                elif on_error:
                    self.call_from_thread(on_error, exc)
                else:
                    self.call_from_thread(self.show_error, exc.message)
            except E.PayFlowError as exc:
                if wants_code(fn, exc):
                    retry = dict(on_done=on_done, on_error=on_error, group=group, exclusive=exclusive,
                                 on_finish=on_finish)
                    finish = None  # the retry, or the cancelled prompt, finishes the call
                    self.call_from_thread(self._ask_code, exc, fn, args, kwargs, retry)
                else:
                    self.call_from_thread(on_error or (lambda e: self.show_error(e.message)), exc)
            except Exception as exc:  # a bug: keep the app alive and say so plainly
                log.exception("service call failed")
                self.call_from_thread(self.show_error, f"Something went wrong: {exc}. Please try again.")
            else:
                if on_done is not None:
                    self.call_from_thread(on_done, result)
            finally:
                if finish is not None:
                    self.call_from_thread(finish)

        return self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _ask_code(self, exc: E.PayFlowError, fn: Callable[..., Any], args: tuple, kwargs: dict,
                  retry: dict) -> None:
        from .widgets.otp_prompt import OtpDialog, accepts_recovery, with_code

        def answered(code: str | None) -> None:
            if code is None:
                cancelled = E.OtpRequired("Cancelled: without a two-factor code nothing was done.")
                (retry["on_error"] or (lambda e: self.show_error(e.message)))(cancelled)
                if retry["on_finish"] is not None:
                    retry["on_finish"]()
                return
            again_args, again_kwargs = with_code(fn, args, kwargs, code)
            self.call_service(fn, *again_args, **retry, **again_kwargs)

        self.push_screen(OtpDialog(exc.message, recovery=accepts_recovery(fn)), answered)

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
            # Something committed; reload only if it was business, not the scheduler's
            # own bookkeeping (leases, task state), so tables do not jump every few seconds.
            activity = self.pf.activity_marker()
            if activity != self._activity:
                self._activity = activity
                self.call_from_thread(self._data_changed)
        elif self._data_version is None:
            self._activity = self.pf.activity_marker()
        self._data_version = version

    def _data_changed(self) -> None:
        self._reloading = True
        try:
            for screen in self.screen_stack:
                reload = getattr(screen, "reload", None)
                if reload is not None and screen.is_attached:
                    reload()
            self.check_notifications()
        finally:
            self._reloading = False
        self.wake_delivery()  # new events go out now, not at the worker's next tick
        self.data_changed_signal.publish(self)

    # -- notifications --------------------------------------------------------------------------

    def check_notifications(self) -> None:
        """Look for the signed-in user's new notifications: toast them, count the unread."""
        session = self.session
        if session is None:
            return
        self.call_service(self._notices.look, self.pf, session,
                          on_done=lambda found: self._show_notices(session, found),
                          on_error=lambda exc: log.warning("notifications: %s", exc.message),
                          group="notices")

    def did_myself(self, event_type: str, reference: str) -> None:
        """The signed-in user just caused ``event_type`` for ``reference`` from this terminal."""
        self._own_events.add((event_type, reference))

    def _show_notices(self, session: Session, found: Notices) -> None:
        if session is not self.session:
            return  # signed out (or in as someone else) meanwhile
        fresh = [n for n in found.new if (n.type, n.reference) not in self._own_events]
        self._own_events.difference_update((n.type, n.reference) for n in found.new)
        for notice in reversed(fresh):  # oldest first: the newest ends up nearest the eye
            self.notify(notice.text, title="Notification", timeout=10)
        if found.more or found.flood:
            more = f"{found.more}{'+' if found.flood else ''}"
            self.notify(f"…and {more} more. Ctrl+N shows them all.", title="Notifications", timeout=10)
        if found.unread != self.unread:
            self.unread = found.unread
            self._show_who()

    # -- background work -------------------------------------------------------------------------

    def _start_background(self) -> None:
        """Periodic work (renewals, integrity checks, webhook and email delivery) runs in
        the scheduler loop, in a thread of its own so no screen ever waits for it; a
        lease in the database keeps it to one runner across terminals."""
        import threading

        from ..services.scheduler_loop import Scheduler

        loop = Scheduler(self.pf)
        thread = threading.Thread(target=loop.run, name="payflow-scheduler", daemon=True)
        thread.start()
        self._scheduler_loop = loop

        def stop() -> None:
            loop.stop()  # a run in progress ends after its current subscription
            thread.join(timeout=10)

        self._stoppers.append(stop)

    def wake_delivery(self) -> None:
        """Send what is due soon, not only at the loop's next tick."""
        loop = getattr(self, "_scheduler_loop", None)
        if loop is not None and hasattr(loop, "wake"):
            loop.wake()

    def _stop_background(self) -> None:
        for stop in self._stoppers:
            stop()
        self._stoppers.clear()


def create_app(db_path: str | Path = "data/payflow.db", *, clock: Clock | None = None,
               pf: PayFlow | None = None, poll: bool = True, background: bool = False) -> PayFlowApp:
    """The app factory the launcher and the tests share.

    ``background`` runs the scheduler inside the app: renewals, integrity checks and
    webhook and email delivery (the launcher turns it on; tests drive that work themselves).
    """
    return PayFlowApp(pf or PayFlow.open(db_path, clock=clock), poll=poll, background=background)
