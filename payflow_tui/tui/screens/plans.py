"""The administrator's plans: every plan with its price and subscribers; create, edit, archive."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...services.subscription_views import PlanView
from ..base import PayFlowScreen
from ..formatting import money_text, when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import ConfirmDialog


def plan_state(plan: PlanView) -> Text:
    if plan.archived_at is not None:
        return Text("Archived", style="bright_black")
    return Text("Active", style="green") if plan.active else Text("Inactive", style="yellow")


class PlansScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "subscriptions.tcss"]
    HELP = ("Every subscription plan, cheapest first: price per period, duration, state and live "
            "subscribers. a adds a plan, e (or Enter) edits the selected one, x archives it: an "
            "archived plan takes no new subscribers, and its live subscriptions keep renewing. "
            "Every change is audited.")
    BINDINGS = [
        Binding("a", "add", "New plan", id="plans-add", tooltip="Create a plan"),
        Binding("e", "edit", "Edit", id="plans-edit", tooltip="Change the selected plan"),
        Binding("x", "archive", "Archive", id="plans-archive",
                tooltip="Close the selected plan to new subscribers for good"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plans: list[PlanView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Plans", classes="screen-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="plans")
        yield Static("", id="plans-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#plans", DataTable)
        table.add_column("Name", key="name")
        table.add_column(Text("Price", justify="right"), key="price")
        table.add_column(Text("Duration", justify="right"), key="days")
        table.add_column("State", key="state")
        table.add_column(Text("Subscribers", justify="right"), key="live")
        table.focus()
        self._load(self._fetch)

    def _fetch(self) -> list[PlanView]:
        return self.pf.list_plans(self.session, include_closed=True)

    def _load(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="plans", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self._fetch))

    def _show(self, plans: list[PlanView]) -> None:
        table = self.query_one("#plans", DataTable)
        selected = self.selected
        self.plans = plans
        table.clear()
        for plan in plans:
            table.add_row(plan.name, money_text(plan.price, plan.currency),
                          Text(f"{plan.duration_days} days", justify="right"), plan_state(plan),
                          Text(str(plan.live_subscriptions or 0), justify="right"), key=str(plan.id))
        ids = [p.id for p in plans]
        if selected is not None and selected.id in ids:
            table.move_cursor(row=ids.index(selected.id), animate=False)
        self._show_detail()

    @property
    def selected(self) -> PlanView | None:
        table = self.query_one("#plans", DataTable)
        if not self.plans or table.row_count == 0:
            return None
        return self.plans[min(table.cursor_row, len(self.plans) - 1)]

    def _show_detail(self) -> None:
        plan = self.selected
        detail = "No plans yet: press a to create one." if plan is None else (
            f"Features: {json.dumps(plan.features, ensure_ascii=False)} · updated {when(plan.updated_at)}")
        self.query_one("#plans-detail", Static).update(detail)
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "archive"):
            plan = self.selected
            return None if plan is None or plan.archived_at is not None else True
        return super().check_action(action, parameters)

    def _saved(self, plan: PlanView | None) -> None:
        if plan is not None:
            self._load(self._fetch)

    def action_add(self) -> None:
        from .plan_form import PlanFormScreen

        self.app.push_screen(PlanFormScreen(), self._saved)

    def action_edit(self) -> None:
        plan = self.selected
        if plan is None or plan.archived_at is not None:
            return
        from .plan_form import PlanFormScreen

        self.app.push_screen(PlanFormScreen(plan), self._saved)

    def action_archive(self) -> None:
        plan = self.selected
        if plan is None or plan.archived_at is not None:
            return
        live = plan.live_subscriptions or 0
        body = (f"Archive {plan.name} ({plan.display_price} every {plan.duration_days} days)?\n"
                f"Nobody can subscribe to it again. Its {live} live subscription(s) keep renewing.")
        self.app.push_screen(ConfirmDialog("Archive plan", body, confirm_label="Archive", danger=True),
                             lambda ok: self._archive(plan) if ok else None)

    def _archive(self, plan: PlanView) -> None:
        def archived(done: PlanView) -> None:
            self.notify(f"{done.name} takes no new subscribers.", title="Plan archived")
            self._load(self._fetch)

        self.call(self.pf.archive_plan, self.session, plan.name, on_done=archived)


register_section(Section(
    "plans", "Plans", "Subscription plans: create, edit, archive",
    ("ADMIN",), PlansScreen, order=200, group="Plans and subscriptions",
))
