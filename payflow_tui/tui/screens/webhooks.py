"""The administrator's webhooks: endpoints, and every delivery with its state and attempts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from ...services.webhooks import DeliveryView, WebhookEndpointView
from ..base import PayFlowScreen
from ..delivery_state import delivery_state, last_result
from ..formatting import when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import ConfirmDialog
from ..widgets.paged_table import PagedTable

DELIVERY_COLUMNS = [("#", "id"), ("Event", "event"), ("To", "endpoint"), ("Status", "status"),
                    ("Tries", "attempts"), ("Last result", "last"), ("Created", "created")]
STATUS_FILTER = [("Pending and retrying", "PENDING"), ("Delivered", "DELIVERED"), ("Dead", "DEAD"),
                 ("Cancelled", "CANCELLED")]


class WebhooksScreen(PayFlowScreen):
    CSS_PATH = "notify.tcss"
    HELP = ("Webhook endpoints receive each wallet event as a signed JSON POST. Above, the endpoints: "
            "a adds one (URL, signing secret, event types), x removes the selected one after a "
            "confirmation (its waiting deliveries are cancelled). Below, the deliveries, newest first: "
            "pending, retrying (with the next attempt's time; failures are retried from 1 minute, "
            "doubling up to 6 hours, for 3 days), delivered, or dead. r sends the selected delivery "
            "again now; Enter or t shows its attempts. Tab moves between the two lists; the Status "
            "box narrows the deliveries.")
    BINDINGS = [
        Binding("a", "add", "Add endpoint", id="hooks-add", tooltip="Register a new webhook endpoint"),
        Binding("x", "remove", "Remove endpoint", id="hooks-remove",
                tooltip="Stop sending to the selected endpoint"),
        Binding("r", "redeliver", "Redeliver", id="hooks-redeliver",
                tooltip="Send the selected delivery again now"),
        Binding("t", "attempts", "Attempts", id="hooks-attempts", tooltip="Every attempt of the selected delivery"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.endpoints: list[WebhookEndpointView] = []
        self._status: str | None = None
        self.deliveries = PagedTable(DELIVERY_COLUMNS, self._delivery_row, noun=("delivery", "deliveries"),
                                     empty="No deliveries yet: events go out as they happen.",
                                     id="hooks-deliveries")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Webhooks", classes="screen-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="hooks-endpoints")
        with Horizontal(classes="filter-row"):
            yield Label("Deliveries")
            yield Select(STATUS_FILTER, prompt="Any status", id="hooks-status", compact=True)
        yield self.deliveries
        yield Static("", id="hooks-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#hooks-endpoints", DataTable)
        for label, key in [("#", "id"), ("URL", "url"), ("Events", "events"), ("Secret", "secret"),
                           ("Pending", "pending"), ("Delivered", "delivered"), ("Dead", "dead")]:
            table.add_column(label, key=key)
        table.focus()
        self._load_endpoints(self._endpoints)
        self.deliveries.load(self._deliveries)

    # -- loading -----------------------------------------------------------------------------------

    def _endpoints(self) -> list[WebhookEndpointView]:
        return self.pf.webhooks(self.session)

    def _deliveries(self, before_id, limit):
        return self.pf.webhook_deliveries(self.session, status=self._status, before_id=before_id, limit=limit)

    def _load_endpoints(self, fetch) -> None:
        self.call(fetch, on_done=self._show_endpoints, group="hooks-endpoints", exclusive=True)

    def reload(self) -> None:
        self._load_endpoints(unattended(self.pf, self._endpoints))
        self.deliveries.refresh_page(unattended(self.pf, self._deliveries))

    def _refresh(self) -> None:
        self._load_endpoints(self._endpoints)
        self.deliveries.refresh_page()

    def _show_endpoints(self, endpoints: list[WebhookEndpointView]) -> None:
        self.endpoints = endpoints
        table = self.query_one("#hooks-endpoints", DataTable)
        row = table.cursor_row
        table.clear()
        for e in endpoints:
            dead = Text(str(e.dead), style="bold red" if e.dead else "", justify="right")
            table.add_row(str(e.id), e.url, ", ".join(e.event_types) or "every event", e.secret_hint,
                          Text(str(e.pending), justify="right"), Text(str(e.delivered), justify="right"),
                          dead, key=str(e.id))
        if endpoints:
            table.move_cursor(row=min(row, len(endpoints) - 1), animate=False)
        else:
            table.add_row("", Text("No endpoints yet: press a to add one.", style="italic"), "", "", "", "", "",
                          key="none")
        self.refresh_bindings()

    def _delivery_row(self, d: DeliveryView) -> list:
        return [str(d.id), d.event_type, f"#{d.endpoint_id}", delivery_state(d),
                Text(str(d.attempts), justify="right"), last_result(d), when(d.created_at)]

    # -- what is selected --------------------------------------------------------------------------

    @property
    def endpoint(self) -> WebhookEndpointView | None:
        table = self.query_one("#hooks-endpoints", DataTable)
        if not self.endpoints or table.row_count == 0:
            return None
        return self.endpoints[min(table.cursor_row, len(self.endpoints) - 1)]

    @property
    def delivery(self) -> DeliveryView | None:
        return self.deliveries.selected

    def _show_detail(self) -> None:
        """The line below the lists describes the selected row of the list that has the focus."""
        text = ""
        if self.focused is self.query_one("#hooks-endpoints", DataTable):
            endpoint = self.endpoint
            if endpoint is not None:
                text = f"Endpoint #{endpoint.id} {endpoint.url}"
                if endpoint.description:
                    text += f" · {endpoint.description}"
                text += f" · since {when(endpoint.created_at)}"
        else:
            d = self.delivery
            if d is not None:
                text = f"Delivery #{d.id} of {d.event_id} to {d.destination}"
                if d.last_error:
                    text += f" · last: {d.last_error}"
        self.query_one("#hooks-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "hooks-endpoints":
            self._show_detail()
            self.refresh_bindings()

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        self._show_detail()
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self._show_detail()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_attempts()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if value != self._status:
            self._status = value
            self.deliveries.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return self.endpoint is not None
        if action in ("redeliver", "attempts"):
            return self.delivery is not None
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        if isinstance(self.focused, Select):
            self.deliveries.table.focus()
            return
        super().action_back()

    # -- actions -------------------------------------------------------------------------------------

    def action_add(self) -> None:
        from .webhook_dialog import AddWebhookDialog

        self.app.push_screen(AddWebhookDialog(), self._added)

    def _added(self, endpoint: WebhookEndpointView | None) -> None:
        if endpoint is not None:
            self.notify(f"Endpoint #{endpoint.id} ({endpoint.url}) gets events from now on.",
                        title="Webhook added")
            self._refresh()

    def action_remove(self) -> None:
        endpoint = self.endpoint
        if endpoint is None:
            return
        body = (f"Stop sending events to #{endpoint.id} {endpoint.url}?\n"
                f"Its {endpoint.pending} waiting deliveries are cancelled; past deliveries stay listed.")
        self.app.push_screen(ConfirmDialog("Remove endpoint", body, confirm_label="Remove", danger=True),
                             lambda ok: self._remove(endpoint) if ok else None)

    def _remove(self, endpoint: WebhookEndpointView) -> None:
        self.call(self.pf.remove_webhook, self.session, endpoint.id, on_done=self._removed)

    def _removed(self, endpoint: WebhookEndpointView) -> None:
        self.notify(f"Endpoint #{endpoint.id} ({endpoint.url}) removed.", title="Webhook removed")
        self._refresh()

    def action_redeliver(self) -> None:
        delivery = self.delivery
        if delivery is not None:
            self.call(self.pf.redeliver, self.session, delivery.id, on_done=self._redelivering)

    def _redelivering(self, delivery: DeliveryView) -> None:
        self.notify(f"Delivery #{delivery.id} ({delivery.event_type}) is sent again now.", title="Redelivery")
        self.payflow_app.wake_delivery()
        self._refresh()

    def action_attempts(self) -> None:
        delivery = self.delivery
        if delivery is not None:
            self.call(self.pf.delivery_attempts, self.session, delivery.id,
                      on_done=lambda attempts: self._show_attempts(delivery, attempts))

    def _show_attempts(self, delivery: DeliveryView, attempts: list[dict]) -> None:
        from .delivery_attempts import DeliveryAttemptsDialog

        self.app.push_screen(DeliveryAttemptsDialog(delivery, attempts))


register_section(Section(
    "webhooks", "Webhooks", "Endpoints for wallet events; deliveries, retries, redelivery",
    ("ADMIN",), WebhooksScreen, order=160, group="Administration",
))
