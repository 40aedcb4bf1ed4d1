"""How the app shows amounts, times and statuses: one place, one look."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from ..money import format_amount

STATUS_STYLES = {"SUCCESS": "green", "PENDING": "yellow", "FAILED": "red",
                 "ACTIVE": "green", "LOCKED": "red", "DISABLED": "bright_black",
                 "SUSPENDED": "yellow", "EXPIRED": "bright_black", "OPEN": "red",
                 "ACKNOWLEDGED": "yellow", "RESOLVED": "green"}

_zone = ZoneInfo("Africa/Lagos")


def set_zone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    """The bank's time zone: days in filters start at its midnight."""
    return _zone


def when(dt: datetime | None, *, seconds: bool = False) -> str:
    if dt is None:
        return ""
    return dt.astimezone(_zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLES.get(status, ""))


def money_text(minor: int, currency: str = "NGN", *, signed: bool = False) -> Text:
    """Right-aligned amount; credits green with +, debits with − when ``signed``."""
    if not signed:
        return Text(format_amount(minor, currency), justify="right")
    if minor >= 0:
        return Text("+" + format_amount(minor, currency), style="green", justify="right")
    return Text("−" + format_amount(-minor, currency), justify="right")
