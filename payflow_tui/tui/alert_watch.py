"""An administrator's eye on the fraud alerts, on every screen.

While an ADMIN is signed in, each screen's header carries the count of open
alerts (``AlertBadge``), refreshed whenever the database changes, and a new
CRITICAL alert raises an error toast. The first look after a login only
notes where the alerts stand, so a login does not replay old alerts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NamedTuple

from textual.screen import Screen
from textual.widgets import Header

from ..services import errors as E
from ..services.fraud_views import AlertCounts, AlertView
from .widgets.alert_badge import AlertBadge

if TYPE_CHECKING:
    from ..services import Session
    from .app import PayFlowApp

log = logging.getLogger("payflow.tui")

# Toasts shown for one look at most; more become one "and N more" toast.
MAX_TOASTS = 3


class Look(NamedTuple):
    counts: AlertCounts
    new_critical: list[AlertView]
    latest_id: int


class AlertWatch:
    """Keeps ``counts`` for the signed-in admin and the badges on screen in step with it."""

    def __init__(self, app: "PayFlowApp") -> None:
        self.app = app
        self.counts: AlertCounts | None = None
        # (session token, id of the newest alert already seen): toasts only for later ones.
        self._seen: tuple[str, int] | None = None
        app.screen_change_signal.subscribe(app, self._screen_changed)
        app.data_changed_signal.subscribe(app, lambda _app: self.check())

    def _admin(self) -> "Session | None":
        session = self.app.session
        return session if session is not None and session.role == "ADMIN" else None

    # -- the badge on each screen ------------------------------------------------------------

    def _screen_changed(self, screen: Screen) -> None:
        if self._admin() is not None:
            # A screen just pushed has not composed its header yet.
            screen.call_after_refresh(self._add_badge, screen)

    def _add_badge(self, screen: Screen) -> None:
        if self._admin() is None or not screen.is_attached:
            return
        for header in screen.query(Header):
            if not header.query(AlertBadge):
                badge = AlertBadge()
                header.add_class("-with-alert-badge")
                header.mount(badge)
                badge.show(self.counts)
        if self.counts is None:
            self.check()

    def _show(self, counts: AlertCounts | None) -> None:
        for screen in self.app.screen_stack:
            for badge in screen.query(AlertBadge):
                badge.show(counts)

    # -- looking for news ------------------------------------------------------------------------

    def check(self) -> None:
        """Fetch the counts (and any new critical alerts) in a worker; not activity."""
        session = self._admin()
        if session is None:
            self.counts = None
            return
        self.app.call_service(self._look, session, on_done=lambda look: self._looked(session, look),
                              on_error=lambda exc: self._failed(session, exc),
                              group="alert-watch", exclusive=True)

    def _look(self, session: "Session") -> Look:
        pf = self.app.pf
        counts = pf.open_alert_counts(session)
        seen = self._seen_for(session)
        if seen is None or counts.latest_id <= seen:
            return Look(counts, [], counts.latest_id)
        new = pf.alerts_since(session, seen, min_severity="CRITICAL", limit=MAX_TOASTS + 50)
        return Look(counts, new, max([counts.latest_id, *(a.id for a in new)]))

    def _seen_for(self, session: "Session") -> int | None:
        seen = self._seen
        return seen[1] if seen is not None and seen[0] == session.token else None

    def _looked(self, session: "Session", look: Look) -> None:
        if session is not self.app.session:
            return  # signed out, or in as someone else, meanwhile
        seen = self._seen_for(session)
        self._seen = (session.token, max(look.latest_id, seen or 0))
        self.counts = look.counts
        self._show(look.counts)
        if seen is not None:
            self._toast([a for a in look.new_critical if a.id > seen])

    def _toast(self, alerts: list[AlertView]) -> None:
        for alert in alerts[:MAX_TOASTS]:
            who = f" ({alert.user_name}, {alert.user_email})" if alert.user_email else ""
            self.app.notify(f"#{alert.id} {alert.summary}{who}. Open Fraud alerts to act on it.",
                            title="Critical alert", severity="error", timeout=20)
        if len(alerts) > MAX_TOASTS:
            self.app.notify(f"…and {len(alerts) - MAX_TOASTS} more critical alerts.",
                            title="Critical alerts", severity="error", timeout=20)

    def _failed(self, session: "Session", exc: E.PayFlowError) -> None:
        if session is not self.app.session:
            return
        if isinstance(exc, E.PermissionDenied):  # no longer an admin: nothing to count
            self.counts = None
            self._show(None)
        else:
            log.warning("alert counter: %s", exc.message)
