"""The signed-in person's subscriptions: status, next renewal, cancel and resume."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...services.subscription_views import SubscriptionView
from ..base import PayFlowScreen
from ..formatting import money_text, status_text, when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import ConfirmDialog
from .subscriptions_admin import renewal_text


def status_cell(sub: SubscriptionView) -> Text:
    text = status_text(sub.status)
    if sub.cancel_at_period_end and sub.status == "ACTIVE":
        text.append(" · cancelled", style="yellow")
    return text


class MySubscriptionsScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "subscriptions.tcss"]
    HELP = ("Your subscriptions, live ones first. ACTIVE is paid for the current period; SUSPENDED "
            "means a renewal could not be paid (it is retried, and after a deposit, until the grace "
            "period ends); EXPIRED is over. c cancels the selected one: it stays active to the end "
            "of the paid period, with no further charge. r resumes a cancelled one before then. "
            "p opens the plan catalogue to subscribe.")
    BINDINGS = [
        Binding("p", "catalogue", "Plans", id="subs-catalogue", tooltip="The plan catalogue: subscribe"),
        Binding("c", "cancel", "Cancel", id="subs-cancel",
                tooltip="Cancel the selected subscription at the end of its paid period"),
        Binding("r", "resume", "Resume", id="subs-resume", tooltip="Undo the cancel of the selected subscription"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.subs: list[SubscriptionView] = []
        self._left = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("My subscriptions", classes="screen-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="my-subs")
        yield Static("", id="my-subs-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#my-subs", DataTable)
        table.add_column("Plan", key="plan")
        table.add_column(Text("Price", justify="right"), key="price")
        table.add_column("Status", key="status")
        table.add_column("Next renewal", key="next")
        table.add_column("Paid period", key="period")
        table.focus()
        self._load(self._fetch)

    def on_screen_resume(self) -> None:
        # Back from the catalogue: a subscription may have been added there.
        if self._left:
            self._left = False
            self._load(self._fetch)

    def on_screen_suspend(self) -> None:
        self._left = True

    def _fetch(self) -> list[SubscriptionView]:
        return self.pf.my_subscriptions(self.session)

    def _load(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="my-subs", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self._fetch))

    def _show(self, subs: list[SubscriptionView]) -> None:
        table = self.query_one("#my-subs", DataTable)
        row = table.cursor_row
        self.subs = subs
        table.clear()
        for sub in subs:
            period = f"{when(sub.current_period_start)} to {when(sub.current_period_end)}"
            table.add_row(sub.plan_name, money_text(sub.price, sub.currency), status_cell(sub),
                          renewal_text(sub), period, key=str(sub.id))
        if subs:
            table.move_cursor(row=min(row, len(subs) - 1), animate=False)
        self._show_detail()

    @property
    def selected(self) -> SubscriptionView | None:
        table = self.query_one("#my-subs", DataTable)
        if not self.subs or table.row_count == 0:
            return None
        return self.subs[min(table.cursor_row, len(self.subs) - 1)]

    def _show_detail(self) -> None:
        sub = self.selected
        if sub is None:
            detail = "No subscriptions yet: press p to see the plans."
        elif sub.status == "SUSPENDED":
            detail = (f"{sub.plan_name}: the renewal of {sub.display_price} was not paid. Deposit before "
                      f"{when(sub.grace_until)} to keep it.")
        elif sub.cancel_at_period_end and sub.live:
            detail = f"{sub.plan_name} is cancelled: active until {when(sub.current_period_end)}, no further charge."
        elif sub.live:
            detail = f"{sub.plan_name}: {sub.display_price} every {sub.duration_days} days."
        else:
            detail = f"{sub.plan_name} ended {when(sub.ended_at)}."
        self.query_one("#my-subs-detail", Static).update(detail)
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sub = self.selected
        if action == "cancel":
            return sub is not None and sub.live and not sub.cancel_at_period_end
        if action == "resume":
            return sub is not None and sub.status == "ACTIVE" and sub.cancel_at_period_end
        return super().check_action(action, parameters)

    def action_catalogue(self) -> None:
        from .plan_catalogue import PlanCatalogueScreen

        self.app.push_screen(PlanCatalogueScreen())

    def action_cancel(self) -> None:
        sub = self.selected
        if sub is None or not sub.live or sub.cancel_at_period_end:
            return
        if sub.status == "SUSPENDED":
            body = f"Cancel {sub.plan_name}? Its renewal is unpaid, so it ends now, with no charge."
        else:
            body = (f"Cancel {sub.plan_name}?\nIt stays active until {when(sub.current_period_end)}, "
                    "the end of the period you paid for, then ends with no further charge. "
                    "You can resume it before then.")
        self.app.push_screen(
            ConfirmDialog("Cancel subscription", body, confirm_label="Cancel subscription", danger=True),
            lambda ok: self._change(self.pf.cancel_subscription, sub, "Cancelled") if ok else None,
        )

    def action_resume(self) -> None:
        sub = self.selected
        if sub is not None and sub.cancel_at_period_end and sub.status == "ACTIVE":
            self._change(self.pf.resume_subscription, sub, "Resumed")

    def _change(self, fn, sub: SubscriptionView, title: str) -> None:
        def done(changed: SubscriptionView) -> None:
            if changed.status == "EXPIRED":
                message = f"{changed.plan_name} has ended."
            elif changed.cancel_at_period_end:
                message = f"{changed.plan_name} stays active until {when(changed.current_period_end)}."
            else:
                message = f"{changed.plan_name} renews on {when(changed.next_renewal_at)}."
            self.notify(message, title=title)
            self._load(self._fetch)

        self.call(fn, self.session, sub.plan_name, on_done=done)


register_section(Section(
    "my-subscriptions", "My subscriptions", "Your own plans: renewals, cancel, resume, subscribe",
    ("TELLER", "ADMIN"), MySubscriptionsScreen, order=190, group="Plans and subscriptions",
))
