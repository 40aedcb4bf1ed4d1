"""The plans open for subscription, and subscribing after a confirmation of the charge."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...money import format_amount
from ...services.subscription_views import PlanView, SubscriptionQuote, SubscriptionView
from ..base import PayFlowScreen
from ..formatting import money_text, when
from ..live import unattended
from ..widgets.dialogs import ConfirmDialog


def features_text(features: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in features.items()) or "—"


class PlanCatalogueScreen(PayFlowScreen):
    """The catalogue for the signed-in user, or (staff) for the customer ``for_email``."""

    CSS_PATH = ["staff.tcss", "subscriptions.tcss"]
    HELP = ("The plans you can subscribe to, cheapest first. s (or Enter) subscribes to the "
            "selected plan: a confirmation shows the charge, taken from the wallet now, and the "
            "date it renews. Each period is charged again on its renewal date until you cancel.")
    BINDINGS = [Binding("s", "subscribe", "Subscribe", id="catalogue-subscribe",
                        tooltip="Subscribe to the selected plan (asks for confirmation)")]

    def __init__(self, for_email: str | None = None, for_name: str | None = None) -> None:
        super().__init__()
        self.for_email, self.for_name = for_email, for_name
        self.plans: list[PlanView] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        title = f"Plans for {self.for_name or self.for_email}" if self.for_email else "Plan catalogue"
        yield Label(title, classes="screen-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="catalogue")
        yield Static("", id="catalogue-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#catalogue", DataTable)
        table.add_column("Plan", key="name")
        table.add_column(Text("Price", justify="right"), key="price")
        table.add_column(Text("Every", justify="right"), key="days")
        table.add_column("Features", key="features")
        table.focus()
        self._load(self._fetch)

    def _fetch(self) -> list[PlanView]:
        return self.pf.list_plans(self.session)

    def _load(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="catalogue", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self._fetch))

    def _show(self, plans: list[PlanView]) -> None:
        table = self.query_one("#catalogue", DataTable)
        row = table.cursor_row
        self.plans = plans
        table.clear()
        for plan in plans:
            table.add_row(plan.name, money_text(plan.price, plan.currency),
                          Text(f"{plan.duration_days} days", justify="right"), features_text(plan.features),
                          key=str(plan.id))
        if plans:
            table.move_cursor(row=min(row, len(plans) - 1), animate=False)
        self.query_one("#catalogue-detail", Static).update(
            "" if plans else "No plans are open for subscription at the moment.")
        self.refresh_bindings()

    @property
    def selected(self) -> PlanView | None:
        table = self.query_one("#catalogue", DataTable)
        if not self.plans or table.row_count == 0:
            return None
        return self.plans[min(table.cursor_row, len(self.plans) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "subscribe":
            return None if self._busy or self.selected is None else True
        return super().check_action(action, parameters)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_subscribe()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.refresh_bindings()

    def action_subscribe(self) -> None:
        plan = self.selected
        if plan is None or self._busy:
            return
        self._set_busy(True)
        self.call(self.pf.quote_subscription, self.session, plan.name, for_email=self.for_email,
                  on_done=self._confirm, on_error=self._refused)

    def _confirm(self, quote: SubscriptionQuote) -> None:
        self._set_busy(False)
        whose = f"{self.for_name or self.for_email}'s wallet" if self.for_email else "your wallet"
        charge = format_amount(quote.price, quote.currency)
        body = (f"Subscribe to {quote.plan_name}?\n"
                f"Charged now: {charge} from {whose}.\n"
                f"Renews on {when(quote.next_renewal_at)}, then every {self._days(quote)} days, "
                "at the plan's price, until cancelled.\n"
                f"Balance now {format_amount(quote.balance, quote.currency)}")
        if quote.can_pay:
            body += f"; after {format_amount(quote.balance - quote.price, quote.currency)}."
        else:
            body += ": this charge cannot be paid now."
        self.app.push_screen(ConfirmDialog("Confirm subscription", body, confirm_label=f"Pay {charge}"),
                             lambda ok: self._subscribe(quote.plan_name) if ok else None)

    def _days(self, quote: SubscriptionQuote) -> int:
        return (quote.period_end - quote.period_start).days

    def _subscribe(self, plan_name: str) -> None:
        self._set_busy(True)
        self.call(self.pf.subscribe, self.session, plan_name, for_email=self.for_email,
                  on_done=self._subscribed, on_error=self._refused)

    def _subscribed(self, sub: SubscriptionView) -> None:
        self._set_busy(False)
        self.notify(f"{sub.plan_name}: {sub.display_price} paid from {sub.user_name}'s wallet; "
                    f"renews {when(sub.next_renewal_at)}.", title="Subscribed")

    def _refused(self, exc) -> None:
        self._set_busy(False)
        self.payflow_app.show_error(exc.message)
