"""Sandbox databases: a stored clock an admin can move forward, like a test clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..clock import parse_duration
from . import errors as E
from .base import ServiceBase, Session

MAX_OFFSET_SECONDS = 100 * 366 * 24 * 3600


class SandboxMixin(ServiceBase):
    def advance_clock(self, session: Session, by: str | timedelta) -> datetime:
        """Move a sandbox's business clock forward. Callers: ADMIN, sandbox only.

        Everything that reads the clock (deposit expiry, renewals, fraud
        windows) follows. Returns the new business time.
        """
        if isinstance(by, str):
            try:
                by = parse_duration(by)
            except (ValueError, OverflowError):
                raise E.InvalidInput(f"Duration {by!r} is not like 31d, 12h or 90m.") from None
        if not isinstance(by, timedelta):
            raise E.InvalidInput("Give the duration as text such as 31d, 12h or 90m.")
        if by < timedelta(seconds=1):
            raise E.InvalidInput("The clock only moves forward, by a second or more.")
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            if self._setting(conn, "sandbox") != "1":
                raise E.NotSandbox("This is not a sandbox database; its clock cannot be changed.")
            offset = int(self._setting(conn, "clock_offset_seconds")) + int(by.total_seconds())
            if offset > MAX_OFFSET_SECONDS:
                # Far enough for any renewal cycle; much further and dates overflow year 9999.
                raise E.InvalidInput("A sandbox clock moves at most 100 years ahead of real time.")
            self._put_setting(conn, "clock_offset_seconds", str(offset))
            self._audit(conn, "CLOCK_ADVANCED", actor_id=actor["id"], by_seconds=int(by.total_seconds()))
            return self._now(conn)

    def clock_info(self) -> dict:
        """The business time and whether it can move. Anyone may read it."""
        conn = self._conn()
        return {
            "now": self._now(conn),
            "sandbox": self._setting(conn, "sandbox") == "1",
            "offset_seconds": int(self._setting(conn, "clock_offset_seconds")),
        }
