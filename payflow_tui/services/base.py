"""What every service shares: connections, transactions, the clock, sessions, audit.

Every write runs inside ``_write()``: one BEGIN IMMEDIATE ... COMMIT holding the
rule checks, ledger postings, transaction rows, audit rows and outbox events
of one operation. A refusal that must be remembered (a FAILED transaction)
raises ``CommittedRefusal``: the transaction commits, then the error goes on.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher

from .. import db as dbmod
from ..clock import Clock, from_iso, system_clock, to_iso
from ..money import DEFAULT_MAX_MINOR, AmountError, parse_amount
from . import errors as E
from .chain import audit_hash, last_link

ROLES = ("ADMIN", "TELLER", "USER")
STAFF = ("ADMIN", "TELLER")

DEFAULT_SETTINGS: dict[str, str] = {
    "sandbox": "0",
    "clock_offset_seconds": "0",
    "registration_open": "1",
    "idle_timeout_minutes": "15",
    "max_amount_minor": str(DEFAULT_MAX_MINOR),
    "deposit_expiry_hours": "24",
    "lockout_threshold": "5",
    "lockout_minutes": "15",
    "timezone": "Africa/Lagos",
    "default_currency": "NGN",
    "support_contact": "your branch's customer service desk",
}


@dataclass
class Session:
    """Proof of a login. Only ``PayFlow.login`` makes one that the services accept."""

    token: str = field(repr=False)
    user_id: int
    email: str
    name: str
    role: str
    issued_at: datetime
    last_active: datetime


class CommittedRefusal(Exception):
    """Raised inside ``_write`` after recording a refusal: commit, then raise ``error``."""

    def __init__(self, error: E.PayFlowError) -> None:
        super().__init__(error.message)
        self.error = error


def default_hasher() -> PasswordHasher:
    # argon2-cffi's defaults (RFC 9106 low-memory: t=3, m=64 MiB, p=4) exceed OWASP's minimum.
    return PasswordHasher()


class ServiceBase:
    """Connections, transactions, clock, settings, sessions and audit for the mixins."""

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 password_hasher: PasswordHasher | None = None) -> None:
        self.path = str(path)
        self._base_clock: Clock = clock or system_clock
        self.hasher = password_hasher or default_hasher()
        self._local = threading.local()
        self._all_conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        # Why a session was ended (idle, locked, disabled): a screen's other calls,
        # racing the one that noticed, must tell the same reason, not "not valid".
        self._ended: dict[str, E.PayFlowError] = {}
        self._sessions_lock = threading.Lock()
        self._dummy_hash: str | None = None

    # -- connections and transactions ------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = dbmod.connect(self.path)
            self._local.conn = conn
            with self._conns_lock:
                self._all_conns.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE transaction: the write lock is taken up front, so the
        checks made inside it still hold when it commits."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        self._local.memo = {}  # what the transaction read once, on first use (_tx_cached)
        try:
            yield conn
        except CommittedRefusal as refusal:
            _commit(conn)
            raise refusal.error from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            _commit(conn)
        finally:
            self._local.memo = None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several queries."""
        conn = self._conn()
        conn.execute("BEGIN")
        self._local.memo = {}
        try:
            yield conn
        finally:
            self._local.memo = None
            if conn.in_transaction:
                conn.execute("COMMIT")

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._all_conns:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all_conns.clear()
        self._local = threading.local()

    # -- settings and the clock -----------------------------------------------------

    def _settings(self, conn: sqlite3.Connection) -> dict[str, str]:
        values = dict(DEFAULT_SETTINGS)
        values.update({r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")})
        return values

    def _tx_cached(self, conn: sqlite3.Connection, name: str, load):
        """``load(conn)``, read once per transaction. Inside a transaction nothing but this
        connection can change the data, so a read repeated by several checks (a transfer
        asks for six settings, some twice, and for the fraud rules before and after)
        need not go to SQLite again. A writer of that data calls ``_tx_forget``.
        Outside a transaction of ``_write``/``_read`` every call loads afresh."""
        memo = self._tx_memo(conn)
        if memo is None:
            return load(conn)
        if name not in memo:
            memo[name] = load(conn)
        return memo[name]

    def _tx_memo(self, conn: sqlite3.Connection) -> dict | None:
        """The memo of the ``_write``/``_read`` transaction open on ``conn``, else None."""
        memo = getattr(self._local, "memo", None)
        if memo is None or not conn.in_transaction or conn is not getattr(self._local, "conn", None):
            return None
        return memo

    def _tx_forget(self, name: str) -> None:
        memo = getattr(self._local, "memo", None)
        if memo:
            memo.pop(name, None)

    def _setting(self, conn: sqlite3.Connection, key: str) -> str:
        if self._tx_memo(conn) is not None:
            return self._tx_cached(conn, "settings", self._settings)[key]
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else DEFAULT_SETTINGS[key]

    def _put_setting(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        self._tx_forget("settings")  # the transaction's next read sees the new value
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def _now(self, conn: sqlite3.Connection | None = None) -> datetime:
        """Business time: the base clock plus, on a sandbox, its stored offset."""
        now = self._base_clock()
        offset = self._setting(conn or self._conn(), "clock_offset_seconds")
        if offset != "0":
            now += timedelta(seconds=int(offset))
        return now

    def now(self) -> datetime:
        """The current business time (a sandbox's moved clock included)."""
        return self._now()

    def timezone_name(self) -> str:
        """The configured time zone (for showing times and cutting days). Anyone may read it."""
        return self._setting(self._conn(), "timezone")

    def is_sandbox(self) -> bool:
        return self._setting(self._conn(), "sandbox") == "1"

    def parse_amount(self, text: str) -> int:
        """Parse a typed amount with this database's configured maximum."""
        try:
            return parse_amount(text, max_minor=int(self._setting(self._conn(), "max_amount_minor")))
        except AmountError as exc:
            raise E.InvalidAmount(str(exc)) from None

    def amount_limit(self) -> int:
        """The largest amount one operation may move, in minor units. Anyone may read it."""
        return int(self._setting(self._conn(), "max_amount_minor"))

    def _check_amount(self, conn: sqlite3.Connection, amount: int) -> int:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise E.InvalidAmount("Amount must be a whole number of kobo.")
        if amount <= 0:
            raise E.InvalidAmount("Amount must be greater than zero.")
        ceiling = int(self._setting(conn, "max_amount_minor"))
        if amount > ceiling:
            from ..money import format_amount

            raise E.InvalidAmount(f"Amount is above the maximum of {format_amount(ceiling)}.")
        return amount

    # -- sessions ----------------------------------------------------------------------

    def _new_session(self, user: sqlite3.Row) -> Session:
        wall = self._base_clock()
        session = Session(secrets.token_urlsafe(32), user["id"], user["email"], user["name"],
                          user["role"], wall, wall)
        with self._sessions_lock:
            self._sessions[session.token] = session
        return session

    def logout(self, session: Session, reason: E.PayFlowError | None = None) -> None:
        with self._sessions_lock:
            self._sessions.pop(session.token, None)
            self._ended.pop(session.token, None)  # signed out: nothing left to explain
            if reason is not None:
                if len(self._ended) >= 256:  # only the recent ones can still be racing
                    self._ended.pop(next(iter(self._ended)))
                self._ended[session.token] = reason

    def _check_session(self, conn: sqlite3.Connection, session: Session, touch: bool = True) -> None:
        # Idleness is a person away from the terminal: measured in wall time, so
        # moving a sandbox's business clock does not log everyone out.
        with self._sessions_lock:
            live = self._sessions.get(getattr(session, "token", None))
        if live is None or live.user_id != session.user_id:
            ended = self._ended.get(getattr(session, "token", None))
            if ended is not None:
                raise type(ended)(ended.message)
            raise E.SessionExpired("Your session is not valid; log in again.")
        idle = timedelta(minutes=int(self._setting(conn, "idle_timeout_minutes")))
        wall = self._base_clock()
        if wall - live.last_active > idle:
            error = E.SessionExpired("Your session expired after inactivity; log in again.")
            self.logout(live, error)
            raise error
        if touch and not getattr(self._local, "unattended", False):
            live.last_active = wall
            session.last_active = wall

    @contextmanager
    def unattended(self) -> Iterator[None]:
        """Calls made inside (on this thread) do not count as activity.

        Anyone may use it; it grants nothing (sessions are still checked and
        still expire). For screens that reload by themselves when the data
        changes: a busy bank changes data all the time, and that must not keep
        an idle session alive.
        """
        previous = getattr(self._local, "unattended", False)
        self._local.unattended = True
        try:
            yield
        finally:
            self._local.unattended = previous

    def session_alive(self, session: Session) -> bool:
        """Whether ``session`` is still valid, without touching its idle timer."""
        with self._sessions_lock:
            live = self._sessions.get(session.token)
        if live is None:
            return False
        idle = timedelta(minutes=int(self._setting(self._conn(), "idle_timeout_minutes")))
        return self._base_clock() - live.last_active <= idle

    def _actor(self, conn: sqlite3.Connection, session: Session, *roles: str,
               touch: bool = True) -> sqlite3.Row:
        """The acting user, re-read from the database: a role change, lock or
        disable takes effect on the very next call, whatever the session says.

        ``touch=False`` is for background polling, which must not count as activity.
        """
        self._check_session(conn, session, touch)
        user = conn.execute("SELECT * FROM users WHERE id = ?", (session.user_id,)).fetchone()
        if user is None:
            raise E.SessionExpired("Your account no longer exists.")
        if user["status"] == "DISABLED":
            error: E.PayFlowError = E.AccountDisabled("Your account is disabled; contact an administrator.")
            self.logout(session, error)
            raise error
        if self._locked(conn, user):
            error = E.AccountLocked(self._locked_message(conn, user, "Your account"))
            self.logout(session, error)
            raise error
        if roles and user["role"] not in roles:
            raise E.PermissionDenied(
                f"Your role ({user['role'].lower()}) may not do this; it needs "
                + " or ".join(r.lower() for r in roles) + "."
            )
        return user

    # -- users and wallets ---------------------------------------------------------------

    def _locked(self, conn: sqlite3.Connection, user: sqlite3.Row) -> bool:
        """Whether ``user`` is locked now: a lockout with an end lifts by itself at
        that time, even before the next login writes the status back to ACTIVE."""
        if user["status"] != "LOCKED":
            return False
        until = user["locked_until"]
        return until is None or from_iso(until) > self._now(conn)

    def _locked_message(self, conn: sqlite3.Connection, user: sqlite3.Row, whose: str = "This account") -> str:
        """Why ``user`` cannot get in and what to do, in the words the login screen shows:
        the lockout's end in the bank's time zone, or the lock's reason and whom to contact."""
        contact = self._setting(conn, "support_contact")
        if user["locked_until"]:
            zone = self._setting(conn, "timezone")
            until = from_iso(user["locked_until"]).astimezone(ZoneInfo(zone)).strftime("%H:%M")
            return (f"{whose} is locked after too many failed logins; try again after {until}"
                    f" ({zone} time), or contact {contact}.")
        reason = user["lock_reason"] or "a security check"
        return f"{whose} is locked because of {reason}. Please contact {contact} to have it unlocked."

    def _user_by_email(self, conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM users WHERE email = ?", ((email or "").strip(),)).fetchone()

    def _wallet_of(self, conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
        return conn.execute("SELECT * FROM wallets WHERE user_id = ?", (user_id,)).fetchone()

    def _subject(self, conn: sqlite3.Connection, actor: sqlite3.Row, email: str | None) -> sqlite3.Row:
        """The customer an operation is for: oneself, or (staff only) someone else.

        A TELLER acts for account holders (role USER) only; an ADMIN for anyone.
        """
        if not email or email.strip().lower() == actor["email"].lower():
            return actor
        if actor["role"] not in STAFF:
            raise E.PermissionDenied("You may act only on your own wallet.")
        user = self._user_by_email(conn, email)
        if user is None:
            raise E.NotFound(f"No user with email {email.strip()}.")
        if actor["role"] == "TELLER" and user["role"] != "USER":
            raise E.PermissionDenied("A teller acts for account holders only, not for staff.")
        return user

    # -- audit ----------------------------------------------------------------------------

    def _audit(self, conn: sqlite3.Connection, action: str, *, actor_id: int | None,
               subject_user_id: int | None = None, subject_wallet_id: int | None = None,
               at: datetime | None = None, **details: object) -> None:
        """Append one hash-chained audit row (inside the caller's transaction)."""
        at_s = to_iso(at or self._now(conn))
        last_id, prev = last_link(conn, "audit_log")
        row_id = last_id + 1
        details_s = json.dumps(details, sort_keys=True, separators=(",", ":"), default=str)
        digest = audit_hash(prev, row_id, at_s, actor_id, action, subject_user_id,
                            subject_wallet_id, details_s)
        conn.execute(
            "INSERT INTO audit_log (id, at, actor_user_id, action, subject_user_id,"
            " subject_wallet_id, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
            (row_id, at_s, actor_id, action, subject_user_id, subject_wallet_id, details_s, prev, digest),
        )

    # -- hooks for later features (fraud rules, outbox) -------------------------------------

    def _emit(self, conn: sqlite3.Connection, event_type: str, *, user_id: int | None,
              **payload: object) -> None:
        """Record a wallet event in the outbox (inside the caller's transaction)."""

    def _rules_before(self, conn: sqlite3.Connection, movement: "Movement") -> None:
        """Blocking fraud rules: may record a refusal (``movement.refuse``) and raise
        ``CommittedRefusal``."""

    def _rules_after(self, conn: sqlite3.Connection, movement: "Movement") -> None:
        """Alerting fraud rules, after a movement succeeded or was refused."""

    def _after_deposit_confirmed(self, conn: sqlite3.Connection, wallet_id: int) -> None:
        """Called inside the confirming transaction (suspended subscriptions retry here)."""

    def _check_step_up(self, conn: sqlite3.Connection, actor: sqlite3.Row, movement: "Movement",
                       otp: str | None, *, memo: str | None = None) -> None:
        """Step-up authentication for a withdrawal or transfer: may raise, or record
        a FAILED movement and raise ``CommittedRefusal``."""

    def _check_login_second_factor(self, conn: sqlite3.Connection, user: sqlite3.Row,
                                   otp: str | None) -> None:
        """A second factor at login, after the password was accepted: may raise."""


@dataclass
class Movement:
    """What the fraud rules see of one money operation."""

    kind: str  # DEPOSIT, WITHDRAWAL, TRANSFER, SUBSCRIPTION
    actor_id: int
    user_id: int
    wallet_id: int
    amount: int
    now: datetime
    status: str = "PENDING"
    counterparty_wallet_id: int | None = None
    transaction_ids: list[int] = field(default_factory=list)
    # Set by the operation: records this movement as refused exactly as the
    # operation records its own refusals (FAILED row, idempotency record,
    # alerting rules), then raises CommittedRefusal. Blocking rules call it.
    refuse: Callable[[E.PayFlowError], None] | None = field(default=None, repr=False, compare=False)


def _commit(conn: sqlite3.Connection) -> None:
    """COMMIT, or roll back if the commit itself fails (a deferred constraint, a full
    disk): a failed COMMIT leaves the transaction open, holding the write lock
    against every other terminal and refusing this connection's next BEGIN."""
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def check_limit(limit: int) -> int:
    """A page size: a whole number from 1 to 10000 (SQLite reads a negative LIMIT as none)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
        raise E.InvalidInput("Limit must be a whole number from 1 to 10000.")
    return limit


def check_cursor(cursor: int | None) -> int | None:
    """A page cursor: None, or the id a previous page gave (SQLite would compare text
    with ids without complaint and return the wrong page)."""
    if cursor is None:
        return None
    if isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < 0:
        raise E.InvalidInput("A page cursor must be a whole number from an earlier page.")
    return cursor


def check_date(value: datetime | None, name: str) -> datetime | None:
    if value is not None and not isinstance(value, datetime):
        raise E.InvalidInput(f"{name} must be a date and time, not {type(value).__name__}.")
    return value


def utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)
