"""One customer's card: balance, state, recent transactions, and cash in or out for them."""

from __future__ import annotations

import uuid

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Label, Static

from ...money import format_amount
from ...services import errors as E
from ...services.views import TransactionView, UserView, WalletView
from ..base import PayFlowScreen
from ..formatting import status_text, when
from ..live import unattended
from ..wallet_freeze import ask_freeze, ask_unfreeze
from ..widgets.account_notice import AccountNotice
from ..widgets.dialogs import ConfirmDialog
from ..widgets.tx_table import TransactionTable
from .cash_dialog import CashDialog, CashRequest


class CustomerCardScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("A customer's card: balance, the wallet's state and their transactions, newest first. "
            "d takes a deposit for them (it then waits in the pending deposits queue for a teller's "
            "confirmation), w pays out a withdrawal after a confirmation. Administrators can freeze "
            "or unfreeze the wallet with f, giving a reason. s subscribes the customer to a plan.")
    BINDINGS = [
        Binding("d", "deposit", "Deposit", id="card-deposit",
                tooltip="Take a deposit for this customer (awaits confirmation)"),
        Binding("w", "withdraw", "Withdraw", id="card-withdraw",
                tooltip="Pay out cash from this customer's wallet"),
        Binding("s", "subscribe", "Subscribe", id="card-subscribe",
                tooltip="Subscribe this customer to a plan, paid from their wallet"),
        Binding("f", "freeze", "Freeze", id="card-freeze",
                tooltip="Freeze the wallet: no money in or out (administrators)"),
        Binding("f", "unfreeze", "Unfreeze", id="card-unfreeze",
                tooltip="Lift the wallet's freeze (administrators)"),
    ]

    def __init__(self, email: str) -> None:
        super().__init__()
        self.email = email
        self.user: UserView | None = None
        self.wallet: WalletView | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Customer card", id="card-title", classes="screen-title")
        yield Static("Loading…", id="card-summary")
        yield Static("", id="card-frozen", classes="notice notice-error card-notice")
        yield Static("", id="card-account", classes="notice card-notice")
        yield AccountNotice(self.email, lead="The customer is told: ", id="card-told", classes="card-told")
        yield Static("", id="card-last", classes="detail-line")
        yield Label("Transactions", classes="section-label")
        yield TransactionTable(self._history, page_size=50, id="card-history")
        yield Footer()

    def on_mount(self) -> None:
        for notice in ("#card-frozen", "#card-account", "#card-last"):
            self.query_one(notice).display = False
        self._load_card(self._fetch_card)
        history = self.query_one("#card-history", TransactionTable)
        history.load()
        history.query_one("DataTable").focus()

    # -- loading -----------------------------------------------------------------------------

    def _fetch_card(self) -> tuple[UserView, WalletView]:
        return (self.pf.get_user(self.session, self.email),
                self.pf.wallet(self.session, for_email=self.email))

    def _history(self, before_id, limit):
        return self.pf.history(self.session, for_email=self.email, limit=limit, before_id=before_id)

    def _load_card(self, fetch) -> None:
        self.call(fetch, on_done=self._show_card, on_error=self._unreachable,
                  group="card", exclusive=True)

    def reload(self) -> None:
        self._load_card(unattended(self.pf, self._fetch_card))
        history = self.query_one("#card-history", TransactionTable)
        usual = history.loader
        history.loader = unattended(self.pf, self._history)
        history.refresh_page()  # takes the loader now; the usual one is back for paging
        history.loader = usual

    def _unreachable(self, exc: E.PayFlowError) -> None:
        self.payflow_app.show_error(exc.message)
        if self.user is None and self.is_current:
            self.app.pop_screen()

    def _show_card(self, loaded: tuple[UserView, WalletView]) -> None:
        user, wallet = loaded
        self.user, self.wallet = user, wallet
        self.query_one("#card-title", Label).update(f"{user.name} — customer card")
        grid = Table.grid(padding=(0, 2))
        for _ in range(4):
            grid.add_column()
        wallet_state = Text("Frozen", style="bold red") if wallet.frozen else Text("Active", style="green")
        grid.add_row("Balance", Text(wallet.display_balance, style="bold"), "Status", status_text(user.status))
        grid.add_row("Email", user.email, "Wallet", wallet_state)
        grid.add_row("Role", user.role.title(), "Since", when(user.created_at))
        self.query_one("#card-summary", Static).update(grid)

        frozen = self.query_one("#card-frozen", Static)
        frozen.display = wallet.frozen
        if wallet.frozen:
            frozen.update(f"Wallet frozen since {when(wallet.frozen_at)}: {wallet.frozen_reason}. "
                          "No money moves in or out until an administrator unfreezes it.")
        account = self.query_one("#card-account", Static)
        account.display = user.status != "ACTIVE"
        if user.status == "LOCKED":
            until = f" until {when(user.locked_until)}" if user.locked_until else ""
            account.update(f"Login locked{until} ({user.lock_reason or 'security check'}); "
                           "an administrator can unlock it from Users.")
        elif user.status == "DISABLED":
            account.update("This account is disabled: no login and no money movement.")
        self.refresh_bindings()

    # -- which actions apply ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("deposit", "withdraw", "subscribe"):
            return None if self._busy or self.wallet is None else True
        if action in ("freeze", "unfreeze"):
            if self.session is None or self.session.role != "ADMIN" or self.wallet is None:
                return False
            return self.wallet.frozen == (action == "unfreeze")
        return super().check_action(action, parameters)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.refresh_bindings()

    def _refresh_all(self) -> None:
        self._load_card(self._fetch_card)
        self.query_one("#card-told", AccountNotice).load()
        self.query_one("#card-history", TransactionTable).load()

    # -- cash in ---------------------------------------------------------------------------------

    def action_deposit(self) -> None:
        if self.user is None:
            return
        dialog = CashDialog("Deposit for " + self.user.name,
                            f"Cash handed in for {self.user.name} ({self.user.email}). The deposit "
                            "waits in the pending queue until a teller confirms it.",
                            confirm_label="Request deposit")
        self.app.push_screen(dialog, self._request_deposit)

    def _request_deposit(self, request: CashRequest | None) -> None:
        if request is None:
            return
        key = f"tui-deposit-{uuid.uuid4().hex}"  # one key per submission: a retry cannot double it
        self._set_busy(True)
        self.call(self.pf.request_deposit, self.session, request.amount, for_email=self.email, key=key,
                  memo=request.memo, on_done=self._deposit_requested, on_error=self._money_refused)

    def _deposit_requested(self, tx: TransactionView) -> None:
        self._set_busy(False)
        amount = format_amount(tx.amount, tx.currency)
        self._last(f"Deposit {tx.reference} of {amount} requested: awaiting confirmation in Pending deposits.")
        self.notify(f"Reference {tx.reference}: {amount} for {tx.owner_name}, awaiting teller confirmation.",
                    title="Deposit requested")
        self._refresh_all()

    # -- cash out --------------------------------------------------------------------------------

    def action_withdraw(self) -> None:
        if self.user is None:
            return
        dialog = CashDialog("Withdrawal for " + self.user.name,
                            f"Cash to pay out to {self.user.name} ({self.user.email}).",
                            confirm_label="Next")
        self.app.push_screen(dialog, self._confirm_withdrawal)

    def _confirm_withdrawal(self, request: CashRequest | None) -> None:
        if request is None or self.wallet is None:
            return
        key = f"tui-withdraw-{uuid.uuid4().hex}"
        wallet = self.wallet
        body = (f"Pay {format_amount(request.amount, wallet.currency)} in cash to {wallet.owner_name}?\n"
                f"Balance now {wallet.display_balance}; after "
                f"{format_amount(wallet.balance - request.amount, wallet.currency)}.")
        if request.memo:
            body += f"\nMemo: {request.memo}"
        self.app.push_screen(
            ConfirmDialog("Confirm withdrawal", body, confirm_label="Pay out"),
            lambda ok: self._withdraw(request, key) if ok else None,
        )

    def _withdraw(self, request: CashRequest, key: str) -> None:
        self._set_busy(True)
        self.call(self.pf.withdraw, self.session, request.amount, for_email=self.email, key=key,
                  memo=request.memo, on_done=self._withdrawn, on_error=self._money_refused)

    def _withdrawn(self, tx: TransactionView) -> None:
        self._set_busy(False)
        amount = format_amount(tx.amount, tx.currency)
        self._last(f"Withdrawal {tx.reference}: {amount} paid out.")
        self.notify(f"{tx.reference}: {amount} paid out to {tx.owner_name}.", title="Withdrawal done")
        self._refresh_all()

    def _last(self, text: str) -> None:
        last = self.query_one("#card-last", Static)
        last.update(text)
        last.display = True

    def _money_refused(self, exc: E.PayFlowError) -> None:
        self._set_busy(False)
        self.payflow_app.show_error(exc.message)
        self._refresh_all()  # a refusal may be recorded as a FAILED transaction

    def action_subscribe(self) -> None:
        from .plan_catalogue import PlanCatalogueScreen

        if self.user is not None:
            self.app.push_screen(PlanCatalogueScreen(self.user.email, self.user.name))

    # -- freezing (administrators) -------------------------------------------------------------

    def action_freeze(self) -> None:
        if self.user is not None:
            ask_freeze(self, self.user.email, self.user.name, lambda _wallet: self._refresh_all())

    def action_unfreeze(self) -> None:
        if self.user is not None:
            ask_unfreeze(self, self.user.email, self.user.name, lambda _wallet: self._refresh_all())
