"""Delivering events: signed webhooks and notification emails, with retries.

One pass never holds the write lock while talking to the network:
  1. a short write transaction fans new events out into deliveries and
     claims the due ones for a lease (a claim token and an expiry);
  2. the POSTs and emails happen with no transaction open;
  3. each outcome is recorded in its own short transaction, against the
     claim token, so a runner whose lease lapsed cannot overwrite another's.
Delivery is at least once: receivers deduplicate by the event id.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import from_iso, to_iso
from . import mailer, signing
from .admin import SWITCH_EXPECTS, is_switch, register_setting, whole_number
from .base import ServiceBase
from .outbox import STAFF_ONLY_FAMILIES, event_matches
from .sentences import people_named, sentence

if TYPE_CHECKING:  # httpx and email load only when something is delivered: start-up stays light
    from email.message import EmailMessage

    import httpx

RETRY_FIRST = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
RETRY_FOR = timedelta(days=3)
USER_AGENT = "PayFlow-Webhooks/1"
FAN_OUT_BATCH = 1000


def timeout_ms(text: str) -> int | None:
    """The webhook timeout setting ("10", "2.5": seconds, up to 3 decimals) in whole
    milliseconds, or None when it is not such a number from 0.1 to 120. Kept in
    integers like every other quantity here; seconds as a float only for httpx."""
    match = re.fullmatch(r"([0-9]{1,3})(?:\.([0-9]{1,3}))?", text)
    if match is None:
        return None
    ms = int(match[1]) * 1000 + int((match[2] or "0").ljust(3, "0"))
    return ms if 100 <= ms <= 120_000 else None


register_setting("webhook_timeout_seconds", "10", lambda v: timeout_ms(v) is not None,
                 "seconds from 0.1 to 120, e.g. 10 or 2.5")
register_setting("email_notifications", "1", is_switch, SWITCH_EXPECTS)
# Relative folders are taken from the database's own folder: data/outbox/ for data/payflow.db.
register_setting("email_outbox_dir", "outbox", lambda v: 0 < len(v) <= 500 and "\x00" not in v,
                 "a folder path of 1 to 500 characters")
register_setting("smtp_host", "", lambda v: len(v) <= 253 and " " not in v,
                 "a host name without spaces, or nothing")
register_setting("smtp_port", "25", whole_number(1, 65535),
                 "a port number from 1 to 65535")
register_setting("smtp_from", "PayFlow <no-reply@payflow.local>", lambda v: "@" in v and len(v) <= 254,
                 "an e-mail address, e.g. PayFlow <no-reply@bank.ng>")
register_setting("smtp_starttls", "0", is_switch, SWITCH_EXPECTS)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1 minute, doubling, at most 6 hours."""
    return min(RETRY_FIRST * (2 ** min(max(attempts - 1, 0), 20)), RETRY_CAP)


@dataclass
class _Job:
    delivery_id: int
    token: str
    channel: str
    attempt: int
    event_id: str
    event_type: str
    body: bytes = b""
    url: str = ""
    secret: str = ""
    email: EmailMessage | None = None


