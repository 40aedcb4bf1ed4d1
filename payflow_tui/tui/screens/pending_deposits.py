"""The teller's queue: deposits awaiting confirmation, oldest first."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Label, Static

from ...money import format_amount
from ...services import errors as E
from ...services.views import TransactionView
from ..base import PayFlowScreen
from ..dates import age_text
from ..formatting import money_text, when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import ConfirmDialog, InputDialog
from ..widgets.paged_table import PagedTable

COLUMNS = [("Reference", "reference"), ("Customer", "customer"), ("Amount", "amount"),
           ("Requested", "requested"), ("Age", "age")]


class PendingDepositsScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("Deposits customers (or tellers for them) have requested, oldest first. Count the cash, "
            "then press c to confirm the selected deposit (the wallet is credited) or r to reject it "
            "with a reason the customer will see. The queue refreshes by itself when another teller acts.")
    BINDINGS = [
        Binding("c", "confirm", "Confirm", id="deposit-confirm",
                tooltip="Credit the selected deposit to the customer's wallet"),
        Binding("r", "reject", "Reject", id="deposit-reject",
                tooltip="Reject the selected deposit, giving the customer a reason"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._now: datetime | None = None
        self.queue = PagedTable(COLUMNS, self._row, noun=("deposit", "deposits"),
                                empty="No deposits are waiting. New requests appear here by themselves.",
                                id="queue")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Pending deposits — awaiting a teller", classes="screen-title")
        yield self.queue
        yield Static("", id="queue-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self.queue.load(self._load)
        self.queue.table.focus()

    def _load(self, after_id, limit):
        page = self.pf.pending_deposits(self.session, limit=limit, after_id=after_id)
        self._now = self.pf.now()
        return page

    def reload(self) -> None:
        self.queue.refresh_page(unattended(self.pf, self._load))

    def _row(self, tx: TransactionView) -> list:
        age = age_text(self._now - tx.created_at) if self._now else ""
        return [tx.reference, tx.owner_name, money_text(tx.amount, tx.currency), when(tx.created_at),
                Text(age, justify="right")]

    # -- selection ---------------------------------------------------------------------

    @property
    def selected(self) -> TransactionView | None:
        return self.queue.selected

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        tx = event.item
        detail = ""
        if tx is not None:
            detail = f"{tx.reference} · {tx.owner_name} <{tx.owner_email}> · {tx.display_amount}"
            if tx.memo:
                detail += f" · “{tx.memo}”"
        self.query_one("#queue-detail", Static).update(detail)
        self.refresh_bindings()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_confirm()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm", "reject"):
            return True if self.selected is not None else None
        return super().check_action(action, parameters)

    # -- confirming and rejecting ------------------------------------------------------

    def action_confirm(self) -> None:
        tx = self.selected
        if tx is None:
            return
        body = (f"Credit {tx.display_amount} to {tx.owner_name} ({tx.owner_email})?\n"
                f"Reference {tx.reference}, requested {when(tx.created_at)}.\n"
                "Confirm only once the cash is counted.")
        self.app.push_screen(ConfirmDialog("Confirm deposit", body, confirm_label="Confirm deposit"),
                             lambda ok: self._confirm(tx) if ok else None)

    def _confirm(self, tx: TransactionView) -> None:
        self.call(self.pf.confirm_deposit, self.session, tx.reference, on_done=self._confirmed,
                  on_error=self._refused)

    def _confirmed(self, tx: TransactionView) -> None:
        self.notify(f"{tx.reference}: {format_amount(tx.amount, tx.currency)} credited to {tx.owner_name}.",
                    title="Deposit confirmed")
        self.queue.refresh_page()

    def action_reject(self) -> None:
        tx = self.selected
        if tx is None:
            return
        dialog = InputDialog(
            "Reject deposit",
            f"Why is {tx.reference} ({tx.display_amount} for {tx.owner_name}) rejected? "
            "The customer sees this reason.",
            placeholder="e.g. cash not received", confirm_label="Reject deposit",
        )
        self.app.push_screen(dialog, lambda reason: self._reject(tx, reason) if reason else None)

    def _reject(self, tx: TransactionView, reason: str) -> None:
        self.call(self.pf.reject_deposit, self.session, tx.reference, reason, on_done=self._rejected,
                  on_error=self._refused)

    def _rejected(self, tx: TransactionView) -> None:
        self.notify(f"{tx.reference} for {tx.owner_name} was rejected; no money moved.",
                    title="Deposit rejected", severity="warning")
        self.queue.refresh_page()

    def _refused(self, exc: E.PayFlowError) -> None:
        # Most often another teller got there first: show why, then the queue as it is now.
        self.payflow_app.show_error(exc.message)
        self.queue.refresh_page()


register_section(Section(
    "pending-deposits", "Pending deposits", "Confirm or reject deposits awaiting a teller",
    ("TELLER", "ADMIN"), PendingDepositsScreen, order=10, group="Counter",
))
