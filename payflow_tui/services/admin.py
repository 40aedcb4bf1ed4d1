"""Administration: freezes, unlocks, disables, roles, settings; every one audited."""

from __future__ import annotations

import sqlite3

from ..clock import to_iso
from . import errors as E
from .auth import check_role
from .base import DEFAULT_SETTINGS, STAFF, ServiceBase, Session, check_cursor, check_limit
from .views import Page, UserView, WalletView, user_view, wallet_view

USER_STATUSES = ("ACTIVE", "LOCKED", "DISABLED")


def whole_number(low: int, high: int):
    """A check for a whole number in [low, high], written with ASCII digits only:
    str.isdigit() also accepts '²' and '٣', which int() then rejects or misreads."""
    def check(v: str) -> bool:
        return v.isascii() and v.isdigit() and len(v) <= 19 and low <= int(v) <= high
    return check


def is_switch(v: str) -> bool:
    """The check for an on/off setting: "1" or "0"."""
    return v in ("0", "1")


SWITCH_EXPECTS = "1 (on) or 0 (off)"


# Settings an admin may change, with a check for each value.
_SETTING_CHECKS = {
    "registration_open": is_switch,
    "idle_timeout_minutes": whole_number(1, 24 * 60),
    # Up to ₦10 trillion for one amount: sums of such amounts still fit SQLite's 64-bit integers.
    "max_amount_minor": whole_number(1, 10**15),
    "deposit_expiry_hours": whole_number(1, 24 * 90),
    "lockout_threshold": whole_number(1, 100),
    "lockout_minutes": whole_number(1, 24 * 60),
    "timezone": lambda v: _valid_zone(v),
    "support_contact": lambda v: 0 < len(v) <= 200,
}


# What a valid value looks like, for the refusal's message (keys: as in _SETTING_CHECKS).
_SETTING_EXPECTS = {
    "registration_open": "1 (open) or 0 (closed)",
    "idle_timeout_minutes": "a whole number of minutes from 1 to 1440",
    "max_amount_minor": "a whole number of minor units from 1 to 10^15",
    "deposit_expiry_hours": "a whole number of hours from 1 to 2160",
    "lockout_threshold": "a whole number from 1 to 100",
    "lockout_minutes": "a whole number of minutes from 1 to 1440",
    "timezone": "an IANA time zone name such as Africa/Lagos",
    "support_contact": "1 to 200 characters",
}


def _valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return False


def register_setting(key: str, default: str, check, expects: str = "") -> None:
    """Let a feature module declare a setting an admin may change; ``expects`` says
    in a few words what a valid value is, for the message that refuses a bad one.
    ``check`` gets any text an admin types: it answers False, never raises (numbers:
    ``whole_number``; on/off: ``is_switch``)."""
    DEFAULT_SETTINGS.setdefault(key, default)
    _SETTING_CHECKS[key] = check
    if expects:
        _SETTING_EXPECTS[key] = expects


