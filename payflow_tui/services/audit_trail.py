"""Reading the audit trail: what its filters offer, and days in the bank's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .base import ServiceBase, Session
from .chain import first_broken_audit_row, last_link
from .fraud_views import AuditChainStatus


class AuditTrailMixin(ServiceBase):
    def audit_actions(self, session: Session) -> list[str]:
        """Every kind of event the audit log holds, for a filter's choices. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            return [r[0] for r in conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]

    def audit_chain_status(self, session: Session) -> AuditChainStatus:
        """Walk the audit log's hash chain and name its first broken row, if any (the
        audit half of ``verify``, for the audit screen). Callers: ADMIN.

        It reads every row, so it costs time in proportion to the log: screens run
        it in a worker when asked, not on every reload.
        """
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            now = self._now(conn)
            last_id, _ = last_link(conn, "audit_log")
            broken = first_broken_audit_row(conn)
        if broken is None:
            return AuditChainStatus(last_id, None, None, now)
        return AuditChainStatus(last_id, broken[0], broken[1], now)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """Local midnight to the next local midnight of ``day`` in the configured time
        zone, as aware datetimes: a date typed as a filter means that day where the
        bank is. Anyone may call it."""
        zone = ZoneInfo(self._setting(self._conn(), "timezone"))
        start = datetime.combine(day, time(0), tzinfo=zone)
        return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
