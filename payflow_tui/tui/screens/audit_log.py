"""The audit log: who did what to whom, newest first, with filters."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Header, Input, Label, Select, Static

from ...services import errors as E
from ...services.fraud_views import AuditChainStatus
from ..alert_words import value_text
from ..base import PayFlowScreen
from ..dates import DateError, day_range
from ..formatting import when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.paged_table import PagedTable

# Events offered as suggestions from the start; the log's own kinds are added once fetched.
KNOWN_ACTIONS = [
    "ACCOUNT_DISABLED", "ACCOUNT_ENABLED", "ACCOUNT_LOCKED", "ACCOUNT_UNLOCKED", "ALERT_ACKNOWLEDGED",
    "ALERT_OPENED", "ALERT_RESOLVED", "CLOCK_ADVANCED", "DEPOSIT_CONFIRMED", "DEPOSIT_REJECTED", "LOGIN",
    "LOGIN_FAILED", "PASSWORD_CHANGED", "ROLE_CHANGED", "RULE_CHANGED", "SETTING_CHANGED", "USER_CREATED",
    "WALLET_FROZEN", "WALLET_MARKED_SUSPICIOUS", "WALLET_UNFROZEN",
]
COLUMNS = [("When", "at"), ("Action", "action"), ("By", "actor"), ("Subject", "subject"),
           ("Details", "details")]
TEXT_FILTERS = ("audit-action", "audit-actor", "audit-subject", "audit-from", "audit-to")


def details_text(details: dict) -> str:
    # Amounts are stored in kobo; an admin reads them in naira.
    return ", ".join(f"{key}={value_text(key, value)}" for key, value in sorted(details.items()))


class AuditLogScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("Every security and administrative event, newest first, hash-chained so that an edit "
            "shows. Filter by action (suggestions appear as you type), by who acted or whom it "
            "concerned (emails), and by dates (YYYY-MM-DD, both days included); press Enter to apply. "
            "Escape in a field returns to the list; x there clears the filters. The line below the table shows the selected entry in full. "
            "v verifies the hash chain from the first entry to the last: it reads the whole log, so it "
            "runs in the background and reports the first entry edited, inserted or deleted.")
    BINDINGS = [
        Binding("x", "clear", "Clear filters", id="audit-clear", tooltip="Show every entry again"),
        Binding("slash", "filters", "Filter", id="audit-filter", tooltip="Go to the filter fields"),
        Binding("v", "verify", "Verify chain", id="audit-verify",
                tooltip="Check every entry's hash link, in the background"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._zone = "Africa/Lagos"
        self._query: dict = {}
        self._verifying = False
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
        yield Static("Hash chain not checked yet: press v to verify it.", id="audit-chain",
                     classes="detail-line")
        yield Static("", id="audit-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self.call(self.pf.timezone_name, on_done=self._set_zone)
        self.call(self.pf.audit_actions, self.session, on_done=self._suggest)
        self.entries.load(self._load)
        self.entries.table.focus()

    def _set_zone(self, zone: str) -> None:
        self._zone = zone

    def _suggest(self, actions: list[str]) -> None:
        known = sorted({*KNOWN_ACTIONS, *actions})
        self.query_one("#audit-action", Input).suggester = SuggestFromList(known, case_sensitive=False)

    def _load(self, before_id, limit):
        return self.pf.audit_entries(self.session, limit=limit, before_id=before_id, **self._query)

    def reload(self) -> None:
        self.entries.refresh_page(unattended(self.pf, self._load))

    def _row(self, entry: dict) -> list:
        return [when(entry["at"], seconds=True), entry["action"], entry["actor"] or "system",
                entry["subject"] or "", details_text(entry["details"])]

    # -- the hash chain ----------------------------------------------------------------------------

    def action_verify(self) -> None:
        chain = self.query_one("#audit-chain", Static)
        chain.set_classes("detail-line")
        chain.update("Verifying the hash chain…")
        self._verifying = True
        self.refresh_bindings()
        self.call(self.pf.audit_chain_status, self.session, on_done=self._verified,
                  on_error=self._not_verified, group="audit-chain", exclusive=True)

    def _verified(self, status: AuditChainStatus) -> None:
        self._verifying = False
        chain = self.query_one("#audit-chain", Static)
        checked = when(status.checked_at, seconds=True)
        if status.ok:
            chain.update(f"✓ Hash chain intact: entries #1–#{status.last_id} verified {checked}.")
            chain.set_classes("detail-line chain-ok")
        else:
            chain.update(f"✗ Hash chain broken at entry #{status.broken_at}: {status.problem} ({checked}).")
            chain.set_classes("detail-line chain-broken")
        self.refresh_bindings()

    def _not_verified(self, exc: E.PayFlowError) -> None:
        self._verifying = False
        self.query_one("#audit-chain", Static).update(f"The chain was not checked: {exc.message}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "verify" and self._verifying:
            return None
        return super().check_action(action, parameters)

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
