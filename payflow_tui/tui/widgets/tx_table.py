"""A transaction list that pages in SQL (keyset), never loading every row.

Each page is one indexed query of ``page_size`` rows, so the table opens and
pages as fast on a million transactions as on a hundred. Moving the cursor
past the last row loads the next (older) page, past the first row the
previous one, so the arrow keys walk the whole history.
"""

from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ...services.views import Page, TransactionView
from ..formatting import money_text, status_text, when

Loader = Callable[[int | None, int], Page]


class PagedDataTable(DataTable):
    """A DataTable whose edges and PgUp/PgDn ask for the neighbouring page."""

    class Edge(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.Edge(+1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.Edge(-1))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        self.post_message(self.Edge(+1))

    def action_page_up(self) -> None:
        self.post_message(self.Edge(-1))


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

    class Loaded(Message):
        """A page arrived and is on screen (tests and benchmarks wait for it)."""

        def __init__(self, page: Page) -> None:
            super().__init__()
            self.page = page

    def __init__(self, loader: Loader | None = None, *, page_size: int = 50,
                 show_owner: bool = False, empty_text: str = "No transactions match.",
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.loader = loader
        self.empty_text = empty_text
        self.page_size = page_size
        self.show_owner = show_owner
        self._cursors: list[int | None] = [None]  # before_id of each page shown so far
        self._page: Page | None = None
        self._rows: dict[str, TransactionView] = {}
        # Each fetch gets a number; an answer to an older fetch (filters since changed) is dropped.
        self._generation = 0
        self._loading = False
        self._cursor_at_end = False

    def compose(self) -> ComposeResult:
        table = PagedDataTable(cursor_type="row", zebra_stripes=True)
        columns = ["When", "Reference", "Type"]
        if self.show_owner:
            columns.append("Account")
        columns += ["Amount", "Status", "Counterparty", "Memo / reason"]
        for name in columns:
            table.add_column(name, key=name)
        yield table
        yield Static("", classes="pager")

    @property
    def page(self) -> Page | None:
        return self._page

    @property
    def page_number(self) -> int:
        return len(self._cursors)

    @property
    def is_loading(self) -> bool:
        """Whether a page is being fetched."""
        return self._loading

    def load(self, loader: Loader | None = None) -> None:
        """(Re)load from the first page, e.g. after the filters changed."""
        if loader is not None:
            self.loader = loader
        self._cursors = [None]
        self._cursor_at_end = False
        self._fetch()

    def refresh_page(self) -> None:
        """Reload the page on screen (data changed elsewhere)."""
        self._fetch(keep_cursor=True)

    def focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def _fetch(self, keep_cursor: bool = False) -> None:
        if self.loader is None:
            return
        self._generation += 1
        generation = self._generation
        self._loading = True
        before = self._cursors[-1]
        loader, size = self.loader, self.page_size
        self.app.call_service(  # type: ignore[attr-defined]
            loader, before, size, group=f"tx-{id(self)}",
            on_done=lambda page: self._show(page, generation, keep_cursor),
            on_finish=lambda: self._finished(generation),
        )

    def _finished(self, generation: int) -> None:
        if generation == self._generation:
            self._loading = False

    def _show(self, page: Page, generation: int, keep_cursor: bool) -> None:
        if generation != self._generation or not self.is_attached:
            return
        self._page = page
        with self.app.batch_update():  # one repaint for the whole page
            self._fill(page, keep_cursor)
        self._cursor_at_end = False
        self._update_pager(page)
        self.post_message(self.Loaded(page))

    def _fill(self, page: Page, keep_cursor: bool) -> None:
        table = self.query_one(DataTable)
        previous_row = table.cursor_row
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
            amount = money_text(tx.signed_amount, tx.currency, signed=True)
            if tx.status != "SUCCESS":  # no money moved (yet): not green, not counted
                amount.style = "dim"
            cells += [amount, status_text(tx.status), other, note or ""]
            table.add_row(*cells, key=key)
        if page.items:
            if keep_cursor:
                row = min(previous_row, len(page.items) - 1)
            else:
                row = len(page.items) - 1 if self._cursor_at_end else 0
            table.move_cursor(row=row, animate=False)

    def _update_pager(self, page: Page) -> None:
        number = len(self._cursors)
        more = "  ·  n/PgDn older" if page.has_more else ""
        newer = "  ·  p/PgUp newer" if number > 1 else ""
        shown = len(page.items)
        self.query_one(".pager", Static).update(
            f"Page {number} · {shown} transaction{'s' if shown != 1 else ''}{more}{newer}"
            if shown else (self.empty_text if number == 1 else "No older transactions.")
        )

    def action_next_page(self) -> None:
        # While a page is loading its cursor is unknown: a held key must not skip or repeat pages.
        if self._loading or self._page is None or not self._page.has_more:
            return
        self._cursors.append(self._page.next_cursor)
        self._fetch()

    def action_previous_page(self, *, cursor_at_end: bool = False) -> None:
        if self._loading or len(self._cursors) <= 1:
            return
        self._cursors.pop()
        self._cursor_at_end = cursor_at_end
        self._fetch()

    @on(PagedDataTable.Edge)
    def _edge(self, event: PagedDataTable.Edge) -> None:
        event.stop()
        if event.step > 0:
            self.action_next_page()
        else:
            self.action_previous_page(cursor_at_end=True)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        tx = self._rows.get(str(event.row_key.value))
        if tx is not None:
            self.post_message(self.Selected(tx))
