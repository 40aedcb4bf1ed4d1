"""The event outbox: every wallet event written in the transaction of its change.

Because the event row commits or rolls back with the change itself, no event
is lost and none describes a change that never happened. Delivery (webhooks,
email) reads the outbox later, outside any money transaction.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import datetime

from ..clock import to_iso
from ..money import to_major_str
from .base import ServiceBase

KNOWN_EVENT_TYPES = (
    "deposit.requested", "deposit.confirmed", "deposit.rejected", "deposit.expired",
    "withdrawal.completed",
    "transfer.sent", "transfer.received",
    "wallet.frozen", "wallet.unfrozen",
    "subscription.charged", "subscription.suspended", "subscription.expired",
    "alert.opened",
)
EVENT_FAMILIES = tuple(sorted({t.split(".")[0] for t in KNOWN_EVENT_TYPES}))
# Fraud alerts concern staff: an account holder is never told one is open on them.
STAFF_ONLY_FAMILIES = ("alert",)
# Payload fields holding money (minor units): carried as "1500.00" strings.
MONEY_FIELDS = {"amount", "balance", "price", "total", "fee", "sent_total", "threshold"}


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def payload_json(payload: dict) -> dict:
    """The JSON form of an event's payload: money as decimal strings, times ISO 8601."""
    out = {}
    for key, value in payload.items():
        if key in MONEY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            value = to_major_str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[key] = value
    return out


def event_matches(patterns: list[str], event_type: str) -> bool:
    """Whether an endpoint subscribed to ``patterns`` wants ``event_type``
    (no patterns: every type; ``family.*``: every type of that family)."""
    if not patterns:
        return True
    family = event_type.split(".")[0]
    return any(p == event_type or p == f"{family}.*" for p in patterns)


class OutboxMixin(ServiceBase):
    def _emit(self, conn: sqlite3.Connection, event_type: str, *, user_id: int | None,
              **payload: object) -> None:
        super()._emit(conn, event_type, user_id=user_id, **payload)
        data = payload_json(payload)
        wallet_id = payload.get("wallet_id")
        if "currency" not in data and isinstance(wallet_id, int):
            row = conn.execute("SELECT currency FROM wallets WHERE id = ?", (wallet_id,)).fetchone()
            if row is not None:
                data["currency"] = row[0]
        conn.execute(
            "INSERT INTO outbox (event_id, type, user_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
            (new_event_id(), event_type, user_id,
             json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str),
             to_iso(self._now(conn))),
        )
