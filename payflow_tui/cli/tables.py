"""Aligned plain-text tables and short times for human output."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Iterable, Sequence


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, right: Iterable[int] = ()) -> str:
    """Columns padded to their widest cell; ``right`` holds the indexes of
    right-aligned columns (amounts), so decimal points line up."""
    right = set(right)
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))

    def line(row: Sequence[str]) -> str:
        out = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def when(dt: datetime | None, zone: tzinfo = timezone.utc) -> str:
    """A time to read at a glance, in the bank's zone, to the minute (JSON keeps the offset)."""
    if dt is None:
        return ""
    return dt.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def zone_label(zone: tzinfo) -> str:
    """A short name for column headers: WAT for Africa/Lagos."""
    return datetime.now(timezone.utc).astimezone(zone).strftime("%Z") or str(zone)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
