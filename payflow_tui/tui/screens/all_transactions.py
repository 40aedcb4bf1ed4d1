"""Every wallet's transactions, newest first, with filters: the administrator's ledger view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Label, Select, Static

from ..base import PayFlowScreen
from ..dates import DateError, day_range
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.tx_table import TransactionTable

TYPES = [("Deposit", "DEPOSIT"), ("Withdrawal", "WITHDRAWAL"), ("Transfer", "TRANSFER"),
         ("Subscription", "SUBSCRIPTION")]
STATUSES = [("Success", "SUCCESS"), ("Pending", "PENDING"), ("Failed", "FAILED")]
TEXT_FILTERS = ("tx-ref", "tx-email", "tx-from", "tx-to")


class AllTransactionsScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("Every wallet's transactions, newest first, one page at a time (n older, p newer). "
            "Narrow by type and status, a reference (its start is enough), a customer's email, and "
            "dates (YYYY-MM-DD, in the bank's time zone; both days included). Text filters apply when "
            "you press Enter; Escape in a field returns to the list; x there clears every filter.")
    BINDINGS = [
        Binding("x", "clear", "Clear filters", id="tx-clear", tooltip="Show every transaction again"),
        Binding("slash", "filters", "Filter", id="tx-filter", tooltip="Go to the filter fields"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._zone = "Africa/Lagos"
        self._query: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("All transactions", classes="screen-title")
        with Vertical(classes="filters"):
            with Horizontal(classes="filter-row"):
                yield Select(TYPES, prompt="All types", id="tx-type", compact=True)
                yield Select(STATUSES, prompt="Any status", id="tx-status", compact=True)
                yield Label("Ref")
                yield Input(placeholder="DEP-7K3…", id="tx-ref", compact=True)
            with Horizontal(classes="filter-row"):
                yield Label("From")
                yield Input(placeholder="YYYY-MM-DD", id="tx-from", compact=True)
                yield Label("To")
                yield Input(placeholder="YYYY-MM-DD", id="tx-to", compact=True)
                yield Label("Email")
                yield Input(placeholder="customer's email", id="tx-email", compact=True)
            yield Static("", id="tx-filter-error", classes="filter-error")
        yield TransactionTable(self._load, show_owner=True, id="all-tx")
        yield Footer()

    def on_mount(self) -> None:
        self.call(self.pf.timezone_name, on_done=self._set_zone)
        table = self.query_one("#all-tx", TransactionTable)
        table.load()
        table.query_one("DataTable").focus()

    def _set_zone(self, zone: str) -> None:
        self._zone = zone

    def _load(self, before_id, limit):
        return self.pf.all_transactions(self.session, limit=limit, before_id=before_id, **self._query)

    def reload(self) -> None:
        table = self.query_one("#all-tx", TransactionTable)
        usual = table.loader
        table.loader = unattended(self.pf, self._load)
        table.refresh_page()
        table.loader = usual

    # -- filters ---------------------------------------------------------------------------------

    def _apply(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in TEXT_FILTERS}
        error = self.query_one("#tx-filter-error", Static)
        try:
            date_from, date_to = day_range(values["tx-from"], values["tx-to"], self._zone)
        except DateError as exc:
            error.update(str(exc))
            error.add_class("-shown")
            return
        error.remove_class("-shown")
        kind = self.query_one("#tx-type", Select).value
        status = self.query_one("#tx-status", Select).value
        query = {
            "type": None if kind is Select.NULL else kind,
            "status": None if status is Select.NULL else status,
            "search": values["tx-ref"] or None,
            "email": values["tx-email"] or None,
            "date_from": date_from,
            "date_to": date_to,
        }
        self._query = {k: v for k, v in query.items() if v is not None}
        self.query_one("#all-tx", TransactionTable).load()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._apply()

    def action_back(self) -> None:
        # Escape in a filter field returns to the list; Escape there leaves the screen.
        if isinstance(self.focused, (Input, Select)):
            self.query_one("#all-tx", TransactionTable).query_one("DataTable").focus()
            return
        super().action_back()

    def action_clear(self) -> None:
        for name in TEXT_FILTERS:
            self.query_one(f"#{name}", Input).value = ""
        for name in ("#tx-type", "#tx-status"):
            self.query_one(name, Select).clear()
        self._apply()

    def action_filters(self) -> None:
        self.query_one("#tx-type", Select).focus()


register_section(Section(
    "all-transactions", "All transactions", "Every wallet's transactions, with filters",
    ("ADMIN",), AllTransactionsScreen, order=120, group="Administration",
))
