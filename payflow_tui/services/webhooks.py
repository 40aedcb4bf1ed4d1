"""Webhook endpoints and their delivery log, managed by admins."""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ..clock import from_iso, to_iso
from . import errors as E
from .base import ServiceBase, Session
from .delivery import RETRY_FOR
from .outbox import EVENT_FAMILIES, KNOWN_EVENT_TYPES
from .views import Page, View

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
DELIVERY_STATUSES = ("PENDING", "DELIVERED", "DEAD", "CANCELLED")
CHANNELS = ("WEBHOOK", "EMAIL")


@dataclass(frozen=True)
class WebhookEndpointView(View):
    id: int
    url: str
    event_types: list
    secret_hint: str
    description: str | None
    created_at: datetime
    removed_at: datetime | None
    pending: int
    delivered: int
    dead: int


@dataclass(frozen=True)
class DeliveryView(View):
    id: int
    channel: str
    event_id: str
    event_type: str
    endpoint_id: int | None
    destination: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise E.InvalidInput(f"{url!r} is not an http(s) URL.")
    if parts.username or parts.password:
        raise E.InvalidInput("Put credentials in the signing secret, not in the URL.")
    # Events carry people's money movements: only a receiver on this machine may get them unencrypted.
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise E.InvalidInput("A webhook URL must use https (plain http only to this machine).")
    return url


def check_secret(secret: str | None) -> str:
    if secret is None:
        return "whsec_" + secrets.token_urlsafe(24)
    secret = secret.strip()
    if not 16 <= len(secret) <= 200 or not secret.isascii() or not secret.isprintable() or " " in secret:
        raise E.InvalidInput("A signing secret is 16 to 200 printable ASCII characters without spaces.")
    return secret


def check_event_types(event_types) -> list[str]:
    if event_types is None:
        return []
    if isinstance(event_types, str):
        event_types = event_types.split(",")
    chosen = sorted({t.strip().lower() for t in event_types if t and t.strip()})
    families = {f"{f}.*" for f in EVENT_FAMILIES}
    unknown = [t for t in chosen if t not in KNOWN_EVENT_TYPES and t not in families]
    if unknown:
        raise E.InvalidInput(
            f"Unknown event type(s) {', '.join(unknown)}; choose from {', '.join(KNOWN_EVENT_TYPES)}"
            f" or a family such as transfer.*."
        )
    return chosen


def _hint(secret: str) -> str:
    return f"{secret[:6]}…{secret[-4:]}"


