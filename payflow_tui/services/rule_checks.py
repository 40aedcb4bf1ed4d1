"""The conditions of the movement rules: each reads the database inside the
movement's own transaction and says whether, and why, its rule fires.

``phase`` is "before" (the movement is about to happen: a blocking check sees
what the totals would become) or "after" (the movement's transaction rows are
written, SUCCESS or FAILED, and count like any other).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from ..clock import from_iso, to_iso
from ..money import format_amount
from .base import Movement

OUTGOING = ("WITHDRAWAL", "TRANSFER")
_SENT = ("t.type = 'TRANSFER' AND t.direction = 'DEBIT' AND t.status = 'SUCCESS'")


@dataclass
class Finding:
    """Why a rule fired: for the alert (summary, details, transactions), the customer
    (``refusal``, when it blocks) and the lock or freeze (``reason``).

    ``transaction_ids`` are linked to the alert every time; ``opening_ids`` (the
    history that led up to it, possibly long) only when a new alert is opened.
    """

    summary: str
    reason: str
    refusal: str
    details: dict = field(default_factory=dict)
    transaction_ids: list[int] = field(default_factory=list)
    opening_ids: Callable[[], list[int]] | None = None
    extend_since: datetime | None = None


def repeated_failures(conn: sqlite3.Connection, mv: Movement, p: dict, phase: str) -> Finding | None:
    """More than ``max_failures`` FAILED payments (withdrawals and transfers) a user
    started on their own wallet within ``window_minutes`` (both ends included).
    Counts every refusal recorded as a FAILED row, this movement's own included. A
    teller's refused attempt for a customer counts against neither; deposits and
    subscription charges are not payments the customer tried to make."""
    if phase != "after" or mv.status != "FAILED" or mv.actor_id != mv.user_id or mv.kind not in OUTGOING:
        return None
    since = mv.now - timedelta(minutes=p["window_minutes"])
    ids = [r[0] for r in conn.execute(
        "SELECT t.id FROM transactions t WHERE t.actor_user_id = ? AND t.wallet_id = ?"
        " AND t.status = 'FAILED' AND t.type IN ('WITHDRAWAL', 'TRANSFER')"
        " AND t.created_at >= ? AND t.created_at <= ? ORDER BY t.id",
        (mv.actor_id, mv.wallet_id, to_iso(since), to_iso(mv.now)),
    )]
    if len(ids) <= p["max_failures"]:
        return None
    words = f"{len(ids)} failed payments within {p['window_minutes']} minutes"
    return Finding(
        summary=f"{words} (more than {p['max_failures']})", reason=words, refusal="",
        details={"failures": len(ids), "max_failures": p["max_failures"],
                 "window_minutes": p["window_minutes"]},
        transaction_ids=ids, extend_since=since,
    )


def day_start(now: datetime, day: str, zone: ZoneInfo) -> datetime:
    """Where "today" begins: local midnight in the configured zone, or 24 h ago."""
    if day == "rolling":
        return now - timedelta(hours=24)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


def daily_transfer_out(conn: sqlite3.Connection, mv: Movement, p: dict, phase: str, *,
                       zone: ZoneInfo, limit_key: str = "threshold") -> Finding | None:
    """More than ``p[limit_key]`` sent by transfer from one wallet in a day, this
    transfer included (before it happens, its amount is added)."""
    limit = p.get(limit_key)
    if mv.kind != "TRANSFER" or limit is None or (phase == "after" and mv.status != "SUCCESS"):
        return None
    since = day_start(mv.now, p["day"], zone)
    window = (mv.wallet_id, to_iso(since), to_iso(mv.now))
    total, count = conn.execute(
        f"SELECT coalesce(sum(t.amount), 0), count(*) FROM transactions t WHERE t.wallet_id = ? AND {_SENT}"
        " AND t.created_at >= ? AND t.created_at <= ?", window,
    ).fetchone()
    if phase == "before":
        total, count = total + mv.amount, count + 1
    if total <= limit:
        return None
    day = "today" if p["day"] == "calendar" else "in the last 24 hours"
    return Finding(
        summary=f"{format_amount(total)} sent {day}, above {format_amount(limit)}",
        reason=f"more than {format_amount(limit)} sent {day}",
        refusal=(f"This transfer would take what you sent {day} to {format_amount(total)},"
                 f" above the limit of {format_amount(limit)}"),
        details={"total": total, "threshold": limit, "day": p["day"], "since": since.isoformat(),
                 "transfers": count},
        opening_ids=lambda: [r[0] for r in conn.execute(
            f"SELECT t.id FROM transactions t WHERE t.wallet_id = ? AND {_SENT}"
            " AND t.created_at >= ? AND t.created_at <= ? ORDER BY t.id", window)],
        extend_since=since,
    )


def new_recipients(conn: sqlite3.Connection, mv: Movement, p: dict, phase: str) -> Finding | None:
    """Transfers to more than ``max_new_recipients`` first-time recipients within
    ``window_minutes``; fires on a transfer that is itself to a first-time recipient."""
    if mv.kind != "TRANSFER" or mv.counterparty_wallet_id is None:
        return None
    if phase == "after" and mv.status != "SUCCESS":
        return None
    own = f" AND t.id NOT IN ({','.join('?' * len(mv.transaction_ids))})" if mv.transaction_ids else ""
    paid_before = conn.execute(
        f"SELECT 1 FROM transactions t WHERE t.wallet_id = ? AND t.counterparty_wallet_id = ? AND {_SENT}"
        f"{own} LIMIT 1",
        (mv.wallet_id, mv.counterparty_wallet_id, *mv.transaction_ids),
    ).fetchone()
    if paid_before:
        return None
    since = mv.now - timedelta(minutes=p["window_minutes"])
    firsts = [r[0] for r in conn.execute(
        f"SELECT min(t.id) FROM transactions t WHERE t.wallet_id = ? AND {_SENT}"
        " AND t.created_at >= ? AND t.created_at <= ? AND NOT EXISTS ("
        "   SELECT 1 FROM transactions e WHERE e.wallet_id = t.wallet_id"
        "   AND e.counterparty_wallet_id = t.counterparty_wallet_id AND e.type = 'TRANSFER'"
        "   AND e.direction = 'DEBIT' AND e.status = 'SUCCESS' AND e.created_at < ?)"
        " GROUP BY t.counterparty_wallet_id ORDER BY 1",
        (mv.wallet_id, to_iso(since), to_iso(mv.now), to_iso(since)),
    )]
    count = len(firsts) + (1 if phase == "before" else 0)
    if count <= p["max_new_recipients"]:
        return None
    words = f"transfers to {count} first-time recipients within {p['window_minutes']} minutes"
    return Finding(
        summary=f"{words[0].upper()}{words[1:]} (more than {p['max_new_recipients']})",
        reason=words, refusal="This transfer was stopped by a security check on new recipients",
        details={"new_recipients": count, "max_new_recipients": p["max_new_recipients"],
                 "window_minutes": p["window_minutes"]},
        transaction_ids=firsts, extend_since=since,
    )


def large_after_security_change(conn: sqlite3.Connection, mv: Movement, p: dict,
                                phase: str) -> Finding | None:
    """A withdrawal or transfer of more than ``amount_over`` within ``window_hours`` of
    the wallet owner's password change or an admin's unlock (the password set at
    sign-up is not a change)."""
    if mv.kind not in OUTGOING or mv.amount <= p["amount_over"]:
        return None
    if phase == "after" and mv.status != "SUCCESS":
        return None
    user = conn.execute("SELECT email, created_at, password_changed_at, unlocked_at FROM users"
                        " WHERE id = ?", (mv.user_id,)).fetchone()
    since = mv.now - timedelta(hours=p["window_hours"])
    events = []
    if user["password_changed_at"] and user["password_changed_at"] != user["created_at"]:
        events.append((from_iso(user["password_changed_at"]), "a password change"))
    if user["unlocked_at"]:
        events.append((from_iso(user["unlocked_at"]), "an unlock"))
    recent = [(at, what) for at, what in events if since <= at <= mv.now]
    if not recent:
        return None
    at, what = max(recent)
    hours = (mv.now - at).total_seconds() / 3600
    kind = mv.kind.lower()
    return Finding(
        summary=f"{format_amount(mv.amount)} {kind} {hours:.1f} h after {what}",
        reason=f"a large {kind} soon after {what}",
        refusal=f"This {kind} was stopped by a security check after a recent account change",
        details={"amount": mv.amount, "amount_over": p["amount_over"], "event": what,
                 "event_at": at.isoformat(), "window_hours": p["window_hours"]},
        transaction_ids=list(mv.transaction_ids), extend_since=at,
    )
