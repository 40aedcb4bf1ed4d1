"""The account holder's home: balance, wallet state, recent transactions, actions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Label, Static

from ..base import PayFlowScreen


class UserHomeScreen(PayFlowScreen):
    HELP = "Your wallet: balance, state and recent transactions."
    CAN_GO_BACK = False
    BINDINGS = [Binding("ctrl+l", "logout", "Log out", id="logout", tooltip="End this session")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("My wallet", classes="screen-title")
        yield Static("Loading…", id="balance")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call(self.pf.wallet, self.session, on_done=self._show)

    def _show(self, wallet) -> None:
        self.query_one("#balance", Static).update(f"Balance: {wallet.display_balance}")

    def action_logout(self) -> None:
        self.payflow_app.sign_out("You logged out.")

