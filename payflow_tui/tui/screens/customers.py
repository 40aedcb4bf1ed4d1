"""Customer look-up: find an account holder by email or name, then open their card."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Label, Select

from ...services.views import UserView
from ..base import PayFlowScreen
from ..formatting import money_text, status_text
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.paged_table import PagedTable

COLUMNS = [("Name", "name"), ("Email", "email"), ("Status", "status"), ("Balance", "balance"),
           ("Wallet", "wallet")]


def wallet_state(user: UserView) -> Text:
    return Text("Frozen", style="red") if user.frozen else Text("")


class CustomersScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("Find an account holder: type part of their email or name (the list narrows as you type), "
            "then choose them with the arrow keys and Enter to open their card, where you can take a "
            "deposit or pay out a withdrawal for them. Escape or Down in the search goes to the list; "
            "/ goes back to the search field.")
    BINDINGS = [
        Binding("slash", "search", "Search", id="customers-search", tooltip="Type an email or a name"),
        Binding("o", "open", "Open card", id="customers-open",
                tooltip="Open the selected customer's card (or press Enter)"),
        Binding("down", "to_list", "To the list", id="customers-to-list", show=False,
                tooltip="Move from the search field to the list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search = ""
        self.customers = PagedTable(COLUMNS, self._row, noun=("customer", "customers"),
                                    empty="No account holder matches.", id="customers")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Customers — account holders", classes="screen-title")
        with Horizontal(classes="filter-row"):
            yield Label("Find")
            yield Input(placeholder="email or name; Enter goes to the list", id="search", compact=True)
        yield self.customers
        yield Footer()

    def on_mount(self) -> None:
        self.customers.load(self._load)
        self.query_one("#search", Input).focus()

    def _load(self, after_id, limit):
        return self.pf.list_users(self.session, search=self._search or None, role="USER", limit=limit,
                                  after_id=after_id)

    def reload(self) -> None:
        self.customers.refresh_page(unattended(self.pf, self._load))

    def _row(self, user: UserView) -> list:
        return [user.name, user.email, status_text(user.status),
                money_text(user.balance or 0), wallet_state(user)]

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self._search = event.value.strip()
            self.customers.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.customers.table.focus()

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        self.refresh_bindings()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self._open(event.item)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return True if self.customers.selected is not None else None
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        # Escape in a filter field returns to the list; Escape there leaves the screen.
        if isinstance(self.focused, (Input, Select)):
            self.customers.table.focus()
            return
        super().action_back()

    def action_to_list(self) -> None:
        self.customers.table.focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_open(self) -> None:
        user = self.customers.selected
        if user is not None:
            self._open(user)

    def _open(self, user: UserView) -> None:
        from .customer_card import CustomerCardScreen

        self.app.push_screen(CustomerCardScreen(user.email))


register_section(Section(
    "customers", "Customers", "Find an account holder; deposit or withdraw for them",
    ("TELLER", "ADMIN"), CustomersScreen, order=20, group="Counter",
))
