"""The one clock. Every timestamp, expiry and time window reads a Clock.

A clock is any callable returning an aware UTC datetime; tests pass their own.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class FrozenClock:
    """A clock that moves only when told: for tests and snapshots."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.now = start.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


_last_iso: tuple[datetime | None, str] = (None, "")


def to_iso(dt: datetime) -> str:
    """Stored form: fixed-width UTC ISO 8601, so text order is time order."""
    # A money movement stamps several rows with the same instant: format it once.
    global _last_iso
    last, text = _last_iso
    if dt is last:
        return text
    text = dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    _last_iso = (dt, text)
    return text


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


_UNITS = {"d": "days", "h": "hours", "m": "minutes", "w": "weeks", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """``31d``, ``12h``, ``90m`` (and ``2w``, ``30s``) into a positive timedelta."""
    s = (text or "").strip().lower()
    if len(s) < 2 or s[-1] not in _UNITS or not s[:-1].isdigit() or not s[:-1].isascii():
        raise ValueError(f"Duration {text!r} is not like 31d, 12h or 90m.")
    value = int(s[:-1])
    if value <= 0:
        raise ValueError("Duration must be greater than zero.")
    return timedelta(**{_UNITS[s[-1]]: value})
