"""What the transfer, withdrawal and deposit-request forms share.

One idempotency key per submission: made when the form opens (or after an
answer), kept while the same submission is retried after a failure whose
outcome is unknown, replaced when the fields change or the service has
answered. The form is busy from the first Enter until the answer comes back,
so a double Enter, or a click on the button while a call is in flight, sends
nothing twice; if one ever got through, the shared key would make the
service act once.
"""

from __future__ import annotations

import uuid

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from ...money import format_amount
from ...services import errors as E
from ..base import PayFlowScreen
from ..widgets.amount_input import AmountInput

MAX_MEMO = 140


def new_key() -> str:
    return f"app-{uuid.uuid4().hex}"


class MoneyFormScreen(PayFlowScreen):
    CSS_PATH = "account.tcss"
    """Subclasses give FORM_TITLE, SUBMIT_LABEL, ``compose_fields`` and ``submit``."""

    FORM_TITLE = ""
    SUBMIT_LABEL = "Submit"
    SHOW_BALANCE = True
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="form-submit", tooltip="Check the form and go ahead"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._key = new_key()
        self._key_params: tuple | None = None
        self.busy = False
        self.wallet = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(classes="form-box money-form"):
                yield Label(self.FORM_TITLE, classes="form-title")
                yield Static("", id="form-balance", classes="form-balance")
                yield from self.compose_fields()
                yield Static("", id="form-error", classes="field-error")
                with Horizontal(classes="form-buttons"):
                    yield Button("Cancel", id="cancel")
                    yield Button(self.SUBMIT_LABEL, id="submit", variant="primary")
        yield Footer()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def compose_amount(self) -> ComposeResult:
        yield Label("Amount (₦)")
        with Horizontal(classes="amount-row"):
            yield AmountInput(id="amount")
            yield Static("", id="amount-problem", classes="field-error amount-problem")

    def compose_memo(self) -> ComposeResult:
        yield Label("Memo (optional)")
        yield Input(placeholder="What is it for?", id="memo", max_length=MAX_MEMO)

    def on_mount(self) -> None:
        self.query_one("#form-balance", Static).display = self.SHOW_BALANCE
        self.query(Input).first().focus()
        self.call(self.pf.amount_limit, on_done=self.query_one(AmountInput).set_max)
        self.reload()

    def reload(self) -> None:
        if self.SHOW_BALANCE:
            self.call(self.pf.wallet, self.session, on_done=self._show_wallet)

    def _show_wallet(self, wallet) -> None:
        self.wallet = wallet
        text = f"Available: {wallet.display_balance}"
        if wallet.frozen:
            text += f"  ·  FROZEN: {wallet.frozen_reason}"
        self.query_one("#form-balance", Static).update(text)

    # -- typing ----------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, AmountInput):
            self.query_one("#amount-problem", Static).update(event.input.problem)
        if not self.busy:  # an old refusal no longer describes what is typed
            self.show_error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_back()

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    # -- submitting ------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        self.show_error("")
        amount = self.query_one(AmountInput)
        if amount.minor is None:
            # The problem is already shown beside the field; an empty field says nothing yet.
            if not amount.problem:
                self.show_error("Type an amount, for example 1,500.00.")
            amount.focus()
            return
        self.submit(amount.minor, self.query_one("#memo", Input).value.strip() or None)

    def submit(self, amount: int, memo: str | None) -> None:
        raise NotImplementedError

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        # A late answer (a second one for the same key) may find the form already closing.
        for button in self.query("#submit").results(Button):
            button.disabled = busy

    def submission_key(self, params: tuple) -> str:
        """The key for sending ``params``: the same while one submission is retried."""
        if self._key_params is not None and self._key_params != params:
            self._key = new_key()
        self._key_params = params
        return self._key

    def answered(self) -> None:
        """The service has answered this submission: the next one gets a new key."""
        self._key = new_key()
        self._key_params = None

    def send(self, fn, *args, params: tuple, on_done, **kwargs) -> None:
        """Call ``fn`` with this submission's key; the form stays busy until it ends.

        A transfer or withdrawal that needs a two-factor code has the app ask for
        it and repeat this very call (same key), so the form does nothing more.
        """
        self.set_busy(True)
        key = self.submission_key(params)

        def done(result) -> None:
            self.answered()
            on_done(result)

        def refused(exc: E.PayFlowError) -> None:
            self.answered()
            self.show_error(exc.message)

        self.call(fn, *args, key=key, on_done=done, on_error=refused, on_finish=self._finished, **kwargs)

    def _finished(self) -> None:
        if self.is_attached:
            self.set_busy(False)

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    def balance_line(self, amount: int) -> str:
        """Balance before and after taking ``amount`` out, for a confirmation."""
        if self.wallet is None:
            return ""
        after = self.wallet.balance - amount
        return (f"Your balance: {self.wallet.display_balance} → after: "
                f"{format_amount(after, self.wallet.currency)}")
