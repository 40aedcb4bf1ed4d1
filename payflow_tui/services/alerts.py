"""Alerts: opened by the fraud rules, worked by admins (acknowledge, resolve), all audited.

An alert is for staff, never for its subject: account holders learn only what
``account_notice`` tells them (their account is locked or their wallet frozen,
and whom to contact), never that a rule looked at them.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from ..clock import from_iso, to_iso
from . import errors as E
from .base import ServiceBase, Session
from .fraud_views import (ALERT_SELECT, AccountNotice, AlertCounts, AlertDetail, AlertView,
                          alert_view)
from .rule_defs import RULES, SEVERITIES, SEVERITY_ORDER_SQL, SEVERITY_RANK, check_severity
from .views import TX_SELECT, Page, tx_view

ALERT_STATUSES = ("OPEN", "ACKNOWLEDGED", "RESOLVED")
MAX_NOTE = 500
# Spelled as a list, not "<> 'RESOLVED'", so the (status, id) index finds the few
# unresolved alerts without reading the many resolved ones.
_UNRESOLVED = "('OPEN', 'ACKNOWLEDGED')"
# A keyset cursor over (severity rank, id) packed into one opaque integer.
_ID_BITS = 40


class AlertsMixin(ServiceBase):
    # -- opening (inside the rule's transaction) ------------------------------------------

    def _open_alert(self, conn: sqlite3.Connection, rule: sqlite3.Row, *, user_id: int | None,
                    wallet_id: int | None, summary: str, details: dict, transaction_ids: list[int],
                    now: datetime, extend_since: datetime | None = None,
                    opening_ids: Callable[[], list[int]] | None = None) -> int:
        """Open an alert (audited, ``alert.opened`` emitted) and link its transactions
        (and, for a new alert, ``opening_ids()``: the history that led up to it).

        With ``extend_since``, an unresolved alert of the same rule and user opened
        since then takes the new transactions instead, so one burst makes one alert.
        """
        alert_id = None
        if extend_since is not None:
            row = conn.execute(
                "SELECT id FROM alerts WHERE rule = ? AND user_id IS ? AND wallet_id IS ?"
                " AND status <> 'RESOLVED' AND created_at >= ? ORDER BY id DESC LIMIT 1",
                (rule["code"], user_id, wallet_id, to_iso(extend_since)),
            ).fetchone()
            alert_id = row[0] if row else None
        if alert_id is not None:
            conn.execute("UPDATE alerts SET updated_at = ? WHERE id = ?", (to_iso(now), alert_id))
        else:
            alert_id = conn.execute(
                "INSERT INTO alerts (rule, severity, user_id, wallet_id, summary, details,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rule["code"], rule["severity"], user_id, wallet_id, summary,
                 json.dumps(details, sort_keys=True), to_iso(now), to_iso(now)),
            ).lastrowid
            self._audit(conn, "ALERT_OPENED", actor_id=None, subject_user_id=user_id,
                        subject_wallet_id=wallet_id, at=now, alert_id=alert_id, rule=rule["code"],
                        severity=rule["severity"], summary=summary)
            # Addressed to no customer: an alert is for staff, never for the person it is about.
            self._emit(conn, "alert.opened", user_id=None, alert_id=alert_id, rule=rule["code"],
                       severity=rule["severity"], subject_user_id=user_id, wallet_id=wallet_id)
            if opening_ids is not None:
                transaction_ids = [*opening_ids(), *transaction_ids]
        conn.executemany(
            "INSERT OR IGNORE INTO alert_transactions (alert_id, transaction_id) VALUES (?, ?)",
            [(alert_id, tx_id) for tx_id in transaction_ids],
        )
        return alert_id

    # -- the admin's queue ------------------------------------------------------------------

    def list_alerts(self, session: Session, *, status: str | None = None, severity: str | None = None,
                    rule: str | None = None, email: str | None = None,
                    date_from: datetime | None = None, date_to: datetime | None = None,
                    limit: int = 100, after: int | None = None) -> Page:
        """Alerts by severity (critical first), then age (oldest first).

        Callers: ADMIN. ``status`` is OPEN, ACKNOWLEDGED, RESOLVED or ALL; by
        default the unresolved ones. ``after`` is the previous page's
        ``next_cursor`` (opaque). Refuses unknown statuses, severities and rules.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise E.InvalidInput("Limit must be a whole number from 1 to 10000.")
        if after is not None and (isinstance(after, bool) or not isinstance(after, int) or after < 0):
            raise E.InvalidInput("The cursor is the whole number a previous page gave as next_cursor.")
        where, args = self._alert_filters(status, severity, rule, date_from, date_to)
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            if email:
                user = self._user_by_email(conn, email)
                where.append("a.user_id = ?")
                args.append(user["id"] if user else -1)
            if after is not None:
                where.append(f"({SEVERITY_ORDER_SQL}, a.id) > (?, ?)")
                args += [after >> _ID_BITS, after & ((1 << _ID_BITS) - 1)]
            sql = (ALERT_SELECT + (" WHERE " + " AND ".join(where) if where else "")
                   + f" ORDER BY {SEVERITY_ORDER_SQL}, a.id LIMIT ?")
            rows = conn.execute(sql, (*args, limit + 1)).fetchall()
            items = [alert_view(r) for r in rows[:limit]]
            cursor = None
            if len(rows) > limit:
                last = items[-1]
                cursor = (SEVERITY_RANK[last.severity] << _ID_BITS) | last.id
            return Page(items, cursor)

    @staticmethod
    def _alert_filters(status, severity, rule, date_from, date_to) -> tuple[list[str], list]:
        where: list[str] = []
        args: list = []
        status = (status or "").strip().upper()
        if not status:
            where.append(f"a.status IN {_UNRESOLVED}")
        elif status != "ALL":
            if status not in ALERT_STATUSES:
                raise E.InvalidInput(f"Status must be one of {', '.join(ALERT_STATUSES)} or ALL.")
            where.append("a.status = ?")
            args.append(status)
        if severity:
            where.append("a.severity = ?")
            args.append(check_severity(severity))
        if rule:
            code = rule.strip().upper()
            if code not in RULES:
                raise E.InvalidInput(f"No fraud rule {code!r}; the rules are {', '.join(RULES)}.")
            where.append("a.rule = ?")
            args.append(code)
        if date_from and date_to and date_from >= date_to:
            raise E.InvalidInput("The start date must be before the end date.")
        if date_from:
            where.append("a.created_at >= ?")
            args.append(to_iso(date_from))
        if date_to:
            where.append("a.created_at < ?")
            args.append(to_iso(date_to))
        return where, args

    def get_alert(self, session: Session, alert_id: int) -> AlertDetail:
        """One alert with the transactions it is about. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            alert = self._alert_row(conn, alert_id)
            txs = conn.execute(
                TX_SELECT + " JOIN alert_transactions l ON l.transaction_id = t.id"
                " WHERE l.alert_id = ? ORDER BY t.id", (alert["id"],),
            ).fetchall()
            return AlertDetail(alert_view(alert), [tx_view(r) for r in txs])

    def _alert_row(self, conn: sqlite3.Connection, alert_id: int) -> sqlite3.Row:
        if isinstance(alert_id, bool) or not isinstance(alert_id, int):
            raise E.InvalidInput("An alert id is a whole number.")
        row = conn.execute(ALERT_SELECT + " WHERE a.id = ?", (alert_id,)).fetchone()
        if row is None:
            raise E.NotFound(f"No alert {alert_id}.")
        return row

    def acknowledge_alert(self, session: Session, alert_id: int) -> AlertView:
        """Mark an OPEN alert as being looked at (audited). Callers: ADMIN.

        Refuses an alert that is already acknowledged or resolved.
        """
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            alert = self._alert_row(conn, alert_id)
            if alert["status"] != "OPEN":
                raise E.AlreadyProcessed(f"Alert {alert_id} is already {alert['status'].lower()}.")
            now = to_iso(self._now(conn))
            conn.execute("UPDATE alerts SET status = 'ACKNOWLEDGED', acknowledged_by = ?,"
                         " acknowledged_at = ?, updated_at = ? WHERE id = ?",
                         (actor["id"], now, now, alert["id"]))
            self._audit(conn, "ALERT_ACKNOWLEDGED", actor_id=actor["id"], subject_user_id=alert["user_id"],
                        subject_wallet_id=alert["wallet_id"], alert_id=alert["id"], rule=alert["rule"])
            return alert_view(self._alert_row(conn, alert["id"]))

    def resolve_alert(self, session: Session, alert_id: int, note: str) -> AlertView:
        """Close an alert with a note saying what was found or done (audited). Callers: ADMIN.

        An OPEN alert is acknowledged by the same admin on the way. Refuses an
        empty or over-long note and an alert already resolved. Resolving does
        not unlock or unfreeze anything: those stay separate, audited actions.
        """
        note = " ".join((note or "").split())
        if not note:
            raise E.InvalidInput("A note is required to resolve an alert.")
        if len(note) > MAX_NOTE:
            raise E.InvalidInput(f"The note is longer than {MAX_NOTE} characters.")
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            alert = self._alert_row(conn, alert_id)
            if alert["status"] == "RESOLVED":
                raise E.AlreadyProcessed(f"Alert {alert_id} is already resolved.")
            now = to_iso(self._now(conn))
            conn.execute(
                "UPDATE alerts SET status = 'RESOLVED', acknowledged_by = coalesce(acknowledged_by, ?),"
                " acknowledged_at = coalesce(acknowledged_at, ?), resolved_by = ?, resolved_at = ?,"
                " resolution_note = ?, updated_at = ? WHERE id = ?",
                (actor["id"], now, actor["id"], now, note, now, alert["id"]),
            )
            self._audit(conn, "ALERT_RESOLVED", actor_id=actor["id"], subject_user_id=alert["user_id"],
                        subject_wallet_id=alert["wallet_id"], alert_id=alert["id"], rule=alert["rule"],
                        note=note)
            return alert_view(self._alert_row(conn, alert["id"]))

    def open_alert_counts(self, session: Session) -> AlertCounts:
        """Counts for the always-visible counter. Callers: ADMIN. A poll: it does not
        count as activity for the session's idle timer."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN", touch=False)
            by_severity = {s: 0 for s in SEVERITIES}
            acknowledged = 0
            for status, severity, n in conn.execute(
                f"SELECT status, severity, count(*) FROM alerts WHERE status IN {_UNRESOLVED}"
                " GROUP BY status, severity"
            ):
                if status == "OPEN":
                    by_severity[severity] = n
                else:
                    acknowledged += n
            latest = conn.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()[0]
            return AlertCounts(sum(by_severity.values()), acknowledged, by_severity, latest)

    def alerts_since(self, session: Session, after_id: int, *, min_severity: str | None = None,
                     limit: int = 100) -> list[AlertView]:
        """Alerts opened after ``after_id``, oldest first: how the app learns of new ones
        to toast. Start from ``open_alert_counts().latest_id``. Callers: ADMIN. A poll:
        it does not count as activity for the session's idle timer."""
        if isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0:
            raise E.InvalidInput("after_id is a whole number, 0 or more.")
        where, args = ["a.id > ?"], [after_id]
        if min_severity:
            rank = SEVERITY_RANK[check_severity(min_severity)]
            where.append(f"{SEVERITY_ORDER_SQL} <= ?")
            args.append(rank)
        with self._read() as conn:
            self._actor(conn, session, "ADMIN", touch=False)
            rows = conn.execute(ALERT_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY a.id LIMIT ?",
                                (*args, limit)).fetchall()
            return [alert_view(r) for r in rows]

    # -- what the account holder is told ----------------------------------------------------

    def account_notice(self, session: Session, for_email: str | None = None) -> AccountNotice:
        """Why the caller's account is locked or disabled, or their wallet frozen, in plain
        words, and whom to contact. Any logged-in user, about themself; it works on a
        live session even after the account was locked, so the app can explain.

        With ``for_email``, staff read what that customer is told (a TELLER about
        account holders only, an ADMIN about anyone); refused to anyone else.
        """
        with self._read() as conn:
            if for_email and for_email.strip().lower() != session.email.lower():
                user = self._subject(conn, self._actor(conn, session, "TELLER", "ADMIN"), for_email)
            else:
                self._check_session(conn, session)
                user = conn.execute("SELECT * FROM users WHERE id = ?", (session.user_id,)).fetchone()
            if user is None:
                raise E.SessionExpired("Your account no longer exists.")
            wallet = self._wallet_of(conn, user["id"])
            contact = self._setting(conn, "support_contact")
            zone = ZoneInfo(self._setting(conn, "timezone"))
            now = self._now(conn)
        locked = user["status"] == "LOCKED" and (
            user["locked_until"] is None or from_iso(user["locked_until"]) > now)
        disabled = user["status"] == "DISABLED"
        frozen = bool(wallet and wallet["frozen"])
        parts = []
        if disabled:
            parts.append("Your account is disabled, so you cannot log in or move money.")
        elif locked and user["locked_until"]:
            until = from_iso(user["locked_until"]).astimezone(zone).strftime("%H:%M")
            parts.append("Your account is locked after too many wrong passwords."
                         f" It unlocks by itself at {until}.")
        elif locked:
            reason = user["lock_reason"] or "a security check"
            parts.append(f"Your account is locked because of {reason}. You cannot log in or move"
                         " money until it is unlocked.")
        if frozen:
            parts.append(f"Your wallet is frozen ({wallet['frozen_reason']}). No money can go in or"
                         " out until it is unfrozen.")
        if parts:
            parts.append(f"Please contact {contact}.")
        else:
            parts.append("Your account and wallet are in good standing.")
        return AccountNotice(locked, disabled, frozen, " ".join(parts), contact)