class DeliveryMixin(ServiceBase):
    def deliver_due_webhooks(self, limit: int = 50) -> dict:
        """One delivery pass: fan new events out, send what is due (webhooks and
        notification emails), record each outcome, schedule retries.

        A system task for the scheduler loop (no session). Returns counts:
        attempted, delivered, failed (will retry), dead, lost (lease lapsed).
        """
        jobs, settings = self._claim_due(limit)
        counts = {"attempted": len(jobs), "delivered": 0, "failed": 0, "dead": 0, "lost": 0}
        if not jobs:
            return counts
        client = None
        try:
            for job in jobs:
                sent_at = self._now()
                if job.channel == "WEBHOOK":
                    if client is None:
                        client = _http_client(timeout_ms(settings["webhook_timeout_seconds"]))
                    ok, code, error = _post(client, job, int(sent_at.timestamp()))
                else:
                    ok, code, error = self._send_email(job, settings)
                counts[self._record(job, sent_at, ok, code, error)] += 1
        finally:
            if client is not None:
                client.close()
        return counts

    # -- step 1: fan out and claim ---------------------------------------------------------

    def _nothing_due(self) -> bool:
        # Called every few seconds by the scheduler: when idle, a read, not the write lock.
        conn = self._conn()
        return conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE dispatched_at IS NULL)"
            " AND NOT EXISTS (SELECT 1 FROM deliveries WHERE status = 'PENDING' AND next_attempt_at <= ?)",
            (to_iso(self._now(conn)),),
        ).fetchone()[0] == 1

    def _claim_due(self, limit: int) -> tuple[list[_Job], dict]:
        if self._nothing_due():
            return [], {}
        with self._write() as conn:
            now = self._now(conn)
            settings = self._settings(conn)
            self._fan_out(conn, now, settings)
            rows = conn.execute(
                "SELECT d.*, o.event_id AS evt, o.type, o.user_id, o.payload, o.created_at AS event_at,"
                " e.url, e.secret FROM deliveries d JOIN outbox o ON o.id = d.event_id"
                " LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id"
                " WHERE d.status = 'PENDING' AND d.next_attempt_at <= ?"
                " AND (d.claimed_until IS NULL OR d.claimed_until <= ?)"
                " ORDER BY d.next_attempt_at, d.id LIMIT ?",
                (to_iso(now), to_iso(now), int(limit)),
            ).fetchall()
            if not rows:
                return [], settings
            token = secrets.token_hex(8)
            # Long enough for every claimed send to time out in turn, and then some.
            lease = (timedelta(milliseconds=len(rows) * 3 * timeout_ms(settings["webhook_timeout_seconds"]))
                     + timedelta(seconds=60))
            conn.executemany(
                "UPDATE deliveries SET claim_token = ?, claimed_until = ? WHERE id = ?",
                [(token, to_iso(now + lease), r["id"]) for r in rows],
            )
            jobs = [self._job(conn, r, token, settings) for r in rows]
            return jobs, settings

    def _fan_out(self, conn: sqlite3.Connection, now: datetime, settings: dict) -> None:
        events = conn.execute(
            "SELECT o.id, o.type, o.user_id, o.created_at, u.role FROM outbox o"
            " LEFT JOIN users u ON u.id = o.user_id WHERE o.dispatched_at IS NULL ORDER BY o.id LIMIT ?",
            (FAN_OUT_BATCH,),
        ).fetchall()
        if not events:
            return
        endpoints = [(r["id"], json.loads(r["event_types"]), r["created_at"]) for r in conn.execute(
            "SELECT id, event_types, created_at FROM webhook_endpoints WHERE removed_at IS NULL")]
        email_on = settings["email_notifications"] == "1"
        now_s, until_s = to_iso(now), to_iso(now + RETRY_FOR)
        rows = []
        for ev in events:
            for endpoint_id, patterns, created_at in endpoints:
                # An endpoint hears what happens after it was registered, not the past.
                if created_at <= ev["created_at"] and event_matches(patterns, ev["type"]):
                    rows.append((ev["id"], "WEBHOOK", endpoint_id))
            staff_only = ev["type"].split(".")[0] in STAFF_ONLY_FAMILIES
            if email_on and ev["user_id"] is not None and (not staff_only or ev["role"] in ("ADMIN", "TELLER")):
                rows.append((ev["id"], "EMAIL", None))
        conn.executemany(
            "INSERT OR IGNORE INTO deliveries (event_id, channel, endpoint_id, next_attempt_at, retry_until,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(*r, now_s, until_s, now_s) for r in rows],
        )
        conn.executemany("UPDATE outbox SET dispatched_at = ? WHERE id = ?", [(now_s, ev["id"]) for ev in events])

    def _job(self, conn: sqlite3.Connection, row: sqlite3.Row, token: str, settings: dict) -> _Job:
        job = _Job(row["id"], token, row["channel"], row["attempts"] + 1, row["evt"], row["type"])
        payload = json.loads(row["payload"])
        if row["channel"] == "WEBHOOK":
            envelope = {"id": row["evt"], "type": row["type"], "created_at": from_iso(row["event_at"]).isoformat(),
                        "user_id": row["user_id"], "data": payload}
            job.body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            job.url, job.secret = row["url"], row["secret"]
            return job
        user = conn.execute("SELECT email, name FROM users WHERE id = ?", (row["user_id"],)).fetchone()
        names = _names(conn, people_named(payload))
        details = [("Time", from_iso(row["event_at"]).strftime("%Y-%m-%d %H:%M UTC"))]
        ref = payload.get("reference") or payload.get("transfer_ref")
        if ref:
            details.insert(0, ("Reference", str(ref)))
        job.email = mailer.build_email(
            event_id=row["evt"], to_email=user["email"], to_name=user["name"], from_addr=settings["smtp_from"],
            text=sentence(row["type"], payload, names), at=from_iso(row["event_at"]), details=details,
            footer=settings["support_contact"],
        )
        return job

    # -- step 2: send, outside any transaction ----------------------------------------------

    def _send_email(self, job: _Job, settings: dict) -> tuple[bool, int | None, str | None]:
        try:
            if settings["smtp_host"]:
                mailer.send_smtp(job.email, host=settings["smtp_host"], port=int(settings["smtp_port"]),
                                 starttls=settings["smtp_starttls"] == "1")
            else:
                mailer.write_eml(self.email_outbox_dir(settings), job.email, job.event_id)
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
            return False, None, f"{type(exc).__name__}: {exc}"[:500]
        return True, None, None

    def email_outbox_dir(self, settings: dict | None = None) -> Path:
        """Where notification emails are written when no SMTP host is set."""
        folder = Path((settings or self._settings(self._conn()))["email_outbox_dir"]).expanduser()
        return folder if folder.is_absolute() else Path(self.path).resolve().parent / folder

    # -- step 3: record ------------------------------------------------------------------------

    def _record(self, job: _Job, sent_at: datetime, ok: bool, code: int | None, error: str | None) -> str:
        with self._write() as conn:
            row = conn.execute("SELECT * FROM deliveries WHERE id = ? AND claim_token = ?",
                               (job.delivery_id, job.token)).fetchone()
            if row is None:
                return "lost"  # the lease lapsed and another runner (or a redelivery) took it over
            at = to_iso(sent_at)
            attempts = row["attempts"] + 1
            conn.execute(
                "INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, status_code, error)"
                " VALUES (?, ?, ?, ?, ?)", (job.delivery_id, at, "DELIVERED" if ok else "FAILED", code, error),
            )
            common = (attempts, at, code, error, job.delivery_id)
            if ok:
                conn.execute(
                    "UPDATE deliveries SET status = 'DELIVERED', delivered_at = ?, next_attempt_at = NULL,"
                    " claim_token = NULL, claimed_until = NULL, attempts = ?, last_attempt_at = ?,"
                    " last_status_code = ?, last_error = ? WHERE id = ?", (at, *common))
                return "delivered"
            next_at = sent_at + retry_delay(attempts)
            if next_at > from_iso(row["retry_until"]):
                conn.execute(
                    "UPDATE deliveries SET status = 'DEAD', next_attempt_at = NULL, claim_token = NULL,"
                    " claimed_until = NULL, attempts = ?, last_attempt_at = ?, last_status_code = ?,"
                    " last_error = ? WHERE id = ?", common)
                return "dead"
            conn.execute(
                "UPDATE deliveries SET next_attempt_at = ?, claim_token = NULL, claimed_until = NULL,"
                " attempts = ?, last_attempt_at = ?, last_status_code = ?, last_error = ? WHERE id = ?",
                (to_iso(next_at), *common))
            return "failed"


