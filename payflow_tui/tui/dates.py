"""Days typed into filters, and ages shown in queues."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..services.errors import InvalidInput
from ..services.periods import MAX_DAYS, parse_day as service_day


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



# Between the two days of a typed range: an arrow, "->", "..", "to", or spaces.
_RANGE_SEPARATOR = re.compile(r"\s*(?:→|->|\.\.|\bto\b)\s*|\s+")
RANGE_EXAMPLE = "2026-01-01 → 2026-01-31"


def parse_range(text: str) -> tuple[date, date]:
    """A typed range of local days, both included, as (first day, the day after the last).

    One day alone is that day. Days are checked with the parser the reports
    service uses, so what is accepted here is what the service accepts.
    """
    parts = _RANGE_SEPARATOR.split((text or "").strip())
    if not parts[0] or len(parts) > 2:
        raise DateError(f"Type a range such as {RANGE_EXAMPLE}.")
    if len(parts) == 2 and not parts[1]:
        raise DateError(f"Type the last day too, as in {RANGE_EXAMPLE}.")
    try:
        first = service_day(parts[0], "Start date")
        last = service_day(parts[-1], "End date")
    except InvalidInput as exc:
        raise DateError(exc.message) from None
    if last < first:
        raise DateError("The end date is before the start date.")
    if (last - first).days + 1 > MAX_DAYS:
        raise DateError(f"A range may span at most {MAX_DAYS} days; choose a shorter one.")
    return first, last + timedelta(days=1)
