"""Which of the signed-in user's notifications are new since the app last looked.

The app asks after every change to the database (the live-update poll); the
first look after a login only sets the marker, so old events are not toasted
again, they wait in the notifications list.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

# More new events than this at once are summed up in one toast.
MAX_TOASTS = 3
# Events a user only ever causes themself: the screen that did it already said so.
OWN_DOING = {"transfer.sent"}


@dataclass
class Notices:
    """What one look found: events to toast (newest first), how many more (``flood``: at
    least that many), and the unread count."""

    new: list = field(default_factory=list)
    more: int = 0
    unread: int = 0
    flood: bool = False


class NotificationWatch:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: str | None = None
        self._last_id: int | None = None

    def look(self, pf: Any, session: Any) -> Notices:
        """Fetch what arrived since the last look (run in a worker, never counted as activity)."""
        with self._lock, pf.unattended():
            if session.token != self._token:
                # A new login: start from what is there now.
                self._token, self._last_id = session.token, None
            if self._last_id is None:
                page = pf.notifications(session, limit=1)
                self._last_id = page.items[0].id if page.items else 0
                return Notices(unread=pf.unread_notifications(session))
            page = pf.notifications(session, after_id=self._last_id, limit=50)
            if page.items:
                self._last_id = page.items[0].id
            if page.has_more:
                # A flood (the app was away a long time): jump to the newest.
                newest = pf.notifications(session, limit=1).items
                self._last_id = newest[0].id if newest else self._last_id
            fresh = [n for n in page.items if n.type not in OWN_DOING]
            return Notices(fresh[:MAX_TOASTS], max(len(fresh) - MAX_TOASTS, 0),
                           pf.unread_notifications(session), page.has_more)

    def forget(self) -> None:
        with self._lock:
            self._token, self._last_id = None, None
