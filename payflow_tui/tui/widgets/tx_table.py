"""A transaction list that pages in SQL (keyset), never loading every row.

Each page is one indexed query of ``page_size`` rows, so the table opens and
pages as fast on a million transactions as on a hundred.
"""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ...services.views import Page, TransactionView
from ..formatting import money_text, status_text, when

Loader = Callable[[int | None, int], Page]


class TransactionTable(Vertical):
    """``loader(before_id, limit)`` returns a Page, newest first; runs in a worker."""

    DEFAULT_CSS = """
    TransactionTable { height: 1fr; }
    TransactionTable DataTable { height: 1fr; }
    TransactionTable .pager { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("pagedown,n", "next_page", "Older", id="tx-next", tooltip="Show the next (older) page"),
        Binding("pageup,p", "previous_page", "Newer", id="tx-prev", tooltip="Show the previous (newer) page"),
    ]

    class Selected(Message):
        def __init__(self, transaction: TransactionView) -> None:
            super().__init__()
            self.transaction = transaction

    def __init__(self, loader: Loader | None = None, *, page_size: int = 50,
                 show_owner: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.loader = loader
        self.page_size = page_size
        self.show_owner = show_owner
        self._cursors: list[int | None] = [None]  # before_id of each page shown so far
        self._page: Page | None = None
        self._rows: dict[str, TransactionView] = {}

    def compose(self) -> ComposeResult:
        table = DataTable(cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", classes="pager")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        columns = ["When", "Reference", "Type"]
        if self.show_owner:
            columns.append("Account")
        columns += ["Amount", "Status", "Counterparty", "Memo / reason"]
        for name in columns:
            table.add_column(name, key=name)

    def load(self, loader: Loader | None = None) -> None:
        """(Re)load from the first page, e.g. after the filters changed."""
        if loader is not None:
            self.loader = loader
        self._cursors = [None]
        self._fetch()

    def refresh_page(self) -> None:
        """Reload the page on screen (data changed elsewhere)."""
        self._fetch()

    def _fetch(self) -> None:
        if self.loader is None:
            return
        before = self._cursors[-1]
        loader, size = self.loader, self.page_size
        self.app.call_service(loader, before, size, on_done=self._show,  # type: ignore[attr-defined]
                              group=f"tx-{id(self)}", exclusive=True)

    def _show(self, page: Page) -> None:
        self._page = page
        table = self.query_one(DataTable)
        table.clear()
        self._rows.clear()
        for tx in page.items:
            key = str(tx.id)
            self._rows[key] = tx
            other = tx.counterparty_name or ""
            note = tx.failure_reason if tx.status == "FAILED" else (tx.memo or "")
            cells = [when(tx.created_at), tx.reference, tx.type.title()]
            if self.show_owner:
                cells.append(tx.owner_email)
            cells += [money_text(tx.signed_amount, tx.currency, signed=True), status_text(tx.status),
                      other, note or ""]
            table.add_row(*cells, key=key)
        number = len(self._cursors)
        more = "  ·  n/PgDn older" if page.has_more else ""
        newer = "  ·  p/PgUp newer" if number > 1 else ""
        shown = len(page.items)
        self.query_one(".pager", Static).update(
            f"Page {number} · {shown} transaction{'s' if shown != 1 else ''}{more}{newer}"
            if shown else "No transactions match."
        )

    def action_next_page(self) -> None:
        if self._page is not None and self._page.has_more:
            self._cursors.append(self._page.next_cursor)
            self._fetch()

    def action_previous_page(self) -> None:
        if len(self._cursors) > 1:
            self._cursors.pop()
            self._fetch()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        tx = self._rows.get(str(event.row_key.value))
        if tx is not None:
            self.post_message(self.Selected(tx))
