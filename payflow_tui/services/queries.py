"""Reading balances, histories and the audit log, paged by keyset (never OFFSET)."""

from __future__ import annotations

import json
from datetime import datetime

from ..clock import from_iso, to_iso
from . import errors as E
from .base import STAFF, ServiceBase, Session, check_cursor, check_date, check_limit
from .query_plans import equality_filter
from .views import TX_SELECT, Page, TransactionView, WalletView, tx_view, wallet_view

TX_TYPES = ("DEPOSIT", "WITHDRAWAL", "TRANSFER", "SUBSCRIPTION")
TX_STATUSES = ("PENDING", "SUCCESS", "FAILED")


def tx_filters(*, type: str | None = None, status: str | None = None, date_from: datetime | None = None,
               date_to: datetime | None = None, search: str | None = None) -> tuple[list[str], list]:
    """SQL conditions for the transaction filters shared by every listing."""
    check_date(date_from, "date_from")
    check_date(date_to, "date_to")
    where: list[str] = []
    args: list = []
    if type:
        where.append("t.type = ?")
        args.append(_choice(type, TX_TYPES, "Type"))
    if status:
        where.append("t.status = ?")
        args.append(_choice(status, TX_STATUSES, "Status"))
    if date_from:
        where.append("t.created_at >= ?")
        args.append(to_iso(date_from))
    if date_to:
        where.append("t.created_at < ?")
        args.append(to_iso(date_to))
    if search and search.strip():
        # A prefix as a range, so the reference index serves it (LIKE would read every row).
        prefix = search.strip().upper()
        where.append("t.reference >= ? AND t.reference < ?")
        args += [prefix, prefix + "\uffff"]
    if date_from and date_to and date_from >= date_to:
        raise E.InvalidInput("The start date must be before the end date.")
    return where, args


def _choice(value: str, allowed: tuple[str, ...], label: str) -> str:
    value = value.strip().upper()
    if value not in allowed:
        raise E.InvalidInput(f"{label} must be one of {', '.join(allowed)}.")
    return value


