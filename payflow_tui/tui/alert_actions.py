"""Acknowledging and resolving an alert: shared by the alert queue and the alert's detail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .widgets.dialogs import InputDialog

if TYPE_CHECKING:
    from ..services import errors as E
    from ..services.fraud_views import AlertView
    from .base import PayFlowScreen


def _refused(screen: "PayFlowScreen", after: Callable[[], None]) -> Callable[["E.PayFlowError"], None]:
    def show(exc: "E.PayFlowError") -> None:
        # Most often another admin got there first: say so, then show the alert as it is now.
        screen.payflow_app.show_error(exc.message)
        after()

    return show


def acknowledge(screen: "PayFlowScreen", alert: "AlertView",
                on_done: Callable[["AlertView"], None]) -> None:
    """Mark an open alert as being looked at (the service checks the role and the status)."""

    def done(updated: "AlertView") -> None:
        screen.notify(f"Alert #{updated.id} is acknowledged: the queue shows you are on it.",
                      title="Alert acknowledged")
        on_done(updated)

    screen.call(screen.pf.acknowledge_alert, screen.session, alert.id, on_done=done,
                on_error=_refused(screen, lambda: on_done(alert)))


def ask_resolve(screen: "PayFlowScreen", alert: "AlertView",
                on_done: Callable[["AlertView"], None]) -> None:
    """Ask for the note (required), then close the alert with it."""

    def resolve(note: str | None) -> None:
        if note:
            screen.call(screen.pf.resolve_alert, screen.session, alert.id, note, on_done=done,
                        on_error=_refused(screen, lambda: on_done(alert)))

    def done(updated: "AlertView") -> None:
        screen.notify(f"Alert #{updated.id} is resolved: {updated.resolution_note}", title="Alert resolved")
        on_done(updated)

    screen.app.push_screen(
        InputDialog(f"Resolve alert #{alert.id}",
                    f"{alert.summary}.\nWhat did you find or do? The note stays with the alert and "
                    "goes into the audit log. Resolving does not unlock or unfreeze anything.",
                    placeholder="e.g. customer confirmed the transfers by phone", confirm_label="Resolve"),
        resolve,
    )
