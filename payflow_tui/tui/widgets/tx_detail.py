"""One transaction in full: what Enter on a row of any transaction list opens."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...services.views import TransactionView
from ..formatting import money_text, status_text, when


def detail_table(tx: TransactionView) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    direction = "Money in" if tx.direction == "CREDIT" else "Money out"
    rows: list[tuple[str, object]] = [
        ("Reference", tx.reference),
        ("Type", f"{tx.type.title()} · {direction}"),
        ("Amount", money_text(tx.signed_amount, tx.currency, signed=True)),
        ("Status", status_text(tx.status)),
        ("Created", when(tx.created_at, seconds=True)),
    ]
    if tx.updated_at != tx.created_at:
        rows.append(("Updated", when(tx.updated_at, seconds=True)))
    rows.append(("Account", f"{tx.owner_name} <{tx.owner_email}>"))
    if tx.counterparty_email:
        label = "To" if tx.direction == "DEBIT" else "From"
        rows.append((label, f"{tx.counterparty_name} <{tx.counterparty_email}>"))
    if tx.transfer_ref:
        rows.append(("Transfer", tx.transfer_ref))
    if tx.memo:
        rows.append(("Memo", tx.memo))
    if tx.status == "PENDING" and tx.type == "DEPOSIT":
        rows.append(("Note", "Awaiting teller confirmation: hand over the cash quoting this reference."))
    if tx.failure_reason:
        rows.append(("Reason", Text(tx.failure_reason, style="red")))
    for name, value in rows:
        if isinstance(value, Text):
            value = value.copy()
            value.justify = "left"
        grid.add_row(name, value)
    return grid


class TransactionDetailDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="detail-close", tooltip="Back to the list")]

    def __init__(self, tx: TransactionView) -> None:
        super().__init__(classes="dialog")
        self.transaction = tx

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box detail-box"):
            yield Label(f"Transaction {self.transaction.reference}", classes="dialog-title")
            yield Static(detail_table(self.transaction), id="tx-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