class AdminMixin(ServiceBase):
    def _target(self, conn: sqlite3.Connection, email: str) -> sqlite3.Row:
        user = self._user_by_email(conn, email)
        if user is None:
            raise E.NotFound(f"No user with email {(email or '').strip()}.")
        return user

    def freeze_wallet(self, session: Session, email: str, reason: str) -> WalletView:
        """Freeze a user's wallet: no money moves in or out until unfrozen. ADMIN only."""
        reason = " ".join((reason or "").split())
        if not reason:
            raise E.InvalidInput("A reason is required to freeze a wallet.")
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._target(conn, email)
            wallet = self._wallet_of(conn, user["id"])
            if wallet["frozen"]:
                raise E.Conflict(f"{user['email']}'s wallet is already frozen.")
            self._set_frozen(conn, wallet, actor["id"], reason)
            return wallet_view(conn, wallet["id"])

    def _set_frozen(self, conn, wallet, actor_id: int | None, reason: str) -> None:
        now = self._now(conn)
        conn.execute("UPDATE wallets SET frozen = 1, frozen_by = ?, frozen_at = ?, frozen_reason = ?"
                     " WHERE id = ?", (actor_id, to_iso(now), reason, wallet["id"]))
        self._audit(conn, "WALLET_FROZEN", actor_id=actor_id, subject_user_id=wallet["user_id"],
                    subject_wallet_id=wallet["id"], reason=reason)
        self._emit(conn, "wallet.frozen", user_id=wallet["user_id"], wallet_id=wallet["id"], reason=reason)

    def unfreeze_wallet(self, session: Session, email: str, reason: str | None = None) -> WalletView:
        """Lift a freeze (and a suspicious mark). ADMIN only."""
        reason = " ".join((reason or "").split()) or "unfrozen by an administrator"
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._target(conn, email)
            wallet = self._wallet_of(conn, user["id"])
            if not wallet["frozen"]:
                raise E.Conflict(f"{user['email']}'s wallet is not frozen.")
            conn.execute("UPDATE wallets SET frozen = 0, frozen_by = NULL, frozen_at = NULL,"
                         " frozen_reason = NULL, suspicious = 0 WHERE id = ?", (wallet["id"],))
            self._audit(conn, "WALLET_UNFROZEN", actor_id=actor["id"], subject_user_id=user["id"],
                        subject_wallet_id=wallet["id"], reason=reason)
            self._emit(conn, "wallet.unfrozen", user_id=user["id"], wallet_id=wallet["id"], reason=reason)
            return wallet_view(conn, wallet["id"])

    def unlock_user(self, session: Session, email: str, reason: str | None = None) -> UserView:
        """Unlock a LOCKED user and clear their failed-login count. ADMIN only."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._target(conn, email)
            if user["status"] != "LOCKED":
                raise E.Conflict(f"{user['email']} is not locked (status {user['status']}).")
            conn.execute("UPDATE users SET status = 'ACTIVE', failed_logins = 0, locked_until = NULL,"
                         " lock_reason = NULL, unlocked_at = ? WHERE id = ?",
                         (to_iso(self._now(conn)), user["id"]))
            self._audit(conn, "ACCOUNT_UNLOCKED", actor_id=actor["id"], subject_user_id=user["id"],
                        reason=reason or "unlocked by an administrator")
            return self._user_view(conn, user["id"])

    def disable_user(self, session: Session, email: str, reason: str | None = None) -> UserView:
        """Disable a user: no login and no money movement. ADMIN only; not oneself."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._target(conn, email)
            if user["id"] == actor["id"]:
                raise E.PermissionDenied("You cannot disable your own account.")
            if user["status"] == "DISABLED":
                raise E.Conflict(f"{user['email']} is already disabled.")
            conn.execute("UPDATE users SET status = 'DISABLED' WHERE id = ?", (user["id"],))
            self._audit(conn, "ACCOUNT_DISABLED", actor_id=actor["id"], subject_user_id=user["id"],
                        reason=reason or "disabled by an administrator")
            return self._user_view(conn, user["id"])

    def enable_user(self, session: Session, email: str) -> UserView:
        """Re-enable a DISABLED user. ADMIN only."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._target(conn, email)
            if user["status"] != "DISABLED":
                raise E.Conflict(f"{user['email']} is not disabled.")
            conn.execute("UPDATE users SET status = 'ACTIVE', failed_logins = 0 WHERE id = ?", (user["id"],))
            self._audit(conn, "ACCOUNT_ENABLED", actor_id=actor["id"], subject_user_id=user["id"])
            return self._user_view(conn, user["id"])

    def change_role(self, session: Session, email: str, role: str) -> UserView:
        """Change a user's role. ADMIN only; an admin cannot demote themself (the
        database must always keep an admin)."""
        role = check_role(role)
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._target(conn, email)
            if user["id"] == actor["id"] and role != "ADMIN":
                raise E.PermissionDenied("You cannot remove your own admin role.")
            if user["role"] == role:
                raise E.Conflict(f"{user['email']} is already {role}.")
            conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, user["id"]))
            self._audit(conn, "ROLE_CHANGED", actor_id=actor["id"], subject_user_id=user["id"],
                        old=user["role"], new=role)
            return self._user_view(conn, user["id"])

    # -- looking people up -----------------------------------------------------------------

    def _user_view(self, conn, user_id: int) -> UserView:
        return user_view(conn.execute(_USER_SELECT + " WHERE u.id = ?", (user_id,)).fetchone())

    def list_users(self, session: Session, *, search: str | None = None, role: str | None = None,
                   status: str | None = None, limit: int = 100, after_id: int | None = None) -> Page:
        """Users with their wallet balance; search matches email or name.

        Callers: ADMIN (everyone) and TELLER (account holders only).
        """
        limit, after_id = check_limit(limit), check_cursor(after_id)
        with self._read() as conn:
            actor = self._actor(conn, session, *STAFF)
            where, args = ["u.id > ?"], [after_id or 0]
            if actor["role"] == "TELLER":
                where.append("u.role = 'USER'")
            if role:
                where.append("u.role = ?")
                args.append(check_role(role))
            if status:
                status = status.strip().upper()
                if status not in USER_STATUSES:
                    raise E.InvalidInput(f"Status must be one of {', '.join(USER_STATUSES)}.")
                where.append("u.status = ?")
                args.append(status)
            if search and search.strip():
                like = "%" + search.strip().replace("%", "").replace("_", "") + "%"
                where.append("(u.email LIKE ? OR u.name LIKE ?)")
                args += [like, like]
            rows = conn.execute(_USER_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY u.id LIMIT ?",
                                (*args, limit + 1)).fetchall()
            items = [user_view(r) for r in rows[:limit]]
            return Page(items, items[-1].id if len(rows) > limit else None)

    def get_user(self, session: Session, email: str) -> UserView:
        """One user's card. Callers: oneself; TELLER for account holders; ADMIN."""
        with self._read() as conn:
            actor = self._actor(conn, session)
            subject = self._subject(conn, actor, email)
            return self._user_view(conn, subject["id"])

    # -- settings ---------------------------------------------------------------------------

    def get_settings(self, session: Session) -> dict[str, str]:
        """All settings. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            return self._settings(conn)

    def editable_settings(self) -> list[str]:
        """The keys ``set_setting`` accepts (features add theirs). Anyone may read the list."""
        return sorted(_SETTING_CHECKS)

    def set_setting(self, session: Session, key: str, value: str) -> str:
        """Change one setting, audited; returns its old value. Callers: ADMIN. Unknown
        keys and bad values refused."""
        key, value = (key or "").strip(), str(value).strip()
        check = _SETTING_CHECKS.get(key)
        if check is None:
            raise E.InvalidInput(f"Unknown setting {key!r}; the settings are: {', '.join(sorted(_SETTING_CHECKS))}.")
        if not check(value):
            expects = _SETTING_EXPECTS.get(key)
            raise E.InvalidInput(f"{value!r} is not a valid value for {key}"
                                 + (f": expected {expects}." if expects else "."))
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            old = self._setting(conn, key)
            self._put_setting(conn, key, value)
            self._audit(conn, "SETTING_CHANGED", actor_id=actor["id"], key=key, old=old, new=value)
            return old


_USER_SELECT = (
    "SELECT u.*, w.id AS wallet_id, w.balance, w.frozen FROM users u"
    " LEFT JOIN wallets w ON w.user_id = u.id"
)
