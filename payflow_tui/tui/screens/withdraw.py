"""Take cash out of one's own wallet, after a confirmation."""

from __future__ import annotations

from textual.app import ComposeResult

from ...money import format_amount
from ..widgets.dialogs import ConfirmDialog
from .money_form import MoneyFormScreen


class WithdrawScreen(MoneyFormScreen):
    HELP = ("Withdraw cash from your wallet. Type the amount and, if you like, a memo; Enter on the last "
            "field asks you to confirm. Escape goes back.")
    FORM_TITLE = "Withdraw cash"
    SUBMIT_LABEL = "Review"

    def compose_fields(self) -> ComposeResult:
        yield from self.compose_amount()
        yield from self.compose_memo()

    def submit(self, amount: int, memo: str | None) -> None:
        wallet = self.wallet
        currency = wallet.currency if wallet else "NGN"
        shown = format_amount(amount, currency)
        if wallet is not None and wallet.balance < amount:
            self.show_error(f"Insufficient funds: your balance is {wallet.display_balance},"
                            f" the withdrawal {shown}.")
            return
        body = f"Withdraw {shown} in cash?"
        if memo:
            body += f"\nMemo: {memo}"
        if wallet is not None:
            body += "\n" + self.balance_line(amount)
        self.set_busy(True)
        self.app.push_screen(ConfirmDialog("Confirm withdrawal", body, confirm_label=f"Withdraw {shown}"),
                             lambda ok: self._confirmed(ok, amount, memo))

    def _confirmed(self, ok: bool | None, amount: int, memo: str | None) -> None:
        if not ok:
            self.set_busy(False)
            return
        self.send(self.pf.withdraw, self.session, amount, memo=memo, params=(amount, memo),
                  on_done=self._withdrawn)

    def _withdrawn(self, tx) -> None:
        self.payflow_app.did_myself("withdrawal.completed", tx.reference)
        if not self.is_current:
            return  # a second answer for the same submission (same key): the first was shown
        self.app.notify(f"Withdrew {tx.display_amount}. Reference {tx.reference}.",
                        title="Withdrawal done", timeout=10)
        self.app.pop_screen()
