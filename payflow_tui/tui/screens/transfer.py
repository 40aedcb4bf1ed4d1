"""Send money to another account holder, by email, after a confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from ...money import format_amount
from ..widgets.dialogs import ConfirmDialog
from .money_form import MoneyFormScreen


class TransferScreen(MoneyFormScreen):
    HELP = ("Send money from your wallet to another account holder. Type their email, the amount and, "
            "if you like, a memo; Enter moves to the next field and, on the last, asks you to confirm. "
            "The confirmation shows the recipient's name: check it before you send. Escape goes back.")
    FORM_TITLE = "Transfer to another account"
    SUBMIT_LABEL = "Review"

    def __init__(self) -> None:
        super().__init__()
        self._confirming = False

    def compose_fields(self) -> ComposeResult:
        yield Label("Recipient's email")
        yield Input(placeholder="name@example.com", id="recipient")
        yield from self.compose_amount()
        yield from self.compose_memo()

    def submit(self, amount: int, memo: str | None) -> None:
        recipient = self.query_one("#recipient", Input)
        email = recipient.value.strip()
        if "@" not in email:
            self.show_error("Type the recipient's email address.")
            recipient.focus()
            return
        self.set_busy(True)
        self._confirming = False
        self.call(self.pf.recipient_preview, self.session, email,
                  on_done=lambda preview: self._confirm(preview, email, amount, memo),
                  on_error=lambda exc: self.show_error(exc.message), on_finish=self._previewed)

    def _previewed(self) -> None:
        if self.is_attached and not self._confirming:
            self.set_busy(False)

    def _confirm(self, preview: dict, email: str, amount: int, memo: str | None) -> None:
        currency = self.wallet.currency if self.wallet else "NGN"
        balance, shown = preview["balance"], format_amount(amount, currency)
        if balance < amount:
            self.show_error(f"Insufficient funds: your balance is {format_amount(balance, currency)},"
                            f" the transfer {shown}.")
            return
        lines = [f"Send {shown} to {preview['name']} <{preview['email']}>?"]
        if memo:
            lines.append(f"Memo: {memo}")
        lines.append(f"Your balance: {format_amount(balance, currency)} → after:"
                     f" {format_amount(balance - amount, currency)}")
        self._confirming = True
        self.app.push_screen(ConfirmDialog("Confirm transfer", "\n".join(lines), confirm_label=f"Send {shown}"),
                             lambda ok: self._confirmed(ok, email, amount, memo))

    def _confirmed(self, ok: bool | None, email: str, amount: int, memo: str | None) -> None:
        self._confirming = False
        if not ok:
            self.set_busy(False)
            return
        self.send(self.pf.transfer, self.session, email, amount, memo=memo,
                  params=(email.lower(), amount, memo), on_done=self._sent)

    def _sent(self, result) -> None:
        if not self.is_current:
            return  # a second answer for the same submission (same key): the first was shown
        self.app.notify(f"Sent {format_amount(result.amount, result.currency)} to {result.credit.owner_name}."
                        f" Reference {result.transfer_ref}.", title="Transfer sent", timeout=10)
        self.app.pop_screen()
