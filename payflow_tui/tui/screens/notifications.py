"""The signed-in person's notifications: their own events as sentences, newest first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Label, Static

from ...services.notifications import NotificationView
from ..base import PayFlowScreen
from ..formatting import when
from ..live import unattended
from ..widgets.paged_table import PagedTable

COLUMNS = [("", "unread"), ("When", "at"), ("What happened", "text")]


class NotificationsScreen(PayFlowScreen):
    CSS_PATH = "notify.tcss"
    HELP = ("Your notifications: what happened to your wallet and account, newest first; unread "
            "ones are marked ● and bold. Enter or r marks the selected one read, a marks all read, "
            "u shows only the unread ones (u again shows all). New ones also pop up as they "
            "happen, and the header counts the unread. Ctrl+N opens this screen from anywhere.")
    BINDINGS = [
        Binding("r", "read", "Mark read", id="notices-read", tooltip="Mark the selected notification read"),
        Binding("a", "read_all", "All read", id="notices-read-all", tooltip="Mark every notification read"),
        Binding("u", "unread_only", "Unread only", id="notices-unread", tooltip="Show only unread notifications"),
        Binding("u", "show_all", "Show all", id="notices-all", tooltip="Show read notifications too"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unread_only = False
        self.notices = PagedTable(COLUMNS, self._row, noun=("notification", "notifications"),
                                  empty="No notifications yet.", id="notices")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Notifications", classes="screen-title")
        yield Static("", id="notices-filter")
        yield self.notices
        yield Static("", id="notices-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self._show_filter()
        self.notices.load(self._load)
        self.notices.table.focus()

    def _load(self, before_id, limit):
        return self.pf.notifications(self.session, before_id=before_id, limit=limit,
                                     unread_only=self.unread_only)

    def reload(self) -> None:
        self.notices.refresh_page(unattended(self.pf, self._load))

    def _row(self, notice: NotificationView) -> list:
        style = "" if notice.read else "bold"
        return [Text("" if notice.read else "●", style="bold"), when(notice.created_at),
                Text(notice.text, style=style)]

    def _show_filter(self) -> None:
        text = "Unread only (u shows all)" if self.unread_only else "All, newest first (u: unread only)"
        self.query_one("#notices-filter", Static).update(text)

    @property
    def selected(self) -> NotificationView | None:
        return self.notices.selected

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        notice = event.item
        detail = ""
        if notice is not None:
            detail = f"{when(notice.created_at, seconds=True)} · {notice.type} · {notice.text}"
        self.query_one("#notices-detail", Static).update(detail)
        self.refresh_bindings()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_read()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "read":
            notice = self.selected
            return notice is not None and not notice.read
        if action == "unread_only":
            return not self.unread_only
        if action == "show_all":
            return self.unread_only
        if action == "read_all":
            return bool(self.payflow_app.unread) or any(not n.read for n in self.notices.items)
        return super().check_action(action, parameters)

    def action_read(self) -> None:
        notice = self.selected
        if notice is not None and not notice.read:
            self.call(self.pf.mark_notifications_read, self.session, [notice.id], on_done=self._marked)

    def action_read_all(self) -> None:
        self.call(self.pf.mark_notifications_read, self.session, on_done=self._marked_all)

    def _marked(self, _count: int) -> None:
        self.notices.refresh_page()
        self.payflow_app.check_notifications()

    def _marked_all(self, count: int) -> None:
        self.notify(f"{count} notification{'' if count == 1 else 's'} marked read.", title="Notifications")
        self._marked(count)

    def action_unread_only(self) -> None:
        self._filter(True)

    def action_show_all(self) -> None:
        self._filter(False)

    def _filter(self, unread_only: bool) -> None:
        self.unread_only = unread_only
        self._show_filter()
        self.notices.load()
        self.refresh_bindings()
