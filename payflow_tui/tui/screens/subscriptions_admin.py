"""Every subscription in the bank, filtered by status and plan: the administrator's view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Label, Select, Static

from ...services.subscription_views import PlanView, SubscriptionView
from ..base import PayFlowScreen
from ..formatting import money_text, status_text, when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.paged_table import PagedTable

COLUMNS = [("Subscriber", "name"), ("Email", "email"), ("Plan", "plan"), ("Price", "price"),
           ("Status", "status"), ("Next renewal", "next")]
STATUS_FILTER = [("Active", "ACTIVE"), ("Suspended", "SUSPENDED"), ("Expired", "EXPIRED")]


def renewal_text(sub: SubscriptionView) -> str:
    """When it renews, or why it will not."""
    if sub.status == "EXPIRED":
        return f"ended {when(sub.ended_at)}"
    if sub.cancel_at_period_end:
        return f"ends {when(sub.current_period_end)}"
    if sub.status == "SUSPENDED":
        return f"unpaid; grace to {when(sub.grace_until)}"
    return when(sub.next_renewal_at)


class SubscriptionsAdminScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "subscriptions.tcss"]
    HELP = ("Every subscription, oldest first, a page at a time (n next, p previous). Narrow by "
            "status and plan. Next renewal shows when it is charged again, when a cancelled one "
            "ends, or how long a suspended one has to be paid.")

    def __init__(self) -> None:
        super().__init__()
        self._filters: dict[str, str | None] = {"status": None, "plan": None}
        self.subs = PagedTable(COLUMNS, self._row, noun=("subscription", "subscriptions"),
                               empty="No subscription matches.", id="subs")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Subscriptions", classes="screen-title")
        with Horizontal(classes="filter-row"):
            yield Select(STATUS_FILTER, prompt="Any status", id="subs-status", compact=True)
            yield Select([], prompt="All plans", id="subs-plan", compact=True)
        yield self.subs
        yield Static("", id="subs-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self.subs.load(self._load)
        self.subs.table.focus()
        self.call(self.pf.list_plans, self.session, include_closed=True, on_done=self._plans)

    def _plans(self, plans: list[PlanView]) -> None:
        self.query_one("#subs-plan", Select).set_options([(p.name, p.name) for p in plans])

    def _load(self, after_id, limit):
        return self.pf.list_subscriptions(self.session, limit=limit, after_id=after_id, **self._filters)

    def reload(self) -> None:
        self.subs.refresh_page(unattended(self.pf, self._load))

    def _row(self, sub: SubscriptionView) -> list:
        return [sub.user_name, sub.user_email, sub.plan_name, money_text(sub.price, sub.currency),
                status_text(sub.status), renewal_text(sub)]

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        key = "status" if event.select.id == "subs-status" else "plan"
        if self._filters[key] != value:
            self._filters[key] = value
            self.subs.load()

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        sub = event.item
        detail = ""
        if sub is not None:
            detail = (f"Since {when(sub.anchor_at)} · period {sub.period_index + 1}: "
                      f"{when(sub.current_period_start)} to {when(sub.current_period_end)}")
            if sub.cancel_at_period_end and sub.status != "EXPIRED":
                detail += " · cancelled"
        self.query_one("#subs-detail", Static).update(detail)

    def action_back(self) -> None:
        if isinstance(self.focused, Select):
            self.subs.table.focus()
            return
        super().action_back()


register_section(Section(
    "subscriptions-admin", "Subscriptions", "Every subscription, by status and plan",
    ("ADMIN",), SubscriptionsAdminScreen, order=210, group="Plans and subscriptions",
))