def _http_client(timeout_in_ms: int) -> httpx.Client:
    import httpx

    # No redirects (a receiver must answer itself) and no proxies from the environment.
    timeout_s = timeout_in_ms / 1000  # httpx takes seconds
    return httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
                        follow_redirects=False, trust_env=False)


def _post(client: httpx.Client, job: _Job, timestamp: int) -> tuple[bool, int | None, str | None]:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.SIGNATURE_HEADER: signing.sign(job.secret, timestamp, job.body),
        "PayFlow-Event-Id": job.event_id,
        "PayFlow-Event-Type": job.event_type,
        "PayFlow-Delivery-Attempt": str(job.attempt),
    }
    import httpx

    try:
        # Only the status matters: the body is never read, so a huge or endless one costs nothing.
        with client.stream("POST", job.url, content=job.body, headers=headers) as response:
            code = response.status_code
    except httpx.TimeoutException as exc:
        return False, None, f"timed out ({type(exc).__name__})"
    except httpx.HTTPError as exc:
        return False, None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= code < 300:
        return True, code, None
    return False, code, f"HTTP {code}"


def _names(conn: sqlite3.Connection, emails: list[str]) -> dict[str, str]:
    if not emails:
        return {}
    marks = ",".join("?" * len(emails))
    return {r[0].lower(): r[1] for r in conn.execute(
        f"SELECT email, name FROM users WHERE email IN ({marks})", emails)}
