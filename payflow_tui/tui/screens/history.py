"""A wallet's whole history: filters, reference search, keyset pages, details."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Label, Select, Static

from ...services.queries import TX_STATUSES, TX_TYPES
from ..base import PayFlowScreen
from ..formatting import zone
from ..widgets.tx_detail import TransactionDetailDialog
from ..widgets.tx_table import TransactionTable

PAGE_SIZE = 50
ANY = ""


class HistoryScreen(PayFlowScreen):
    CSS_PATH = "account.tcss"
    # The list has the focus from the start: one footer layout, not two.
    AUTO_FOCUS = "#history PagedDataTable"
    HELP = ("Every transaction of your wallet, newest first, fifty to a page: n or PgDn for older, "
            "p or PgUp for newer; the arrow keys run on across pages. Filter by type and status, by "
            "dates (YYYY-MM-DD, both days included) and by reference (/ jumps to the search; a few "
            "characters are enough). Enter on a row shows it in full. Ctrl+R resets the filters.")
    BINDINGS = [
        Binding("slash", "search", "Search", id="search", tooltip="Search by reference"),
        Binding("ctrl+r", "clear_filters", "Reset filters", id="clear-filters",
                tooltip="Show every transaction again"),
        Binding("ctrl+t", "focus_table", "List", id="focus-list", tooltip="Move to the transaction list"),
    ]

    def __init__(self, *, for_email: str | None = None) -> None:
        super().__init__()
        # Staff screens may reuse this for a customer's wallet; the service checks they may.
        self.for_email = for_email
        self.filters: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        title = f"History of {self.for_email}" if self.for_email else "My transaction history"
        yield Label(title, classes="screen-title")
        with Horizontal(id="filter-bar"):
            yield Select([("Any type", ANY)] + [(t.title(), t) for t in TX_TYPES], value=ANY,
                         allow_blank=False, compact=True, id="type", tooltip="Type")
            yield Select([("Any status", ANY)] + [(s.title(), s) for s in TX_STATUSES], value=ANY,
                         allow_blank=False, compact=True, id="status", tooltip="Status")
            yield Input(placeholder="From YYYY-MM-DD", id="date-from", compact=True, max_length=10,
                        tooltip="First day shown")
            yield Input(placeholder="To YYYY-MM-DD", id="date-to", compact=True, max_length=10,
                        tooltip="Last day shown")
            yield Input(placeholder="/ Reference", id="search", compact=True, max_length=40,
                        tooltip="A reference, or its first characters")
        yield Static("", id="filter-error", classes="field-error")
        yield TransactionTable(self._load, page_size=PAGE_SIZE, id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter-error").display = False
        self.query_one("#history", TransactionTable).load()

    def _load(self, before_id, limit):
        return self.pf.history(self.session, for_email=self.for_email, before_id=before_id, limit=limit,
                               **self.filters)

    def reload(self) -> None:
        self.query_one("#history", TransactionTable).refresh_page()

    # -- filters ---------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        self._apply_filters()

    def on_input_changed(self, event: Input.Changed) -> None:
        # Dates apply once complete (or emptied); the search narrows as it is typed.
        if event.input.id == "search" or len(event.value) in (0, 10):
            self._apply_filters()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._apply_filters()
        self.action_focus_table()

    def _apply_filters(self) -> None:
        error = self.query_one("#filter-error", Static)
        try:
            filters = self._read_filters()
        except ValueError as exc:
            error.update(str(exc))
            error.display = True
            return
        error.display = False
        if filters != self.filters:
            self.filters = filters
            self.query_one("#history", TransactionTable).load()

    def _read_filters(self) -> dict:
        filters: dict = {}
        for name in ("type", "status"):
            value = self.query_one(f"#{name}", Select).value
            if value not in (ANY, Select.NULL):
                filters[name] = value
        local = zone()
        first = _day(self.query_one("#date-from", Input).value, "From")
        last = _day(self.query_one("#date-to", Input).value, "To")
        if first and last and first > last:
            raise ValueError("The From date is after the To date.")
        if first:
            filters["date_from"] = datetime.combine(first, time(), local)
        if last:  # the whole To day is included
            filters["date_to"] = datetime.combine(last + timedelta(days=1), time(), local)
        search = self.query_one("#search", Input).value.strip()
        if search:
            filters["search"] = search
        return filters

    # -- keys ------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#history", TransactionTable).focus_table()

    def action_clear_filters(self) -> None:
        with self.prevent(Select.Changed, Input.Changed):
            self.query_one("#type", Select).value = ANY
            self.query_one("#status", Select).value = ANY
            for name in ("date-from", "date-to", "search"):
                self.query_one(f"#{name}", Input).value = ""
        self._apply_filters()
        self.action_focus_table()

    def on_transaction_table_selected(self, event: TransactionTable.Selected) -> None:
        self.app.push_screen(TransactionDetailDialog(event.transaction))


def _day(text: str, which: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{which} date {text!r} is not a day like 2026-01-31 (YYYY-MM-DD).") from None
