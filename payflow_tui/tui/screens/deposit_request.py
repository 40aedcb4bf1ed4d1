"""Ask for a deposit: a PENDING request a teller confirms when the cash arrives."""

from __future__ import annotations

from textual.app import ComposeResult

from ..widgets.dialogs import NoticeDialog
from .money_form import MoneyFormScreen


class DepositRequestScreen(MoneyFormScreen):
    HELP = ("Request a deposit into your wallet. You get a reference: give it to a teller with the cash. "
            "The money shows in your balance once the teller confirms. Escape goes back.")
    FORM_TITLE = "Request a deposit"
    SUBMIT_LABEL = "Request deposit"

    def compose_fields(self) -> ComposeResult:
        yield from self.compose_amount()
        yield from self.compose_memo()

    def submit(self, amount: int, memo: str | None) -> None:
        self.send(self.pf.request_deposit, self.session, amount, memo=memo, params=(amount, memo),
                  on_done=self._requested)

    def _requested(self, tx) -> None:
        self.payflow_app.did_myself("deposit.requested", tx.reference)
        if not self.is_current:
            return  # a second answer for the same submission (same key): the first was shown
        self.app.notify(f"Deposit {tx.reference} of {tx.display_amount}: awaiting teller confirmation.",
                        title="Deposit requested", timeout=12)
        body = (f"Reference: {tx.reference}\n"
                f"Amount: {tx.display_amount}\n"
                f"Status: awaiting teller confirmation\n\n"
                "Give this reference to a teller with the cash. Your balance changes once the teller "
                "confirms; you will see it here.")
        self.app.push_screen(NoticeDialog("Deposit requested", body), lambda _: self._notice_closed())

    def _notice_closed(self) -> None:
        if self.is_attached:
            self.app.pop_screen()