def _dt(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


_ENDPOINT_SELECT = (
    "SELECT e.*,"
    " (SELECT count(*) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status = 'PENDING') AS pending,"
    " (SELECT count(*) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status = 'DELIVERED') AS delivered,"
    " (SELECT count(*) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status = 'DEAD') AS dead"
    " FROM webhook_endpoints e"
)

_DELIVERY_SELECT = (
    "SELECT d.*, o.event_id AS evt, o.type AS event_type, e.url, u.email AS user_email"
    " FROM deliveries d JOIN outbox o ON o.id = d.event_id"
    " LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id LEFT JOIN users u ON u.id = o.user_id"
)


def endpoint_view(row) -> WebhookEndpointView:
    return WebhookEndpointView(
        id=row["id"], url=row["url"], event_types=json.loads(row["event_types"]),
        secret_hint=_hint(row["secret"]), description=row["description"],
        created_at=from_iso(row["created_at"]), removed_at=_dt(row["removed_at"]),
        pending=row["pending"], delivered=row["delivered"], dead=row["dead"],
    )


def delivery_view(row) -> DeliveryView:
    return DeliveryView(
        id=row["id"], channel=row["channel"], event_id=row["evt"], event_type=row["event_type"],
        endpoint_id=row["endpoint_id"],
        destination=row["url"] if row["channel"] == "WEBHOOK" else (row["user_email"] or ""),
        status=row["status"], attempts=row["attempts"], next_attempt_at=_dt(row["next_attempt_at"]),
        last_attempt_at=_dt(row["last_attempt_at"]), last_status_code=row["last_status_code"],
        last_error=row["last_error"], delivered_at=_dt(row["delivered_at"]),
        created_at=from_iso(row["created_at"]),
    )


class WebhooksMixin(ServiceBase):
    def add_webhook(self, session: Session, url: str, secret: str | None = None,
                    event_types=None, description: str | None = None) -> tuple[WebhookEndpointView, str]:
        """Register an endpoint for events (every type when ``event_types`` is empty).

        Callers: ADMIN. Returns the endpoint and its signing secret (generated
        when none is given; shown here only). Refuses a non-http(s) URL, plain
        http to another machine, a short secret and unknown event types.
        """
        url, secret, types = check_url(url), check_secret(secret), check_event_types(event_types)
        description = " ".join((description or "").split())[:200] or None
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            endpoint_id = conn.execute(
                "INSERT INTO webhook_endpoints (url, secret, event_types, description, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (url, secret, json.dumps(types), description, actor["id"], to_iso(self._now(conn))),
            ).lastrowid
            self._audit(conn, "WEBHOOK_ADDED", actor_id=actor["id"], endpoint_id=endpoint_id, url=url,
                        event_types=types or ["*"])
            return self._endpoint(conn, endpoint_id), secret

    def webhooks(self, session: Session, *, include_removed: bool = False) -> list[WebhookEndpointView]:
        """Registered endpoints with their delivery counts. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            where = "" if include_removed else " WHERE e.removed_at IS NULL"
            return [endpoint_view(r) for r in conn.execute(_ENDPOINT_SELECT + where + " ORDER BY e.id")]

    def remove_webhook(self, session: Session, endpoint_id: int) -> WebhookEndpointView:
        """Stop sending to an endpoint; its pending deliveries are cancelled. Callers: ADMIN."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            endpoint = self._endpoint(conn, endpoint_id)
            if endpoint.removed_at is not None:
                raise E.Conflict(f"Webhook {endpoint_id} was already removed.")
            now = to_iso(self._now(conn))
            conn.execute("UPDATE webhook_endpoints SET removed_at = ? WHERE id = ?", (now, endpoint_id))
            conn.execute("UPDATE deliveries SET status = 'CANCELLED', claim_token = NULL, claimed_until = NULL"
                         " WHERE endpoint_id = ? AND status = 'PENDING'", (endpoint_id,))
            self._audit(conn, "WEBHOOK_REMOVED", actor_id=actor["id"], endpoint_id=endpoint_id,
                        url=endpoint.url)
            return self._endpoint(conn, endpoint_id)

    def webhook_deliveries(self, session: Session, *, endpoint_id: int | None = None,
                           status: str | None = None, channel: str = "WEBHOOK",
                           event_id: str | None = None, limit: int = 50,
                           before_id: int | None = None) -> Page:
        """Deliveries, newest first: webhooks by default, or ``channel='EMAIL'``.

        Callers: ADMIN. Filters: endpoint, status, event id.
        """
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            raise E.InvalidInput("Limit must be a whole number from 1 to 1000.")
        channel = (channel or "").strip().upper()
        if channel not in CHANNELS:
            raise E.InvalidInput(f"Channel must be one of {', '.join(CHANNELS)}.")
        where, args = ["d.channel = ?", "d.id < ?"], [channel, before_id or 2**62]
        if endpoint_id is not None:
            where.append("d.endpoint_id = ?")
            args.append(endpoint_id)
        if status:
            status = status.strip().upper()
            if status not in DELIVERY_STATUSES:
                raise E.InvalidInput(f"Status must be one of {', '.join(DELIVERY_STATUSES)}.")
            where.append("d.status = ?")
            args.append(status)
        if event_id:
            where.append("o.event_id = ?")
            args.append(event_id.strip())
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            rows = conn.execute(_DELIVERY_SELECT + " WHERE " + " AND ".join(where)
                                + " ORDER BY d.id DESC LIMIT ?", (*args, limit + 1)).fetchall()
        items = [delivery_view(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def delivery_attempts(self, session: Session, delivery_id: int) -> list[dict]:
        """Every attempt of one delivery, oldest first. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            self._delivery(conn, delivery_id)
            return [
                {"at": from_iso(r["attempted_at"]), "outcome": r["outcome"],
                 "status_code": r["status_code"], "error": r["error"]}
                for r in conn.execute("SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id",
                                      (delivery_id,))
            ]

    def redeliver(self, session: Session, delivery_id: int) -> DeliveryView:
        """Send a delivery again now (dead, delivered or waiting), with a fresh
        three days of retries. Callers: ADMIN. Refuses a removed endpoint's."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            row = self._delivery(conn, delivery_id)
            if row["channel"] == "WEBHOOK":
                removed = conn.execute("SELECT removed_at FROM webhook_endpoints WHERE id = ?",
                                       (row["endpoint_id"],)).fetchone()[0]
                if removed:
                    raise E.Conflict(f"Webhook {row['endpoint_id']} was removed; its deliveries cannot be sent.")
            now = self._now(conn)
            conn.execute(
                "UPDATE deliveries SET status = 'PENDING', next_attempt_at = ?, retry_until = ?,"
                " claim_token = NULL, claimed_until = NULL WHERE id = ?",
                (to_iso(now), to_iso(now + RETRY_FOR), delivery_id),
            )
            self._audit(conn, "WEBHOOK_REDELIVERED", actor_id=actor["id"], delivery_id=delivery_id,
                        event_id=row["evt"], previous_status=row["status"])
            return delivery_view(self._delivery(conn, delivery_id))

    def _endpoint(self, conn: sqlite3.Connection, endpoint_id: int) -> WebhookEndpointView:
        row = conn.execute(_ENDPOINT_SELECT + " WHERE e.id = ?", (endpoint_id,)).fetchone()
        if row is None:
            raise E.NotFound(f"No webhook with id {endpoint_id}.")
        return endpoint_view(row)

    def _delivery(self, conn: sqlite3.Connection, delivery_id: int) -> sqlite3.Row:
        row = conn.execute(_DELIVERY_SELECT + " WHERE d.id = ?", (delivery_id,)).fetchone()
        if row is None:
            raise E.NotFound(f"No delivery with id {delivery_id}.")
        return row
