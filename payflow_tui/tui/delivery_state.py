"""A webhook delivery's state in words and colour: pending, retrying (and when), delivered, dead."""

from __future__ import annotations

from rich.text import Text

from ..services.webhooks import DeliveryView
from .formatting import when


def delivery_state(d: DeliveryView) -> Text:
    if d.status == "PENDING":
        if d.attempts:
            return Text(f"retrying {when(d.next_attempt_at)}", style="yellow")
        return Text("pending", style="yellow")
    styles = {"DELIVERED": "green", "DEAD": "bold red", "CANCELLED": "bright_black"}
    return Text(d.status.lower(), style=styles.get(d.status, ""))


def last_result(d: DeliveryView) -> str:
    """A short form for a table cell (the detail line and the attempts show it whole)."""
    if d.last_status_code:
        return f"HTTP {d.last_status_code}"
    # "ConnectError: [Errno 111] Connection refused" -> "ConnectError"
    return (d.last_error or "").split(":")[0]
