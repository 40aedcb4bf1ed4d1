"""One fraud alert: its facts, the transactions involved, and what an administrator can do."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...services import errors as E
from ...services.fraud_views import AlertDetail, AlertView
from ...services.views import TransactionView, UserView
from ..alert_actions import acknowledge, ask_resolve
from ..alert_words import facts_text, severity_text
from ..base import PayFlowScreen
from ..dates import age_text
from ..formatting import money_text, status_text, when
from ..live import unattended
from ..wallet_freeze import ask_freeze, ask_unfreeze
from ..widgets.dialogs import ConfirmDialog


class Loaded(NamedTuple):
    detail: AlertDetail
    user: UserView | None  # the customer's state now (locked? frozen?), None for no customer
    now: datetime


class AlertDetailScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "fraud.tcss"]
    HELP = ("One alert: what the rule saw, whom it is about and the transactions involved, oldest "
            "first. a acknowledges it, r resolves it with a note. f freezes the customer's wallet, or "
            "unfreezes it, with a reason; u unlocks a locked login; c opens the customer's card. "
            "Resolving does not unlock or unfreeze: do those first if the alert was a false alarm. "
            "Every action asks first and goes into the audit log.")
    BINDINGS = [
        Binding("a", "acknowledge", "Acknowledge", id="alert-ack",
                tooltip="Mark this open alert as being looked into"),
        Binding("r", "resolve", "Resolve", id="alert-resolve",
                tooltip="Close this alert with a note of what was found or done"),
        Binding("f", "freeze", "Freeze", id="alert-freeze",
                tooltip="Freeze the customer's wallet: no money in or out"),
        Binding("f", "unfreeze", "Unfreeze", id="alert-unfreeze",
                tooltip="Lift the freeze on the customer's wallet"),
        Binding("u", "unlock", "Unlock", id="alert-unlock", tooltip="Unlock the customer's login"),
        Binding("c", "card", "Customer", id="alert-card", tooltip="Open the customer's card"),
    ]

    def __init__(self, alert_id: int) -> None:
        super().__init__()
        self.alert_id = alert_id
        self.alert: AlertView | None = None
        self.user: UserView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Alert #{self.alert_id}", id="alert-title", classes="screen-title")
        yield Static("Loading…", id="alert-facts")
        yield Static("", id="alert-what", classes="alert-what")
        yield Label("Transactions involved", id="alert-tx-label", classes="section-label")
        yield Static("", id="alert-no-tx", classes="detail-line")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="alert-transactions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#alert-no-tx").display = False
        table = self.query_one("#alert-transactions", DataTable)
        for column in ("When", "Reference", "Type", "Amount", "Status", "Counterparty", "Memo / reason"):
            table.add_column(column, key=column)
        table.focus()
        self._load(self._fetch)

    # -- loading ---------------------------------------------------------------------------------

    def _fetch(self) -> Loaded:
        detail = self.pf.get_alert(self.session, self.alert_id)
        user = None
        if detail.alert.user_email:
            user = self.pf.get_user(self.session, detail.alert.user_email)
        return Loaded(detail, user, self.pf.now())

    def _load(self, fetch) -> None:
        self.call(fetch, on_done=self._show, on_error=self._unreachable, group="alert", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self._fetch))

    def _refresh(self, *_: object) -> None:
        self._load(self._fetch)

    def _unreachable(self, exc: E.PayFlowError) -> None:
        self.payflow_app.show_error(exc.message)
        if self.alert is None and self.is_current:
            self.app.pop_screen()

    def _show(self, loaded: Loaded) -> None:
        alert, user = loaded.detail.alert, loaded.user
        self.alert, self.user = alert, user
        self.query_one("#alert-title", Label).update(f"Alert #{alert.id} — {alert.rule_title}")
        self.query_one("#alert-facts", Static).update(self._facts(alert, user, loaded.now))
        what = Table.grid(padding=(0, 2))
        what.add_column(style="bold")
        what.add_column()
        what.add_row("What happened", alert.summary)
        facts = facts_text(alert.details)
        if facts:
            what.add_row("Facts", Text(facts, style="dim"))
        if alert.resolution_note:
            what.add_row("Note", alert.resolution_note)
        self.query_one("#alert-what", Static).update(what)

        self._show_transactions(loaded.detail.transactions)
        self.refresh_bindings()

    def _show_transactions(self, transactions: list[TransactionView]) -> None:
        table = self.query_one("#alert-transactions", DataTable)
        row = table.cursor_row
        table.clear()
        for tx in transactions:
            note = tx.failure_reason if tx.status == "FAILED" else tx.memo
            table.add_row(when(tx.created_at), tx.reference, tx.type.title(),
                          money_text(tx.signed_amount, tx.currency, signed=True), status_text(tx.status),
                          tx.counterparty_name or "", note or "", key=str(tx.id))
        if transactions:
            table.move_cursor(row=min(row, len(transactions) - 1), animate=False)
        table.display = bool(transactions)
        no_tx = self.query_one("#alert-no-tx", Static)
        no_tx.display = not transactions
        no_tx.update("None: this alert is about the wallet itself, not about payments.")

    def _facts(self, alert: AlertView, user: UserView | None, now: datetime) -> Table:
        grid = Table.grid(padding=(0, 2))
        for _ in range(4):
            grid.add_column()
        customer = f"{alert.user_name} <{alert.user_email}>" if alert.user_email else "—"
        account = status_text(user.status) if user is not None else Text("—")
        if user is not None and user.wallet_id is not None:
            state = Text("Frozen", style="bold red") if user.frozen else Text("Active", style="green")
            wallet = Text.assemble(f"#{user.wallet_id} ", state)
        else:
            wallet = Text(f"#{alert.wallet_id}" if alert.wallet_id else "—")
        grid.add_row("Severity", severity_text(alert.severity), "Status", status_text(alert.status))
        grid.add_row("Customer", customer, "Login", account)
        grid.add_row("Rule", alert.rule, "Wallet", wallet)
        age = age_text(now - alert.created_at)
        grid.add_row("Opened", f"{when(alert.created_at)} ({'just now' if age == 'now' else age + ' ago'})",
                     "Transactions", str(alert.transaction_count))
        if alert.acknowledged_by:
            grid.add_row("Acknowledged", f"{when(alert.acknowledged_at)} by {alert.acknowledged_by}", "", "")
        if alert.resolved_by:
            grid.add_row("Resolved", f"{when(alert.resolved_at)} by {alert.resolved_by}", "", "")
        return grid

    # -- which actions apply -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        alert, user = self.alert, self.user
        if action == "acknowledge":
            return alert is not None and alert.status == "OPEN"
        if action == "resolve":
            return None if alert is None or alert.status == "RESOLVED" else True
        if action in ("freeze", "unfreeze"):
            if user is None or user.wallet_id is None:
                return None if action == "freeze" else False  # shown, but nothing to freeze
            return bool(user.frozen) == (action == "unfreeze")
        if action == "unlock":
            return user is not None and user.status == "LOCKED"
        if action == "card":
            return user is not None
        return super().check_action(action, parameters)

    # -- actions ---------------------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        if self.alert is not None and self.alert.status == "OPEN":
            acknowledge(self, self.alert, self._refresh)

    def action_resolve(self) -> None:
        if self.alert is not None and self.alert.status != "RESOLVED":
            ask_resolve(self, self.alert, self._refresh)

    def action_freeze(self) -> None:
        if self.user is not None:
            ask_freeze(self, self.user.email, self.user.name, self._refresh)

    def action_unfreeze(self) -> None:
        if self.user is not None:
            ask_unfreeze(self, self.user.email, self.user.name, self._refresh)

    def action_unlock(self) -> None:
        user, alert = self.user, self.alert
        if user is None or alert is None or user.status != "LOCKED":
            return
        reason = user.lock_reason or "a security check"
        body = (f"Unlock {user.name} ({user.email})?\nLocked because of {reason}.\n"
                "They can log in and move money again at once; the alert stays until resolved.")
        self.app.push_screen(
            ConfirmDialog("Unlock login", body, confirm_label="Unlock"),
            lambda ok: self._unlock(user, alert) if ok else None,
        )

    def _unlock(self, user: UserView, alert: AlertView) -> None:
        def done(unlocked: UserView) -> None:
            self.notify(f"{unlocked.name} can log in again.", title="Unlocked")
            self._refresh()

        self.call(self.pf.unlock_user, self.session, user.email, f"reviewed in alert #{alert.id}",
                  on_done=done, on_error=lambda exc: (self.payflow_app.show_error(exc.message), self._refresh()))

    def action_card(self) -> None:
        from .customer_card import CustomerCardScreen

        if self.user is not None:
            self.app.push_screen(CustomerCardScreen(self.user.email))
