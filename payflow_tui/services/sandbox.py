"""Sandbox databases: a stored clock an admin can move forward, like a test clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..clock import parse_duration
from . import errors as E
from .base import ServiceBase, Session


class SandboxMixin(ServiceBase):
    def advance_clock(self, session: Session, by: str | timedelta) -> datetime:
        """Move a sandbox's business clock forward. Callers: ADMIN, sandbox only.

        Everything that reads the clock (deposit expiry, renewals, fraud
        windows) follows. Returns the new business time.
        """
        if isinstance(by, str):
            try:
                by = parse_duration(by)
            except ValueError as exc:
                raise E.InvalidInput(str(exc)) from None
        if by <= timedelta(0):
            raise E.InvalidInput("The clock only moves forward.")
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            if self._setting(conn, "sandbox") != "1":
                raise E.NotSandbox("This is not a sandbox database; its clock cannot be changed.")
            offset = int(self._setting(conn, "clock_offset_seconds")) + int(by.total_seconds())
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
