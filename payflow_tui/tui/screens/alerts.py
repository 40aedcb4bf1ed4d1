"""The fraud alert queue: the most severe first, then the oldest, with filters."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Label, Select, Static

from ...services.fraud_views import AlertView
from ..alert_actions import acknowledge, ask_resolve
from ..alert_words import RULE_CHOICES, SEVERITY_CHOICES, rule_name, severity_text
from ..base import PayFlowScreen
from ..dates import age_text
from ..formatting import status_text
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.paged_table import PagedTable

COLUMNS = [("Severity", "severity"), ("#", "id"), ("Age", "age"), ("Status", "status"),
           ("Customer", "customer"), ("What happened", "summary")]
STATUS_CHOICES = [("Open", "OPEN"), ("Acknowledged", "ACKNOWLEDGED"), ("Resolved", "RESOLVED"),
                  ("All", "ALL")]
FILTERS = {"alerts-status": "status", "alerts-rule": "rule", "alerts-severity": "severity"}


class AlertsScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "fraud.tcss"]
    HELP = ("Alerts the fraud rules opened, the most severe first and, within a severity, the oldest "
            "first. Unresolved alerts are shown until you choose another status. Enter opens an alert "
            "with its transactions and the freeze, unfreeze and unlock actions. a acknowledges the "
            "selected open alert (you are looking into it); r resolves it with a note. / goes to the "
            "filters (status, rule, severity), x clears them. The queue refreshes by itself.")
    BINDINGS = [
        Binding("a", "acknowledge", "Acknowledge", id="alerts-ack",
                tooltip="Mark the selected open alert as being looked into"),
        Binding("r", "resolve", "Resolve", id="alerts-resolve",
                tooltip="Close the selected alert with a note of what was found or done"),
        Binding("slash", "filters", "Filter", id="alerts-filter", tooltip="Go to the filters"),
        Binding("x", "clear", "Clear filters", id="alerts-clear", tooltip="Show every unresolved alert"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filters: dict[str, str | None] = {"status": None, "rule": None, "severity": None}
        self._now: datetime | None = None
        self.alerts = PagedTable(COLUMNS, self._row, noun=("alert", "alerts"),
                                 empty="No alert matches. New alerts appear here by themselves.",
                                 id="alerts")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Fraud alerts — most severe first, then oldest", classes="screen-title")
        with Horizontal(classes="filter-row"):
            yield Select(STATUS_CHOICES, prompt="Not resolved", id="alerts-status", compact=True)
            yield Select(RULE_CHOICES, prompt="Every rule", id="alerts-rule", compact=True)
            yield Select(SEVERITY_CHOICES, prompt="Any severity", id="alerts-severity", compact=True)
        yield self.alerts
        yield Static("", id="alerts-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self.alerts.load(self._load)
        self.alerts.table.focus()

    def _load(self, after, limit):
        page = self.pf.list_alerts(self.session, limit=limit, after=after, **self._filters)
        self._now = self.pf.now()
        return page

    def reload(self) -> None:
        self.alerts.refresh_page(unattended(self.pf, self._load))

    def _row(self, alert: AlertView) -> list:
        age = age_text(self._now - alert.created_at) if self._now else ""
        return [severity_text(alert.severity), Text(str(alert.id), justify="right"),
                Text(age, justify="right"), status_text(alert.status),
                alert.user_name or "—", alert.summary]

    # -- filters -------------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        key = FILTERS.get(event.select.id or "")
        if key is None:
            return
        value = None if event.value is Select.NULL else str(event.value)
        if self._filters[key] != value:
            self._filters[key] = value
            self.alerts.load()

    def action_filters(self) -> None:
        self.query_one("#alerts-status", Select).focus()

    def action_clear(self) -> None:
        for select_id in FILTERS:
            self.query_one(f"#{select_id}", Select).clear()

    def action_back(self) -> None:
        # Escape in a filter returns to the list; Escape there leaves the screen.
        if isinstance(self.focused, Select):
            self.alerts.table.focus()
            return
        super().action_back()

    # -- the selected alert ------------------------------------------------------------------------

    @property
    def selected(self) -> AlertView | None:
        return self.alerts.selected

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        alert = event.item
        text = ""
        if alert is not None:
            who = f" · {alert.user_email}" if alert.user_email else ""
            count = alert.transaction_count
            text = (f"#{alert.id} {rule_name(alert.rule)}{who} · {count} transaction"
                    f"{'s' if count != 1 else ''} · Enter for details")
        self.query_one("#alerts-detail", Static).update(text)
        self.refresh_bindings()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        from .alert_detail import AlertDetailScreen

        self.app.push_screen(AlertDetailScreen(event.item.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("acknowledge", "resolve"):
            alert = self.selected
            if alert is None:
                return None
            if action == "acknowledge":
                return True if alert.status == "OPEN" else None
            return True if alert.status != "RESOLVED" else None
        return super().check_action(action, parameters)

    def action_acknowledge(self) -> None:
        alert = self.selected
        if alert is not None and alert.status == "OPEN":
            acknowledge(self, alert, lambda _alert: self.alerts.refresh_page())

    def action_resolve(self) -> None:
        alert = self.selected
        if alert is not None and alert.status != "RESOLVED":
            ask_resolve(self, alert, lambda _alert: self.alerts.refresh_page())


register_section(Section(
    "alerts", "Fraud alerts", "Open alerts to acknowledge or resolve; freeze, unfreeze, unlock",
    ("ADMIN",), AlertsScreen, order=210, group="Monitoring",
))
