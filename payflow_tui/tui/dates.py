"""Days typed into filters, and ages shown in queues."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class DateError(ValueError):
    """A typed day that cannot be read; the message names the problem."""


def parse_day(text: str, zone: str, *, end: bool = False) -> datetime | None:
    """``2026-01-15`` as the start of that day in ``zone`` (None when blank).

    With ``end=True`` it is the start of the next day, so a "to" date includes
    the whole of the day typed.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{text!r} is not a date like 2026-01-31.") from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def day_range(start: str, stop: str, zone: str) -> tuple[datetime | None, datetime | None]:
    """A from/to pair of typed days; refuses a "to" before the "from"."""
    date_from = parse_day(start, zone)
    date_to = parse_day(stop, zone, end=True)
    if date_from and date_to and date_from >= date_to:
        raise DateError("The 'to' date is before the 'from' date.")
    return date_from, date_to


def age_text(delta: timedelta) -> str:
    """How long something has waited, in the largest two units: ``3d 4h``, ``2h 05m``."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m" if mins else "now"


def duration_text(seconds: int) -> str:
    """An offset such as the sandbox clock's: ``8 days 3 hours``."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{n} {unit}{'s' if n != 1 else ''}"
             for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]
    return " ".join(parts) or "none"
