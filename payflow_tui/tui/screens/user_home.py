"""The account holder's home: balance, wallet state, recent transactions, actions.

Staff own a wallet too: the "My wallet" section opens this screen from their
menu, where Escape goes back; for an account holder it is the bottom of the stack.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Label, Static

from ..base import PayFlowScreen
from ..formatting import when
from ..sections import Section, register_section
from ..widgets.account_notice import AccountNotice
from ..widgets.balance import BalanceDisplay
from ..widgets.tx_detail import TransactionDetailDialog
from ..widgets.tx_table import TransactionTable

RECENT = 15


class UserHomeScreen(PayFlowScreen):
    CSS_PATH = "account.tcss"
    HELP = ("Your wallet: the balance, its state and your latest transactions (Enter shows one in full). "
            "d requests a deposit, w withdraws cash, t sends money to another account holder, "
            "h opens the full history with filters. The screen updates by itself when money arrives.")
    CAN_GO_BACK = False
    BINDINGS = [
        Binding("d", "deposit", "Deposit", id="deposit", tooltip="Request a deposit a teller confirms"),
        Binding("w", "withdraw", "Withdraw", id="withdraw", tooltip="Withdraw cash from your wallet"),
        Binding("t", "transfer", "Transfer", id="transfer", tooltip="Send money to another account holder"),
        Binding("h", "history", "History", id="history", tooltip="Every transaction, with filters and search"),
        Binding("ctrl+l", "logout", "Log out", id="logout", tooltip="End this session"),
    ]

    def __init__(self, *, as_section: bool = False) -> None:
        super().__init__()
        # From the staff menu Escape goes back to it; an account holder has nowhere to go back to.
        self.CAN_GO_BACK = as_section
        self.wallet = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wallet-panel"):
            with Vertical(id="wallet-info"):
                yield Label("My wallet", classes="screen-title")
                yield Static("", id="wallet-owner")
                yield Static("Loading…", id="wallet-state")
            yield BalanceDisplay(id="balance")
        # Why the wallet is frozen (or the account locked), in the service's words, with whom to call.
        yield AccountNotice(id="wallet-notice", follow_changes=False)  # reload() fetches it
        yield Label("Recent transactions  ·  Enter for details, h for the full history", classes="recent-label")
        yield TransactionTable(self._recent, page_size=RECENT, id="recent",
                               empty_text="No transactions yet. Press d to request a deposit.")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recent", TransactionTable).load()
        self.query_one("#recent", TransactionTable).focus_table()
        self._load_wallet()

    def on_screen_resume(self) -> None:
        # Back from a transfer or a deposit request: show the new state at once.
        if self.wallet is not None:
            self.reload()

    def _recent(self, before_id, limit):
        return self.pf.history(self.session, before_id=before_id, limit=limit)

    def reload(self) -> None:
        self._load_wallet()
        # Fetched here, not when the wallet arrives: a reload for another terminal's change
        # is not the user's activity, and only calls made during it are known as such.
        self.query_one("#wallet-notice", AccountNotice).load()
        self.query_one("#recent", TransactionTable).refresh_page()

    def _load_wallet(self) -> None:
        self.call(self.pf.wallet, self.session, on_done=self._show_wallet)

    def _show_wallet(self, wallet) -> None:
        self.wallet = wallet
        self.query_one("#balance", BalanceDisplay).show(wallet.balance, wallet.currency)
        self.query_one("#wallet-owner", Static).update(f"{wallet.owner_name} · {wallet.owner_email}")
        state = self.query_one("#wallet-state", Static)
        if wallet.frozen:
            state.update(f"[b red]Frozen[/] since {when(wallet.frozen_at)} · {wallet.currency} wallet")
        else:
            state.update(f"[green]Active[/] · {wallet.currency} wallet")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Money cannot leave a frozen wallet: show those keys disabled rather than fail later.
        if action in ("withdraw", "transfer") and self.wallet is not None and self.wallet.frozen:
            return None
        return super().check_action(action, parameters)

    def on_transaction_table_selected(self, event: TransactionTable.Selected) -> None:
        self.app.push_screen(TransactionDetailDialog(event.transaction))

    def action_deposit(self) -> None:
        from .deposit_request import DepositRequestScreen

        self.app.push_screen(DepositRequestScreen())

    def action_withdraw(self) -> None:
        from .withdraw import WithdrawScreen

        self.app.push_screen(WithdrawScreen())

    def action_transfer(self) -> None:
        from .transfer import TransferScreen

        self.app.push_screen(TransferScreen())

    def action_history(self) -> None:
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_logout(self) -> None:
        self.payflow_app.sign_out("You logged out.")


register_section(Section("my-wallet", "My wallet", "Your own balance, transfers and history",
                         ("ADMIN", "TELLER"), lambda: UserHomeScreen(as_section=True), order=910, group="You"))
