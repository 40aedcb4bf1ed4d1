"""The open-alert counter an administrator sees in the header of every screen."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from ...services.fraud_views import AlertCounts


def badge_text(counts: AlertCounts) -> str:
    if not counts.open:
        return "No open alerts"
    text = f"⚠ {counts.open} open alert{'s' if counts.open != 1 else ''}"
    critical = counts.open_by_severity.get("CRITICAL", 0)
    return text + (f" · {critical} critical" if critical else "")


class AlertBadge(Static):
    """Mounted into a screen's Header by the app's AlertWatch; a click opens the alert queue."""

    def __init__(self) -> None:
        super().__init__("", id="alert-badge")
        self.tooltip = "Fraud alerts not yet acknowledged. Click to open the alert queue."

    def show(self, counts: AlertCounts | None) -> None:
        self.display = counts is not None
        if counts is None:
            return
        self.update(badge_text(counts))
        self.set_class(bool(counts.open), "-open")
        self.set_class(bool(counts.open_by_severity.get("CRITICAL")), "-critical")

    def on_click(self, event: events.Click) -> None:
        event.stop()  # the header would otherwise toggle its height
        from ..screens.alerts import AlertsScreen

        if not isinstance(self.app.screen, AlertsScreen):
            self.app.push_screen(AlertsScreen())