class QueriesMixin(ServiceBase):
    def wallet(self, session: Session, *, for_email: str | None = None) -> WalletView:
        """A wallet's balance and state. Callers: oneself; TELLER for account holders; ADMIN."""
        with self._read() as conn:
            actor = self._actor(conn, session)
            subject = self._subject(conn, actor, for_email)
            return wallet_view(conn, self._wallet_of(conn, subject["id"])["id"])

    def balance(self, session: Session, *, for_email: str | None = None) -> int:
        """A wallet's balance in minor units (same callers as ``wallet``)."""
        return self.wallet(session, for_email=for_email).balance

    def history(self, session: Session, *, for_email: str | None = None, limit: int = 50,
                before_id: int | None = None, **filters) -> Page:
        """One wallet's transactions, newest first, one page at a time.

        Callers: oneself; TELLER for account holders; ADMIN. ``before_id`` is the
        previous page's ``next_cursor``. Filters: type, status, date_from,
        date_to, search (a reference prefix).
        """
        limit, before_id = check_limit(limit), check_cursor(before_id)
        with self._read() as conn:
            actor = self._actor(conn, session)
            subject = self._subject(conn, actor, for_email)
            wallet_id = self._wallet_of(conn, subject["id"])["id"]
            where, args = tx_filters(**filters)
            where = ["t.wallet_id = ?", *where]
            return _page(conn, where, [wallet_id, *args], limit, before_id)

    def all_transactions(self, session: Session, *, limit: int = 50, before_id: int | None = None,
                         email: str | None = None, **filters) -> Page:
        """Every wallet's transactions, newest first. Callers: ADMIN."""
        limit, before_id = check_limit(limit), check_cursor(before_id)
        status, kind = filters.pop("status", None), filters.pop("type", None)
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            where, args = tx_filters(**filters)
            equal: list[tuple[str, object]] = []
            if status or kind:  # the (status, type) index: every status when only a type is asked
                equal.append(("status", _choice(status, TX_STATUSES, "Status") if status else TX_STATUSES))
            if kind:
                equal.append(("type", _choice(kind, TX_TYPES, "Type")))
            more, values = equality_filter(conn, "transactions", "t", equal)
            where, args = [*more, *where], [*values, *args]
            if email:
                user = self._user_by_email(conn, email)
                if user is None:
                    raise E.NotFound(f"No user with email {email.strip()}.")
                where.append("t.wallet_id = ?")
                args.append(self._wallet_of(conn, user["id"])["id"])
            return _page(conn, where, args, limit, before_id)

    def get_transaction(self, session: Session, reference: str) -> TransactionView:
        """One transaction by reference. Callers: its owner; TELLER (account holders); ADMIN.

        Refuses anyone else with PERMISSION_DENIED, as every other look at
        another's wallet is refused.
        """
        with self._read() as conn:
            actor = self._actor(conn, session)
            row = conn.execute(TX_SELECT + " WHERE t.reference = ?",
                               ((reference or "").strip().upper(),)).fetchone()
            if row is None:
                raise E.NotFound(f"No transaction with reference {reference}.")
            owner = conn.execute("SELECT u.* FROM users u JOIN wallets w ON w.user_id = u.id"
                                 " WHERE w.id = ?", (row["wallet_id"],)).fetchone()
            if owner["id"] != actor["id"]:
                if actor["role"] not in STAFF:
                    raise E.PermissionDenied("You may see only your own transactions.")
                if actor["role"] == "TELLER" and owner["role"] != "USER":
                    raise E.PermissionDenied("A teller looks up account holders' transactions only.")
            return tx_view(row)

    def activity_marker(self) -> tuple:
        """The newest id of each append-only business record (transactions, journal,
        audit, outbox). Every change a screen shows writes at least one of them, and
        scheduler bookkeeping writes none, so screens reload only for real changes.
        Needs no session and reveals nothing; each lookup is one index seek."""
        with self._conns_lock:
            conn = getattr(self, "_poll_conn", None)
        conn = conn or self._conn()
        tables = ["transactions", "journal_entries", "audit_log"]
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").fetchone():
            tables.append("outbox")
        return tuple(conn.execute(f"SELECT max(rowid) FROM {t}").fetchone()[0] for t in tables)

    def data_version(self) -> int:
        """A number that changes whenever any connection commits to the database.

        Screens poll it to reload when another terminal changes something. It
        reveals nothing, so it needs no session, and polling it is not activity.
        """
        with self._conns_lock:
            if getattr(self, "_poll_conn", None) is None:
                from .. import db as dbmod

                self._poll_conn = dbmod.connect(self.path)
                self._all_conns.append(self._poll_conn)
            return self._poll_conn.execute("PRAGMA data_version").fetchone()[0]

    def audit_entries(self, session: Session, *, limit: int = 100, before_id: int | None = None,
                      actor_email: str | None = None, subject_email: str | None = None,
                      action: str | None = None, date_from: datetime | None = None,
                      date_to: datetime | None = None) -> Page:
        """The audit log, newest first. Callers: ADMIN."""
        limit, before_id = check_limit(limit), check_cursor(before_id)
        check_date(date_from, "date_from")
        check_date(date_to, "date_to")
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            where, args = ["a.id < ?"], [before_id or 2**62]
            equal: list[tuple[str, object]] = []
            for email, column in ((actor_email, "actor_user_id"), (subject_email, "subject_user_id")):
                if email:
                    user = self._user_by_email(conn, email)
                    equal.append((column, user["id"] if user else -1))
            if action:
                equal.append(("action", action.strip().upper()))
            more, values = equality_filter(conn, "audit_log", "a", equal)
            where, args = [*where, *more], [*args, *values]
            if date_from:
                where.append("a.at >= ?")
                args.append(to_iso(date_from))
            if date_to:
                where.append("a.at < ?")
                args.append(to_iso(date_to))
            rows = conn.execute(
                "SELECT a.*, ua.email AS actor_email, us.email AS subject_email FROM audit_log a"
                " LEFT JOIN users ua ON ua.id = a.actor_user_id LEFT JOIN users us ON us.id = a.subject_user_id"
                " WHERE " + " AND ".join(where) + " ORDER BY a.id DESC LIMIT ?", (*args, limit + 1),
            ).fetchall()
            items = [
                {"id": r["id"], "at": from_iso(r["at"]), "action": r["action"], "actor": r["actor_email"],
                 "subject": r["subject_email"], "wallet_id": r["subject_wallet_id"],
                 "details": json.loads(r["details"])}
                for r in rows[:limit]
            ]
            return Page(items, items[-1]["id"] if len(rows) > limit else None)


# The name this check had before it moved to base.py, for modules that import it from here.
_check_limit = check_limit


def _page(conn, where: list[str], args: list, limit: int, before_id: int | None) -> Page:
    """One keyset page, newest first.

    The page's ids are chosen first, by a query that reads only columns of the
    transactions_wallet_filters index (schema_app.sql): walking a wallet's rows
    newest first, a filter that matches few rows is tested on index entries
    without reading a table row for each. Only the page's rows are then joined.
    """
    if before_id is not None:
        where = [*where, "t.id < ?"]
        args = [*args, before_id]
    ids = ("SELECT t.id FROM transactions t" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY t.id DESC LIMIT ?")
    sql = TX_SELECT + f" WHERE t.id IN ({ids}) ORDER BY t.id DESC"
    rows = conn.execute(sql, (*args, limit + 1)).fetchall()
    items = [tx_view(r) for r in rows[:limit]]
    return Page(items, items[-1].id if len(rows) > limit else None)
