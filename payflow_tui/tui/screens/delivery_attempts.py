"""One webhook delivery in full: where, what, its state and every attempt."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...services.webhooks import DeliveryView
from ..formatting import when
from ..delivery_state import delivery_state


def attempts_table(attempts: list[dict]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False)
    for column in ("#", "When", "Outcome", "HTTP", "Error"):
        table.add_column(column, justify="right" if column in ("#", "HTTP") else "left")
    for n, attempt in enumerate(attempts, 1):
        ok = attempt["outcome"] == "DELIVERED"
        table.add_row(str(n), when(attempt["at"], seconds=True),
                      Text(attempt["outcome"].lower(), style="green" if ok else "red"),
                      str(attempt["status_code"] or ""), attempt["error"] or "")
    return table


class DeliveryAttemptsDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="dialog-cancel", tooltip="Back to the deliveries")]

    def __init__(self, delivery: DeliveryView, attempts: list[dict]) -> None:
        super().__init__(classes="dialog")
        self.delivery, self.attempts = delivery, attempts

    def compose(self) -> ComposeResult:
        d = self.delivery
        with Vertical(classes="dialog-box help-box"):
            yield Label(f"Delivery #{d.id}: {d.event_type}", classes="dialog-title")
            summary = Text.assemble(
                f"Event {d.event_id}\nTo {d.destination}\nState ", delivery_state(d),
                f" · {d.attempts} attempt{'' if d.attempts == 1 else 's'}",
            )
            if d.delivered_at:
                summary.append(f" · delivered {when(d.delivered_at, seconds=True)}")
            yield Static(summary, classes="dialog-body")
            with VerticalScroll(id="attempts-list"):
                if self.attempts:
                    yield Static(attempts_table(self.attempts))
                else:
                    yield Static("Not attempted yet.")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
