"""Deposits: requested by a customer or a teller, then confirmed or rejected by a teller."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from ..clock import to_iso
from . import errors as E
from . import idempotency as idem
from .base import STAFF, CommittedRefusal, Movement, ServiceBase, Session, check_cursor, check_limit
from .ledger import insert_transaction, new_reference, post_entry, system_account
from .views import TX_SELECT, Page, TransactionView, load_tx, load_tx_by_ref, tx_view


class DepositsMixin(ServiceBase):
    def request_deposit(self, session: Session, amount: int, *, for_email: str | None = None,
                        key: str | None = None, memo: str | None = None) -> TransactionView:
        """Open a PENDING deposit awaiting a teller's confirmation.

        Callers: any role for their own wallet; TELLER for an account holder;
        ADMIN for anyone. Refuses a disabled customer (recorded as a FAILED
        deposit). No money moves yet.
        """
        from .payments import _clean_memo

        key = idem.check_key(key)
        memo = _clean_memo(memo)
        with self._write() as conn:
            actor = self._actor(conn, session)
            self._check_amount(conn, amount)
            subject = self._subject(conn, actor, for_email)
            params = {"amount": amount, "for": subject["id"], "memo": memo}
            stored = idem.lookup(conn, actor["id"], key, "deposit", params)
            if stored is not None:
                return load_tx_by_ref(conn, idem.replay(stored)["reference"])
            now = self._now(conn)
            wallet = self._wallet_of(conn, subject["id"])
            reference = new_reference("DEPOSIT")
            if subject["status"] == "DISABLED":
                self._refuse_deposit(conn, actor, wallet, amount, reference, now, key, params, memo,
                                     E.AccountDisabled(f"{subject['email']}'s account is disabled."))
            tx_id = insert_transaction(
                conn, wallet=wallet, type="DEPOSIT", direction="CREDIT", amount=amount,
                status="PENDING", reference=reference, at=now, actor_id=actor["id"], memo=memo,
            )
            idem.record(conn, actor["id"], key, "deposit", params, {"reference": reference}, now)
            self._emit(conn, "deposit.requested", user_id=subject["id"], reference=reference,
                       amount=amount, wallet_id=wallet["id"])
            return load_tx(conn, tx_id)

    def _refuse_deposit(self, conn, actor, wallet, amount, reference, now, key, params, memo,
                        error: E.PayFlowError) -> None:
        """Record a well-formed but refused request as a FAILED deposit, then raise."""
        tx_id = insert_transaction(
            conn, wallet=wallet, type="DEPOSIT", direction="CREDIT", amount=amount, status="FAILED",
            reference=reference, at=now, actor_id=actor["id"], memo=memo, failure_code=error.code,
            failure_reason=error.message,
        )
        mv = Movement("DEPOSIT", actor["id"], wallet["user_id"], wallet["id"], amount, now,
                      status="FAILED", transaction_ids=[tx_id])
        idem.record(conn, actor["id"], key, "deposit", params, error.to_json(), now)
        self._rules_after(conn, mv)
        raise CommittedRefusal(error)

    def confirm_deposit(self, session: Session, reference: str) -> TransactionView:
        """Confirm a PENDING deposit: SUCCESS, the wallet credited from cash clearing.

        Callers: TELLER (for account holders) and ADMIN. Refuses a deposit that is
        not pending (confirmed, rejected or expired: ALREADY_PROCESSED), a frozen
        wallet or a disabled customer (the deposit stays pending), and a teller
        confirming a deposit into their own wallet.
        """
        with self._write() as conn:
            actor = self._actor(conn, session, *STAFF)
            tx = self._pending_deposit(conn, actor, reference)
            wallet = conn.execute("SELECT * FROM wallets WHERE id = ?", (tx["wallet_id"],)).fetchone()
            if wallet["frozen"]:
                raise E.WalletFrozen(
                    f"The wallet is frozen ({wallet['frozen_reason']}); the deposit stays pending."
                )
            owner = conn.execute("SELECT email, status FROM users WHERE id = ?",
                                 (wallet["user_id"],)).fetchone()
            if owner["status"] == "DISABLED":
                # A disabled account takes no money movement; reject it, or enable the account first.
                raise E.AccountDisabled(f"{owner['email']}'s account is disabled; the deposit stays pending.")
            now = self._now(conn)
            mv = Movement("DEPOSIT", actor["id"], wallet["user_id"], wallet["id"], tx["amount"], now,
                          transaction_ids=[tx["id"]])
            self._rules_before(conn, mv)
            cash = system_account(conn, "CASH_CLEARING", wallet["currency"])
            entry = post_entry(conn, now, "DEPOSIT", f"Deposit {tx['reference']}",
                               [(cash, -tx["amount"]), (wallet["account_id"], tx["amount"])])
            conn.execute(
                "UPDATE transactions SET status = 'SUCCESS', journal_entry_id = ?, updated_at = ?"
                " WHERE id = ? AND status = 'PENDING'",
                (entry, to_iso(now), tx["id"]),
            )
            mv.status = "SUCCESS"
            self._rules_after(conn, mv)
            self._audit(conn, "DEPOSIT_CONFIRMED", actor_id=actor["id"], subject_user_id=wallet["user_id"],
                        subject_wallet_id=wallet["id"], reference=tx["reference"], amount=tx["amount"])
            self._emit(conn, "deposit.confirmed", user_id=wallet["user_id"], reference=tx["reference"],
                       amount=tx["amount"], wallet_id=wallet["id"])
            self._after_deposit_confirmed(conn, wallet["id"])
            return load_tx(conn, tx["id"])

    def reject_deposit(self, session: Session, reference: str, reason: str) -> TransactionView:
        """Reject a PENDING deposit: FAILED with the teller's reason; no money moves.

        Callers: TELLER (for account holders) and ADMIN. Refuses an empty reason
        and a deposit that is no longer pending.
        """
        reason = " ".join((reason or "").split())
        if not reason:
            raise E.InvalidInput("A reason is required to reject a deposit.")
        with self._write() as conn:
            actor = self._actor(conn, session, *STAFF)
            tx = self._pending_deposit(conn, actor, reference)
            now = self._now(conn)
            conn.execute(
                "UPDATE transactions SET status = 'FAILED', failure_code = 'REJECTED',"
                " failure_reason = ?, updated_at = ? WHERE id = ?",
                (f"Rejected: {reason}", to_iso(now), tx["id"]),
            )
            wallet = conn.execute("SELECT * FROM wallets WHERE id = ?", (tx["wallet_id"],)).fetchone()
            self._audit(conn, "DEPOSIT_REJECTED", actor_id=actor["id"], subject_user_id=wallet["user_id"],
                        subject_wallet_id=wallet["id"], reference=tx["reference"], reason=reason)
            self._emit(conn, "deposit.rejected", user_id=wallet["user_id"], reference=tx["reference"],
                       amount=tx["amount"], wallet_id=wallet["id"], reason=reason)
            return load_tx(conn, tx["id"])

    def _pending_deposit(self, conn: sqlite3.Connection, actor, reference: str) -> sqlite3.Row:
        reference = (reference or "").strip().upper()
        self._expire_deposits(conn)
        row = conn.execute(
            "SELECT t.*, u.role AS owner_role, w.user_id AS owner_id FROM transactions t"
            " JOIN wallets w ON w.id = t.wallet_id JOIN users u ON u.id = w.user_id"
            " WHERE t.reference = ? AND t.type = 'DEPOSIT'",
            (reference,),
        ).fetchone()
        if row is None:
            raise E.NotFound(f"No deposit with reference {reference}.")
        if actor["role"] == "TELLER" and row["owner_id"] == actor["id"]:
            raise E.PermissionDenied("A teller cannot confirm or reject a deposit to their own wallet.")
        if actor["role"] == "TELLER" and row["owner_role"] != "USER":
            raise E.PermissionDenied("A teller handles account holders' deposits only.")
        if row["status"] != "PENDING":
            state = "expired" if row["failure_code"] == "EXPIRED" else (
                "rejected" if row["status"] == "FAILED" else "confirmed")
            # Committed, so an expiry the sweep above just made is kept, not rolled back:
            # the refused deposit then reads FAILED (expired) everywhere, as the refusal says.
            raise CommittedRefusal(E.AlreadyProcessed(f"Deposit {reference} was already {state}."))
        return row

    def _expire_deposits(self, conn: sqlite3.Connection) -> int:
        """Fail PENDING deposits older than the configured age (inside a write)."""
        now = self._now(conn)
        hours = int(self._setting(conn, "deposit_expiry_hours"))
        cutoff = to_iso(now - timedelta(hours=hours))
        expired = conn.execute(
            "SELECT t.id, t.reference, t.amount, w.user_id, w.id AS wallet_id FROM transactions t"
            " JOIN wallets w ON w.id = t.wallet_id"
            " WHERE t.status = 'PENDING' AND t.type = 'DEPOSIT' AND t.created_at < ?",
            (cutoff,),
        ).fetchall()
        for r in expired:
            conn.execute(
                "UPDATE transactions SET status = 'FAILED', failure_code = 'EXPIRED',"
                " failure_reason = ?, updated_at = ? WHERE id = ?",
                (f"Expired: not confirmed within {hours} h", to_iso(now), r["id"]),
            )
            self._emit(conn, "deposit.expired", user_id=r["user_id"], reference=r["reference"],
                       amount=r["amount"], wallet_id=r["wallet_id"])
        return len(expired)

    def expire_pending_deposits(self) -> int:
        """Expire stale pending deposits; for the scheduler (no session: a system task)."""
        with self._write() as conn:
            return self._expire_deposits(conn)

    def pending_deposits(self, session: Session, *, limit: int = 100,
                         after_id: int | None = None) -> Page:
        """The teller's queue: PENDING deposits, oldest first (stale ones expired first).

        Callers: TELLER (account holders' deposits) and ADMIN (all).
        """
        limit, after_id = check_limit(limit), check_cursor(after_id)
        with self._write() as conn:
            actor = self._actor(conn, session, *STAFF)
            self._expire_deposits(conn)
            # Driven by the (status, type) index: the queue is a handful of rows among millions.
            sql = TX_SELECT + (" WHERE t.id IN (SELECT id FROM transactions"
                               " WHERE status = 'PENDING' AND type = 'DEPOSIT') AND t.id > ?")
            if actor["role"] == "TELLER":
                sql += " AND u.role = 'USER' AND u.id <> ?"
                args: tuple = (after_id or 0, actor["id"])
            else:
                args = (after_id or 0,)
            rows = conn.execute(sql + " ORDER BY t.id LIMIT ?", (*args, limit + 1)).fetchall()
            items = [tx_view(r) for r in rows[:limit]]
            return Page(items, items[-1].id if len(rows) > limit else None)
