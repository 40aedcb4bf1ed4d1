"""Registering a webhook endpoint: URL, signing secret, event types; then the secret, shown once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...services import errors as E
from ...services.outbox import EVENT_FAMILIES
from ...services.webhooks import WebhookEndpointView

FIELDS = ["hook-url", "hook-secret", "hook-events", "hook-description"]


class AddWebhookDialog(ModalScreen["WebhookEndpointView | None"]):
    """The service checks every field; a refusal is shown here and the form stays.

    Once added, the dialog shows the signing secret (the only time it is shown
    whole) and dismisses with the new endpoint.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without adding anything"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog")
        self.endpoint: WebhookEndpointView | None = None

    def compose(self) -> ComposeResult:
        families = ", ".join(f"{f}.*" for f in EVENT_FAMILIES)
        with Vertical(classes="dialog-box", id="hook-box"):
            yield Label("Add a webhook endpoint", classes="dialog-title")
            with Vertical(id="hook-form"):
                yield Label("URL (https; plain http only to this machine)")
                yield Input(placeholder="https://example.com/payflow/events", id="hook-url")
                yield Label("Signing secret (leave empty to generate one)")
                yield Input(placeholder="16 to 200 characters, no spaces", id="hook-secret", password=True)
                yield Label("Event types (empty: every event)")
                yield Input(placeholder="e.g. transfer.received, deposit.*", id="hook-events")
                yield Static(f"Types: {families}, or one type such as transfer.received.",
                             classes="dialog-body")
                yield Label("Description (optional)")
                yield Input(placeholder="e.g. accounting system", id="hook-description", max_length=200)
                yield Static("", id="hook-error", classes="field-error")
            with Vertical(id="hook-done"):
                yield Static("", id="hook-secret-shown", classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add endpoint", id="confirm", variant="primary")
                yield Button("Done", id="done", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#hook-done").display = False
        self.query_one("#done").display = False
        self.query_one("#hook-url", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = FIELDS.index(event.input.id or "")
        if index + 1 < len(FIELDS):
            self.query_one(f"#{FIELDS[index + 1]}", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self._submit()
        elif event.button.id == "done":
            self.dismiss(self.endpoint)
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        url, secret, events, description = (self.query_one(f"#{name}", Input).value.strip() for name in FIELDS)
        error = self.query_one("#hook-error", Static)
        if not url:
            error.update("Type the receiver's URL.")
            self.query_one("#hook-url", Input).focus()
            return
        error.update("Adding…")
        self.query_one("#confirm", Button).disabled = True
        app = self.app
        app.call_service(app.pf.add_webhook, app.session, url, secret or None,  # type: ignore[attr-defined]
                         events or None, description or None, on_done=self._added, on_error=self._refused)

    def _refused(self, exc: E.PayFlowError) -> None:
        self.query_one("#confirm", Button).disabled = False
        self.query_one("#hook-error", Static).update(exc.message)

    def _added(self, added: tuple[WebhookEndpointView, str]) -> None:
        self.endpoint, secret = added
        events = ", ".join(self.endpoint.event_types) or "every event"
        self.query_one("#hook-secret-shown", Static).update(
            f"Endpoint #{self.endpoint.id} added: {self.endpoint.url}\nEvents: {events}\n\n"
            f"Signing secret (shown only now; the receiver needs it to check signatures):\n{secret}"
        )
        self.query_one("#hook-form").display = False
        self.query_one("#hook-done").display = True
        for button in ("#cancel", "#confirm"):
            self.query_one(button).display = False
        done = self.query_one("#done", Button)
        done.display = True
        done.focus()

    def action_cancel(self) -> None:
        self.dismiss(self.endpoint)
