"""The audit log: who did what to whom, newest first, with filters."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Header, Input, Label, Select, Static

from ..base import PayFlowScreen
from ..dates import DateError, day_range
from ..formatting import when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.paged_table import PagedTable

# The core's events, offered as suggestions; later features log their own and any may be typed.
KNOWN_ACTIONS = [
    "ACCOUNT_DISABLED", "ACCOUNT_ENABLED", "ACCOUNT_LOCKED", "ACCOUNT_UNLOCKED", "CLOCK_ADVANCED",
    "DEPOSIT_CONFIRMED", "DEPOSIT_REJECTED", "LOGIN", "LOGIN_FAILED", "PASSWORD_CHANGED",
    "ROLE_CHANGED", "SETTING_CHANGED", "USER_CREATED", "WALLET_FROZEN", "WALLET_UNFROZEN",
]
COLUMNS = [("When", "at"), ("Action", "action"), ("By", "actor"), ("Subject", "subject"),
           ("Details", "details")]
TEXT_FILTERS = ("audit-action", "audit-actor", "audit-subject", "audit-from", "audit-to")


def details_text(details: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(details.items()))


class AuditLogScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("Every security and administrative event, newest first, hash-chained so that an edit "
            "shows. Filter by action (suggestions appear as you type), by who acted or whom it "
            "concerned (emails), and by dates (YYYY-MM-DD, both days included); press Enter to apply. "
            "Escape in a field returns to the list; x there clears the filters. The line below the table shows the selected entry in full.")
    BINDINGS = [
        Binding("x", "clear", "Clear filters", id="audit-clear", tooltip="Show every entry again"),
        Binding("slash", "filters", "Filter", id="audit-filter", tooltip="Go to the filter fields"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._zone = "Africa/Lagos"
        self._query: dict = {}
        self.entries = PagedTable(COLUMNS, self._row, key=lambda e: e["id"], page_size=100,
                                  noun=("entry", "entries"), empty="No audit entry matches.",
                                  id="audit")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Audit log", classes="screen-title")
        with Vertical(classes="filters"):
            with Horizontal(classes="filter-row"):
                yield Label("Action")
                yield Input(placeholder="e.g. WALLET_FROZEN", id="audit-action", compact=True,
                            suggester=SuggestFromList(KNOWN_ACTIONS, case_sensitive=False))
                yield Label("By")
                yield Input(placeholder="actor's email", id="audit-actor", compact=True)
                yield Label("Subject")
                yield Input(placeholder="subject's email", id="audit-subject", compact=True)
            with Horizontal(classes="filter-row"):
                yield Label("From")
                yield Input(placeholder="YYYY-MM-DD", id="audit-from", compact=True)
                yield Label("To")
                yield Input(placeholder="YYYY-MM-DD", id="audit-to", compact=True)
            yield Static("", id="audit-filter-error", classes="filter-error")
        yield self.entries
        yield Static("", id="audit-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self.call(self.pf.timezone_name, on_done=self._set_zone)
        self.entries.load(self._load)
        self.entries.table.focus()

    def _set_zone(self, zone: str) -> None:
        self._zone = zone

    def _load(self, before_id, limit):
        return self.pf.audit_entries(self.session, limit=limit, before_id=before_id, **self._query)

    def reload(self) -> None:
        self.entries.refresh_page(unattended(self.pf, self._load))

    def _row(self, entry: dict) -> list:
        return [when(entry["at"], seconds=True), entry["action"], entry["actor"] or "system",
                entry["subject"] or "", details_text(entry["details"])]

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        entry = event.item
        text = ""
        if entry is not None:
            text = f"#{entry['id']} {entry['action']} by {entry['actor'] or 'system'}"
            if entry["subject"]:
                text += f" on {entry['subject']}"
            if entry["details"]:
                text += f": {details_text(entry['details'])}"
        self.query_one("#audit-detail", Static).update(text)

    # -- filters ---------------------------------------------------------------------------------

    def _apply(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in TEXT_FILTERS}
        error = self.query_one("#audit-filter-error", Static)
        try:
            date_from, date_to = day_range(values["audit-from"], values["audit-to"], self._zone)
        except DateError as exc:
            error.update(str(exc))
            error.add_class("-shown")
            return
        error.remove_class("-shown")
        query = {
            "action": values["audit-action"].upper() or None,
            "actor_email": values["audit-actor"] or None,
            "subject_email": values["audit-subject"] or None,
            "date_from": date_from,
            "date_to": date_to,
        }
        self._query = {k: v for k, v in query.items() if v is not None}
        self.entries.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._apply()

    def action_back(self) -> None:
        # Escape in a filter field returns to the list; Escape there leaves the screen.
        if isinstance(self.focused, (Input, Select)):
            self.entries.table.focus()
            return
        super().action_back()

    def action_clear(self) -> None:
        for name in TEXT_FILTERS:
            self.query_one(f"#{name}", Input).value = ""
        self._apply()

    def action_filters(self) -> None:
        self.query_one("#audit-action", Input).focus()


register_section(Section(
    "audit-log", "Audit log", "Who did what, when: logins, freezes, roles, settings",
    ("ADMIN",), AuditLogScreen, order=130, group="Administration",
))
