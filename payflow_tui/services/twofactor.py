"""Two-factor authentication: TOTP enrolment, step-up for large payments, admin logins.

A code proves possession of the authenticator at the moment of the request,
so it is checked inside the operation's own transaction: the step it used is
stored there too, and a second request with the same code (RFC 6238's
replay) finds it already spent.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..clock import to_iso
from ..money import format_amount
from . import errors as E
from . import totp
from .admin import SWITCH_EXPECTS, is_switch, register_setting, whole_number
from .base import CommittedRefusal, Movement, ServiceBase, Session
from .ledger import insert_transaction, new_reference
from .views import View


register_setting("step_up_threshold_minor", "5000000", whole_number(1, 10**15),
                 "a whole number of minor units from 1 to 10^15")
register_setting("admin_login_requires_2fa", "0", is_switch, SWITCH_EXPECTS)

ENROL_HINT = "enrol in two-factor authentication first (Profile, or `payflow 2fa enrol`)"


@dataclass(frozen=True)
class TwoFactorEnrolment(View):
    """What an enrolment screen shows: scan ``qr`` or type ``secret``."""

    secret: str
    uri: str
    qr: str


class TwoFactorMixin(ServiceBase):
    # -- enrolment ----------------------------------------------------------------------

    def begin_2fa_enrolment(self, session: Session) -> TwoFactorEnrolment:
        """Start enrolling one's own authenticator app: a new secret, its otpauth
        URI and the QR code as terminal text. Any role, for themself.

        Refuses a user already enrolled (disable first). Enrolment completes
        only with ``confirm_2fa_enrolment``; starting again replaces the secret.
        """
        secret = totp.new_secret()
        with self._write() as conn:
            actor = self._actor(conn, session)
            row = self._two_factor(conn, actor["id"])
            if row is not None and row["status"] == "ACTIVE":
                raise E.Conflict("Two-factor authentication is already on; disable it first to re-enrol.")
            now = to_iso(self._now(conn))
            conn.execute(
                "INSERT INTO two_factor (user_id, secret, status, created_at) VALUES (?, ?, 'PENDING', ?)"
                " ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,"
                " created_at = excluded.created_at, last_used_step = NULL, failed_codes = 0",
                (actor["id"], secret, now),
            )
            self._audit(conn, "TWO_FACTOR_ENROLMENT_STARTED", actor_id=actor["id"], subject_user_id=actor["id"])
            uri = totp.provisioning_uri(secret, actor["email"])
        return TwoFactorEnrolment(secret, uri, totp.qr_text(uri))

    def confirm_2fa_enrolment(self, session: Session, code: str) -> list[str]:
        """Finish enrolling with a valid code from the app; returns the recovery
        codes, shown this once (only their hashes are kept). Any role, for themself.

        Refuses: no enrolment started (NOT_FOUND), already on (CONFLICT), a
        code that is not 6 digits (INVALID_INPUT), a wrong code (OTP_INVALID).
        """
        code = _six_digits(code)
        codes = totp.new_recovery_codes()
        with self._write() as conn:
            actor = self._actor(conn, session)
            row = self._two_factor(conn, actor["id"])
            if row is None:
                raise E.NotFound("No two-factor enrolment was started; begin one first.")
            if row["status"] == "ACTIVE":
                raise E.Conflict("Two-factor authentication is already on.")
            now = self._now(conn)
            step = totp.matching_step(row["secret"], code, now)
            if step is None:
                raise E.OtpInvalid("That code does not match; check the app's clock and type the current code.")
            conn.execute("UPDATE two_factor SET status = 'ACTIVE', enabled_at = ?, last_used_step = ?,"
                         " failed_codes = 0 WHERE user_id = ?", (to_iso(now), step, actor["id"]))
            conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (actor["id"],))
            conn.executemany(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
                [(actor["id"], totp.recovery_hash(c), to_iso(now)) for c in codes],
            )
            self._audit(conn, "TWO_FACTOR_ENABLED", actor_id=actor["id"], subject_user_id=actor["id"])
        return codes

    def disable_2fa(self, session: Session, code: str | None) -> None:
        """Turn one's own two-factor authentication off. Any role, for themself.

        Needs a current code or an unused recovery code (OTP_REQUIRED when
        missing, OTP_INVALID when wrong; wrong codes count towards the lockout).
        """
        code = totp.normalise(code)
        with self._write() as conn:
            actor = self._actor(conn, session)
            row = self._two_factor(conn, actor["id"])
            if row is None or row["status"] != "ACTIVE":
                raise E.Conflict("Two-factor authentication is not on.")
            if not code:
                raise E.OtpRequired("Give a current code or a recovery code to turn two-factor off.")
            if self._use_code(conn, row, code, allow_recovery=True) != "ok":
                self._wrong_code(conn, actor, "disable")
            self._remove_two_factor(conn, actor["id"])
            self._audit(conn, "TWO_FACTOR_DISABLED", actor_id=actor["id"], subject_user_id=actor["id"])

    def reset_2fa(self, session: Session, email: str) -> None:
        """Remove another user's two-factor enrolment (a lost phone and lost
        recovery codes). ADMIN only, audited; not for oneself (use disable_2fa)."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            user = self._user_by_email(conn, email)
            if user is None:
                raise E.NotFound(f"No user with email {(email or '').strip()}.")
            if user["id"] == actor["id"]:
                raise E.PermissionDenied("Turn your own two-factor off with a code (disable).")
            if self._two_factor(conn, user["id"]) is None:
                raise E.Conflict(f"{user['email']} has no two-factor enrolment.")
            self._remove_two_factor(conn, user["id"])
            self._audit(conn, "TWO_FACTOR_RESET", actor_id=actor["id"], subject_user_id=user["id"])

    def two_factor_status(self, session: Session) -> dict:
        """One's own two-factor state, with a sentence to show. Any role."""
        with self._read() as conn:
            actor = self._actor(conn, session)
            row = self._two_factor(conn, actor["id"])
            enrolled = row is not None and row["status"] == "ACTIVE"
            required = actor["role"] == "ADMIN" and self._setting(conn, "admin_login_requires_2fa") == "1"
            threshold = int(self._setting(conn, "step_up_threshold_minor"))
            left = conn.execute("SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
                                (actor["id"],)).fetchone()[0] if enrolled else 0
        if enrolled:
            message = (f"Two-factor authentication is on; {left} recovery codes left. Transfers and"
                       f" withdrawals of {format_amount(threshold)} or more need a code.")
        elif row is not None:
            message = "Two-factor enrolment is started: confirm it with the code your app shows."
        elif required:
            message = "Admin logins require two-factor authentication: " + ENROL_HINT + "."
        else:
            message = (f"Two-factor authentication is off; transfers and withdrawals of"
                       f" {format_amount(threshold)} or more need it: {ENROL_HINT}.")
        return {"enrolled": enrolled, "pending": row is not None and not enrolled,
                "required_for_login": required, "step_up_threshold": threshold,
                "recovery_codes_left": left, "message": message}

    # -- the hooks the payments and login call -----------------------------------------------

    def _check_step_up(self, conn: sqlite3.Connection, actor: sqlite3.Row, movement: Movement,
                       otp: str | None, *, memo: str | None = None) -> None:
        super()._check_step_up(conn, actor, movement, otp, memo=memo)
        threshold = int(self._setting(conn, "step_up_threshold_minor"))
        if movement.amount < threshold:
            return
        what = "transfer" if movement.kind == "TRANSFER" else "withdrawal"
        limit = format_amount(threshold)
        row = self._two_factor(conn, actor["id"])
        if row is None or row["status"] != "ACTIVE":
            # ``enrolled=False`` tells a screen that asking for a code now would be pointless.
            raise E.OtpRequired(f"A {what} of {limit} or more needs a two-factor code: {ENROL_HINT}.",
                                enrolled=False)
        code = totp.normalise(otp)
        if not code:
            raise E.OtpRequired(f"A {what} of {limit} or more needs the current code from your authenticator app.")
        _six_digits(code)
        outcome = self._use_code(conn, row, code, allow_recovery=False)
        if outcome == "ok":
            return
        # A wrong code is a refused payment like any other: the fraud rules count it.
        error = _wrong_code_error(outcome)
        self._record_step_up_refusal(conn, movement, error, memo)
        self._wrong_code(conn, actor, what, error=error)

    def _check_login_second_factor(self, conn: sqlite3.Connection, user: sqlite3.Row,
                                   otp: str | None) -> None:
        super()._check_login_second_factor(conn, user, otp)
        if user["role"] != "ADMIN" or self._setting(conn, "admin_login_requires_2fa") != "1":
            return
        row = self._two_factor(conn, user["id"])
        if row is None or row["status"] != "ACTIVE":
            # Let them in, or nobody could ever enrol; the audit and status say so.
            self._audit(conn, "TWO_FACTOR_ENROLMENT_DUE", actor_id=user["id"], subject_user_id=user["id"])
            return
        code = totp.normalise(otp)
        if not code:
            raise E.OtpRequired("Admin logins need the current code from your authenticator app"
                                " (or a recovery code).")
        outcome = self._use_code(conn, row, code, allow_recovery=True)
        if outcome != "ok":
            self._audit(conn, "LOGIN_FAILED", actor_id=user["id"], subject_user_id=user["id"],
                        reason="wrong two-factor code")
            self._wrong_code(conn, user, "login", error=_wrong_code_error(outcome))

    # -- helpers -------------------------------------------------------------------------------

    def _two_factor(self, conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM two_factor WHERE user_id = ?", (user_id,)).fetchone()

    def _remove_two_factor(self, conn: sqlite3.Connection, user_id: int) -> None:
        conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
        conn.execute("DELETE FROM two_factor WHERE user_id = ?", (user_id,))

    def _use_code(self, conn: sqlite3.Connection, row: sqlite3.Row, code: str, *,
                  allow_recovery: bool) -> str:
        """Spend ``code`` if it is good: 'ok', else 'wrong' or 'reused'."""
        now = self._now(conn)
        if totp.looks_like_totp(code):
            step = totp.matching_step(row["secret"], code, now)
            if step is None:
                return "wrong"
            if row["last_used_step"] is not None and step <= row["last_used_step"]:
                return "reused"
            conn.execute("UPDATE two_factor SET last_used_step = ?, failed_codes = 0 WHERE user_id = ?",
                         (step, row["user_id"]))
            return "ok"
        if not allow_recovery:
            return "wrong"
        used = conn.execute(
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
            (to_iso(now), row["user_id"], totp.recovery_hash(code)),
        ).rowcount
        if not used:
            return "wrong"
        conn.execute("UPDATE two_factor SET failed_codes = 0 WHERE user_id = ?", (row["user_id"],))
        self._audit(conn, "RECOVERY_CODE_USED", actor_id=row["user_id"], subject_user_id=row["user_id"])
        return "ok"

    def _wrong_code(self, conn: sqlite3.Connection, user: sqlite3.Row, context: str, *,
                    error: E.PayFlowError | None = None) -> None:
        """Count a wrong code and raise (committing the count); too many in a
        row lock the account like wrong passwords do."""
        error = error or _wrong_code_error("wrong")
        now = self._now(conn)
        failures = conn.execute(
            "UPDATE two_factor SET failed_codes = failed_codes + 1 WHERE user_id = ? RETURNING failed_codes",
            (user["id"],),
        ).fetchone()[0]
        self._audit(conn, "TWO_FACTOR_CODE_REJECTED", actor_id=user["id"], subject_user_id=user["id"],
                    context=context, consecutive=failures)
        if failures >= int(self._setting(conn, "lockout_threshold")):
            until = now + timedelta(minutes=int(self._setting(conn, "lockout_minutes")))
            conn.execute("UPDATE users SET status = 'LOCKED', locked_until = ?, lock_reason = ?"
                         " WHERE id = ? AND status = 'ACTIVE'",
                         (to_iso(until), "too many wrong two-factor codes", user["id"]))
            conn.execute("UPDATE two_factor SET failed_codes = 0 WHERE user_id = ?", (user["id"],))
            self._audit(conn, "ACCOUNT_LOCKED", actor_id=None, subject_user_id=user["id"],
                        reason="too many wrong two-factor codes", until=to_iso(until))
            error = E.AccountLocked(f"Too many wrong two-factor codes; the account is locked until"
                                    f" {_hhmm(until)}.")
        raise CommittedRefusal(error)

    def _record_step_up_refusal(self, conn: sqlite3.Connection, mv: Movement, error: E.PayFlowError,
                                memo: str | None) -> None:
        wallet = conn.execute("SELECT * FROM wallets WHERE id = ?", (mv.wallet_id,)).fetchone()
        reference = new_reference(mv.kind)
        transfer_ref = reference if mv.kind == "TRANSFER" else None
        tx_id = insert_transaction(
            conn, wallet=wallet, type=mv.kind, direction="DEBIT", amount=mv.amount, status="FAILED",
            reference=f"{reference}-D" if transfer_ref else reference, at=mv.now, actor_id=mv.actor_id,
            transfer_ref=transfer_ref, counterparty_wallet_id=mv.counterparty_wallet_id, memo=memo,
            failure_code=error.code, failure_reason=error.message,
        )
        mv.status, mv.transaction_ids = "FAILED", [tx_id]
        self._rules_after(conn, mv)


def _six_digits(code: str | None) -> str:
    code = totp.normalise(code)
    if not totp.looks_like_totp(code):
        raise E.InvalidInput("A two-factor code is the 6 digits your authenticator app shows.")
    return code


def _wrong_code_error(outcome: str) -> E.PayFlowError:
    if outcome == "reused":
        return E.OtpInvalid("That code was already used; wait for the app's next code.")
    return E.OtpInvalid("That two-factor code is wrong or expired.")


def _hhmm(at: datetime) -> str:
    return at.strftime("%H:%M UTC")
