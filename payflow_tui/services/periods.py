"""Report periods: calendar days in the configured time zone, as UTC instants.

A period is [start, end): it starts at local midnight of its first day and
ends at local midnight after its last day. Queries compare stored UTC times
against those two instants, so a row at 23:59:59 local belongs to the day it
happened in and one at 00:00:00 to the next, whatever the zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from . import errors as E

PERIODS = ("today", "week", "month")
# Bounds keep date arithmetic (the day after the last one) inside Python's range.
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(9000, 12, 31)
# A daily series longer than this is no report anyone reads; it also bounds the query.
MAX_DAYS = 3700

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Period:
    """Local calendar days [first_day, end_day) and the UTC instants [start, end)."""

    name: str  # today, week, month or custom
    timezone: str
    first_day: date
    end_day: date  # the first day after the period
    start: datetime
    end: datetime

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.end_day - self.first_day).days)]

    @property
    def label(self) -> str:
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"

    def to_json(self) -> dict:
        return {
            "name": self.name, "timezone": self.timezone, "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(), "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def parse_day(value: date | str, what: str = "Date") -> date:
    """A calendar day from a ``date`` or ``YYYY-MM-DD`` text; anything else is INVALID_INPUT."""
    if isinstance(value, datetime):
        raise E.InvalidInput(f"{what} must be a calendar day (YYYY-MM-DD), not a time.")
    if isinstance(value, date):
        day = value
    else:
        text = (value or "").strip() if isinstance(value, str) else None
        if not text or not _DAY.fullmatch(text):
            raise E.InvalidInput(f"{what} {value!r} is not a date like 2026-01-31 (YYYY-MM-DD).")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise E.InvalidInput(f"{what} {text} is not a real calendar day.") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise E.InvalidInput(f"{what} {day.isoformat()} is outside {FIRST_DATE} to {LAST_DATE}.")
    return day


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def make_period(name: str, tz_name: str, first_day: date, end_day: date) -> Period:
    if first_day >= end_day:
        raise E.InvalidInput("The start date must be before the end date.")
    if (end_day - first_day).days > MAX_DAYS:
        raise E.InvalidInput(f"A period may span at most {MAX_DAYS} days; choose a shorter range.")
    zone = ZoneInfo(tz_name)
    return Period(name, tz_name, first_day, end_day, local_midnight(first_day, zone),
                  local_midnight(end_day, zone))


def resolve_period(now: datetime, tz_name: str, *, period: str | None = None,
                   date_from: date | str | None = None, date_to: date | str | None = None,
                   earliest: date | None = None) -> Period:
    """The period a report covers.

    ``period`` is today, week (Monday to Sunday) or month, each the one that
    contains ``now`` in the zone. Otherwise ``date_from`` (included) and
    ``date_to`` (excluded) are local days: without ``date_to`` the period
    runs through today; without ``date_from`` it starts on ``earliest`` (the
    first day with data). With neither, this week.
    """
    today = now.astimezone(ZoneInfo(tz_name)).date()
    if period is not None and (date_from is not None or date_to is not None):
        raise E.InvalidInput("Choose a period or dates, not both.")
    if period is None and date_from is None and date_to is None:
        period = "week"
    if period is not None:
        name = period.strip().lower()
        if name == "today":
            return make_period(name, tz_name, today, today + timedelta(days=1))
        if name == "week":
            monday = today - timedelta(days=today.weekday())
            return make_period(name, tz_name, monday, monday + timedelta(days=7))
        if name == "month":
            first = today.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            return make_period(name, tz_name, first, following)
        raise E.InvalidInput(f"Period {period!r} is not one of {', '.join(PERIODS)}.")
    end_day = parse_day(date_to, "End date") if date_to is not None else today + timedelta(days=1)
    if date_from is not None:
        first_day = parse_day(date_from, "Start date")
    else:
        first_day = min(earliest or end_day - timedelta(days=1), end_day - timedelta(days=1))
    return make_period("custom", tz_name, first_day, end_day)


def instant(value: date | str | datetime | None, tz_name: str, what: str) -> datetime | None:
    """A filter bound: an aware datetime as is, a day as its local midnight."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise E.InvalidInput(f"{what} needs a time zone.")
        return value.astimezone(timezone.utc)
    return local_midnight(parse_day(value, what), ZoneInfo(tz_name))
