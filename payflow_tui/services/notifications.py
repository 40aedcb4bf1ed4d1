"""Notifications: the logged-in user's own events, told as sentences, read or unread."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from ..clock import from_iso, to_iso
from . import errors as E
from .base import STAFF, ServiceBase, Session
from .delivery import _names
from .outbox import STAFF_ONLY_FAMILIES
from .sentences import people_named, sentence
from .views import Page, View


@dataclass(frozen=True)
class NotificationView(View):
    id: int
    event_id: str
    type: str
    text: str
    created_at: datetime
    read: bool
    reference: str | None = None  # the movement's reference, when the event is about one


def _visible(role: str) -> tuple[str, list]:
    if role in STAFF:
        return "", []
    marks = ",".join("?" * len(STAFF_ONLY_FAMILIES))
    return f" AND substr(type, 1, instr(type, '.') - 1) NOT IN ({marks})", list(STAFF_ONLY_FAMILIES)


class NotificationsMixin(ServiceBase):
    def notifications(self, session: Session, after_id: int | None = None, *, before_id: int | None = None,
                      limit: int = 50, unread_only: bool = False) -> Page:
        """The caller's own events as sentences, newest first. Any role, for themself.

        ``after_id``: only events newer than it (what a toast polls for);
        ``before_id``: the next page back (the previous page's ``next_cursor``).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
            raise E.InvalidInput("Limit must be a whole number from 1 to 500.")
        with self._read() as conn:
            actor = self._actor(conn, session)
            hidden, hidden_args = _visible(actor["role"])
            sql = "SELECT * FROM outbox WHERE user_id = ? AND id > ? AND id < ?" + hidden
            args: list = [actor["id"], after_id or 0, before_id or 2**62, *hidden_args]
            if unread_only:
                sql += " AND read_at IS NULL"
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit + 1)).fetchall()
            payloads = {r["id"]: json.loads(r["payload"]) for r in rows[:limit]}
            names = _names(conn, sorted({e for p in payloads.values() for e in people_named(p)}))
        items = [
            NotificationView(r["id"], r["event_id"], r["type"], sentence(r["type"], payloads[r["id"]], names),
                             from_iso(r["created_at"]), r["read_at"] is not None,
                             payloads[r["id"]].get("reference") or payloads[r["id"]].get("transfer_ref"))
            for r in rows[:limit]
        ]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def unread_notifications(self, session: Session) -> int:
        """How many of the caller's notifications are unread. Any role, for themself."""
        with self._read() as conn:
            actor = self._actor(conn, session)
            hidden, hidden_args = _visible(actor["role"])
            return conn.execute("SELECT count(*) FROM outbox WHERE user_id = ? AND read_at IS NULL" + hidden,
                                (actor["id"], *hidden_args)).fetchone()[0]

    def mark_notifications_read(self, session: Session, ids: list[int] | None = None) -> int:
        """Mark the caller's notifications read: those in ``ids``, or all of them.
        Any role, for themself; others' ids are ignored. Returns how many changed."""
        if ids is not None and any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise E.InvalidInput("Notification ids are whole numbers.")
        with self._write() as conn:
            actor = self._actor(conn, session)
            now = to_iso(self._now(conn))
            sql, args = "UPDATE outbox SET read_at = ? WHERE user_id = ? AND read_at IS NULL", [now, actor["id"]]
            if ids is not None:
                if not ids:
                    return 0
                sql += f" AND id IN ({','.join('?' * len(ids))})"
                args += list(ids)
            return conn.execute(sql, args).rowcount
