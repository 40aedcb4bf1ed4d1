"""Logins, lockouts and accounts: argon2id hashes, never a stored password."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..clock import from_iso, to_iso
from . import errors as E
from .base import ROLES, CommittedRefusal, ServiceBase, Session
from .views import UserView, user_view

MIN_PASSWORD = 10
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_email(email: str) -> str:
    email = (email or "").strip()
    if not _EMAIL.fullmatch(email) or len(email) > 254:
        raise E.InvalidInput(f"{email!r} is not a valid email address.")
    return email


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise E.InvalidInput("Name is required.")
    if len(name) > 100:
        raise E.InvalidInput("Name is longer than 100 characters.")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise E.InvalidInput(f"Password must be at least {MIN_PASSWORD} characters.")
    if len(password) > 1024:
        raise E.InvalidInput("Password is longer than 1024 characters.")
    return password


def check_role(role: str) -> str:
    role = (role or "").strip().upper()
    if role not in ROLES:
        raise E.InvalidInput(f"Role must be one of {', '.join(ROLES)}, not {role!r}.")
    return role


class AuthMixin(ServiceBase):
    # -- logging in ------------------------------------------------------------------------

    def login(self, email: str, password: str, otp: str | None = None) -> Session:
        """Check credentials and open a session.

        Anyone may call. Five consecutive failures lock the account for the
        configured minutes (audited). An unknown email costs the same argon2
        work as a wrong password, and both get the same AUTH_FAILED message.
        When admin logins require two-factor, an enrolled admin also needs
        ``otp`` (OTP_REQUIRED, OTP_INVALID).
        """
        email = (email or "").strip()
        password = password if isinstance(password, str) else ""
        conn = self._conn()
        user = self._user_by_email(conn, email) if email else None
        # The slow hash work (the check, and an upgrade of old parameters) runs outside
        # the write lock so other tellers are not held up.
        verified = user["password_hash"] if user else None
        ok = self._verify_password(verified, password)
        upgraded = self.hasher.hash(password) if ok and self.hasher.check_needs_rehash(verified) else None
        with self._write() as conn:
            if user is None:
                self._audit(conn, "LOGIN_FAILED", actor_id=None, email=email[:254], reason="unknown email")
                raise CommittedRefusal(E.AuthFailed("Email or password is incorrect."))
            user = conn.execute("SELECT * FROM users WHERE id = ?", (user["id"],)).fetchone()
            if user["password_hash"] != verified:
                # The password changed while we hashed: judge against the current one.
                ok = self._verify_password(user["password_hash"], password)
                upgraded = None
            now = self._now(conn)
            if user["status"] == "LOCKED" and user["locked_until"] and from_iso(user["locked_until"]) <= now:
                conn.execute("UPDATE users SET status = 'ACTIVE', failed_logins = 0, locked_until = NULL,"
                             " lock_reason = NULL WHERE id = ?", (user["id"],))
                self._audit(conn, "ACCOUNT_UNLOCKED", actor_id=None, subject_user_id=user["id"],
                            reason="lockout period over")
                user = conn.execute("SELECT * FROM users WHERE id = ?", (user["id"],)).fetchone()
            if user["status"] == "LOCKED":
                self._audit(conn, "LOGIN_FAILED", actor_id=user["id"], subject_user_id=user["id"],
                            reason="account locked")
                raise CommittedRefusal(E.AccountLocked(self._locked_message(conn, user)))
            if not ok:
                self._failed_login(conn, user, now)
            if user["status"] == "DISABLED":
                self._audit(conn, "LOGIN_FAILED", actor_id=user["id"], subject_user_id=user["id"],
                            reason="account disabled")
                raise CommittedRefusal(E.AccountDisabled(
                    "This account is disabled. Contact an administrator."))
            self._check_login_second_factor(conn, user, otp)
            conn.execute("UPDATE users SET failed_logins = 0 WHERE id = ?", (user["id"],))
            if upgraded is not None:
                conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (upgraded, user["id"]))
            self._audit(conn, "LOGIN", actor_id=user["id"], subject_user_id=user["id"])
            return self._new_session(user)

    def _failed_login(self, conn: sqlite3.Connection, user: sqlite3.Row, now) -> None:
        settings = self._settings(conn)
        failures = user["failed_logins"] + 1
        self._audit(conn, "LOGIN_FAILED", actor_id=user["id"], subject_user_id=user["id"],
                    reason="wrong password", consecutive=failures)
        if failures >= int(settings["lockout_threshold"]) and user["status"] == "ACTIVE":
            until = now + timedelta(minutes=int(settings["lockout_minutes"]))
            conn.execute("UPDATE users SET failed_logins = ?, status = 'LOCKED', locked_until = ?,"
                         " lock_reason = ? WHERE id = ?",
                         (failures, to_iso(until), "too many failed logins", user["id"]))
            self._audit(conn, "ACCOUNT_LOCKED", actor_id=None, subject_user_id=user["id"],
                        reason="too many failed logins", until=to_iso(until))
            locked = conn.execute("SELECT * FROM users WHERE id = ?", (user["id"],)).fetchone()
            raise CommittedRefusal(E.AccountLocked(self._locked_message(conn, locked)))
        conn.execute("UPDATE users SET failed_logins = ? WHERE id = ?", (failures, user["id"]))
        raise CommittedRefusal(E.AuthFailed("Email or password is incorrect."))

    def _verify_password(self, stored: str | None, password: str) -> bool:
        if stored is None:
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash("not-a-real-password-x")
            stored = self._dummy_hash
            try:
                self.hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                pass
            return False
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    # -- creating accounts -----------------------------------------------------------------

    def has_admin(self) -> bool:
        """Whether the first admin exists (the app shows first-run setup until then)."""
        return self._conn().execute("SELECT 1 FROM users WHERE role = 'ADMIN' LIMIT 1").fetchone() is not None

    def create_first_admin(self, email: str, name: str, password: str) -> UserView:
        """Create the first ADMIN. Anyone may call, but only while no admin exists."""
        email, name, password = check_email(email), check_name(name), check_password(password)
        pw_hash = self.hasher.hash(password)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM users WHERE role = 'ADMIN'").fetchone():
                raise E.PermissionDenied("An admin already exists; only an admin can create admins.")
            return self._insert_user(conn, email, name, pw_hash, "ADMIN", actor_id=None)

    def register(self, email: str, name: str, password: str) -> UserView:
        """Self-service: create a USER account. Refused when the admin setting closes it."""
        email, name, password = check_email(email), check_name(name), check_password(password)
        pw_hash = self.hasher.hash(password)
        with self._write() as conn:
            if self._setting(conn, "registration_open") != "1":
                raise E.PermissionDenied("Self-registration is closed; ask a teller to open an account.")
            return self._insert_user(conn, email, name, pw_hash, "USER", actor_id=None)

    def registration_open(self) -> bool:
        return self._setting(self._conn(), "registration_open") == "1"

    def create_user(self, session: Session, email: str, name: str, password: str,
                    role: str = "USER") -> UserView:
        """Create a user of any role with their wallet. Callers: ADMIN only."""
        email, name = check_email(email), check_name(name)
        role, password = check_role(role), check_password(password)
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
        pw_hash = self.hasher.hash(password)
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            return self._insert_user(conn, email, name, pw_hash, role, actor_id=actor["id"])

    def _insert_user(self, conn, email, name, pw_hash, role, *, actor_id) -> UserView:
        if self._user_by_email(conn, email):
            raise E.Conflict(f"A user with email {email} already exists.")
        now = self._now(conn)
        currency = self._setting(conn, "default_currency")
        user_id = conn.execute(
            "INSERT INTO users (email, name, password_hash, role, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (email, name, pw_hash, role, to_iso(now), to_iso(now)),
        ).lastrowid
        account = conn.execute(
            "INSERT INTO ledger_accounts (kind, currency, name) VALUES ('WALLET', ?, ?)",
            (currency, f"Wallet of {email}"),
        ).lastrowid
        wallet_id = conn.execute(
            "INSERT INTO wallets (user_id, account_id, currency, created_at) VALUES (?, ?, ?, ?)",
            (user_id, account, currency, to_iso(now)),
        ).lastrowid
        self._audit(conn, "USER_CREATED", actor_id=actor_id if actor_id is not None else user_id,
                    subject_user_id=user_id, subject_wallet_id=wallet_id, role=role, email=email)
        return user_view(conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())

    def change_password(self, session: Session, old_password: str, new_password: str) -> None:
        """Change one's own password. Any role; the old password must be right."""
        check_password(new_password)
        with self._read() as conn:
            user = self._actor(conn, session)
        if not self._verify_password(user["password_hash"], old_password or ""):
            raise E.AuthFailed("The current password is incorrect.")
        new_hash = self.hasher.hash(new_password)
        with self._write() as conn:
            self._actor(conn, session)
            conn.execute("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                         (new_hash, to_iso(self._now(conn)), user["id"]))
            self._audit(conn, "PASSWORD_CHANGED", actor_id=user["id"], subject_user_id=user["id"])
