"""A table of any service listing that pages by keyset: one page in memory at a time.

The loader is ``loader(cursor, limit) -> Page``; ``cursor`` is None for the
first page, then the previous page's ``next_cursor``. The loader runs in a
thread worker, so a slow query never freezes the screen.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ...services.views import Page

Loader = Callable[[Any, int], Page]


class PagedTable(Vertical):
    """Columns are (label, key) pairs; ``render(item)`` gives one row's cells."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable DataTable { height: 1fr; }
    PagedTable .pager { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n,pagedown", "next_page", "Next page", id="page-next", tooltip="Show the next page"),
        Binding("p,pageup", "previous_page", "Prev page", id="page-prev",
                tooltip="Show the previous page"),
    ]

    class Highlighted(Message):
        """The cursor moved to ``item`` (None when the page is empty)."""

        def __init__(self, table: "PagedTable", item: Any) -> None:
            super().__init__()
            self.table = table
            self.item = item

    class Selected(Message):
        """Enter (or a click) on ``item``."""

        def __init__(self, table: "PagedTable", item: Any) -> None:
            super().__init__()
            self.table = table
            self.item = item

    def __init__(self, columns: Sequence[tuple[str, str]], render: Callable[[Any], list], *,
                 key: Callable[[Any], object] = lambda item: item.id, page_size: int = 50,
                 noun: tuple[str, str] = ("row", "rows"), empty: str = "Nothing to show.",
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.render_row = render
        self.item_key = key
        self.page_size = page_size
        self.noun, self.empty = noun, empty
        self.loader: Loader | None = None
        self._cursors: list[Any] = [None]
        self._page: Page | None = None
        self._items: dict[str, Any] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", classes="pager")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in self.columns:
            table.add_column(label, key=key)

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def items(self) -> list:
        return list(self._page.items) if self._page else []

    @property
    def selected(self) -> Any:
        """The item under the cursor, or None."""
        table = self.table
        if not self._items or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self._items.get(str(row_key.value))

    def load(self, loader: Loader | None = None) -> None:
        """(Re)load from the first page, e.g. after a filter changed."""
        if loader is not None:
            self.loader = loader
        self._cursors = [None]
        self._fetch(self.loader, keep_cursor=False)

    def refresh_page(self, loader: Loader | None = None) -> None:
        """Reload the page on screen; ``loader`` replaces the usual one for this fetch only."""
        self._fetch(loader or self.loader)

    def _fetch(self, loader: Loader | None, *, keep_cursor: bool = True) -> None:
        if loader is None:
            return
        self.app.call_service(  # type: ignore[attr-defined]
            loader, self._cursors[-1], self.page_size,
            on_done=lambda page: self._show(page, keep_cursor),
            group=f"paged-{id(self)}", exclusive=True,
        )

    def _show(self, page: Page, keep_cursor: bool = True) -> None:
        table = self.table
        previous = self.selected if keep_cursor else None
        previous_key = str(self.item_key(previous)) if previous is not None else None
        row_before = table.cursor_row if keep_cursor else 0
        if not page.items and len(self._cursors) > 1:
            # The rows of this page went away (another terminal acted): step back a page.
            self._cursors.pop()
            self._fetch(self.loader, keep_cursor=False)
            return
        self._page = page
        self._items = {str(self.item_key(item)): item for item in page.items}
        table.clear()
        for key, item in self._items.items():
            table.add_row(*self.render_row(item), key=key)
        if previous_key in self._items:
            table.move_cursor(row=list(self._items).index(previous_key), animate=False)
        elif table.row_count:
            table.move_cursor(row=min(row_before, table.row_count - 1), animate=False)
        self.loaded = True
        self._show_pager()
        self.refresh_bindings()
        self.post_message(self.Highlighted(self, self.selected))

    def _show_pager(self) -> None:
        page = self._page
        shown = len(page.items) if page else 0
        if not shown:
            self.query_one(".pager", Static).update(self.empty)
            return
        number = len(self._cursors)
        text = f"Page {number} · {shown} {self.noun[0] if shown == 1 else self.noun[1]}"
        if page is not None and page.has_more:
            text += " · n/PgDn next page"
        if number > 1:
            text += " · p/PgUp previous page"
        self.query_one(".pager", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Paging keys appear in the footer only when there is somewhere to go.
        if action == "next_page":
            return self._page is not None and self._page.has_more
        if action == "previous_page":
            return len(self._cursors) > 1
        return True

    def action_next_page(self) -> None:
        if self._page is not None and self._page.has_more:
            self._cursors.append(self._page.next_cursor)
            self._fetch(self.loader, keep_cursor=False)

    def action_previous_page(self) -> None:
        if len(self._cursors) > 1:
            self._cursors.pop()
            self._fetch(self.loader, keep_cursor=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, self._items.get(str(event.row_key.value))))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self._items.get(str(event.row_key.value))
        if item is not None:
            self.post_message(self.Selected(self, item))
