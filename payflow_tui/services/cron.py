"""Cron schedule arithmetic in a local time zone, with croniter.

The schedule is read in local wall-clock time. When clocks go back, a wall
time that happens twice fires once (the first time); when clocks go forward,
a wall time that never happens fires at the change, as croniter does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_SCHEDULE = "0 0 * * *"
_EPSILON = timedelta(microseconds=1)


def croniter(*args, **kwargs):
    """croniter, imported on first use: the app's start-up never needs it."""
    from croniter import croniter as real

    return real(*args, **kwargs)


def _is_valid(expr: str) -> bool:
    from croniter import croniter as real

    return real.is_valid(expr)


def valid_schedule(expr: str) -> bool:
    """A standard five-field cron expression (minute hour day month weekday)."""
    return isinstance(expr, str) and len(expr.split()) == 5 and _is_valid(expr)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _wall(dt: datetime) -> datetime:
    return dt.replace(tzinfo=None)


def latest_fire(expr: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The most recent fire time at or before ``now``, in UTC."""
    fire = croniter(expr, (now + _EPSILON).astimezone(tz)).get_prev(datetime)
    earlier = croniter(expr, fire).get_prev(datetime)
    if _wall(earlier) == _wall(fire):  # the repeat of a wall time when clocks went back
        fire = earlier
    return fire.astimezone(timezone.utc)


def next_fire(expr: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The first fire time after ``now``, in UTC (a repeated wall time is skipped)."""
    last_wall = _wall(croniter(expr, (now + _EPSILON).astimezone(tz)).get_prev(datetime))
    it = croniter(expr, now.astimezone(tz))
    fire = it.get_next(datetime)
    while _wall(fire) == last_wall:
        fire = it.get_next(datetime)
    return fire.astimezone(timezone.utc)
