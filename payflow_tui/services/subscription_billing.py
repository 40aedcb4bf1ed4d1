"""Charging one subscription period: the debit, its journal entry and its charge row.

Shared by subscribing (period 0) and renewals (the periods after). Each
function runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
import weakref
from datetime import datetime, timedelta

from ..clock import to_iso
from ..money import format_amount
from . import errors as E
from .admin import register_setting, whole_number
from .base import CommittedRefusal, Movement, ServiceBase
from .ledger import insert_transaction, new_reference, post_entry, system_account

register_setting("subscription_grace_days", "7", whole_number(0, 90),
                 "a whole number of days from 0 to 90")


def period_bounds(anchor: datetime, duration_days: int, k: int) -> tuple[datetime, datetime]:
    """Period k of a subscription: [anchor + k*duration, anchor + (k+1)*duration).

    Counted from the anchor every time, never from when a charge happened, so
    a late or repeated run cannot make periods drift.
    """
    length = timedelta(days=duration_days)
    return anchor + k * length, anchor + (k + 1) * length


def charge_memo(plan_name: str, start: datetime, end: datetime) -> str:
    return f"{plan_name}: {start:%Y-%m-%d} to {end:%Y-%m-%d}"


class BillingMixin(ServiceBase):
    def _grace(self, conn: sqlite3.Connection) -> timedelta:
        return timedelta(days=int(self._setting(conn, "subscription_grace_days")))

    def _charge_refusal(self, user: sqlite3.Row, wallet: sqlite3.Row, plan: sqlite3.Row) -> E.PayFlowError | None:
        """Why this wallet cannot pay this plan now, or None."""
        price, currency = plan["price"], wallet["currency"]
        if user["status"] == "DISABLED":
            return E.AccountDisabled(f"{user['email']}'s account is disabled.")
        if user["status"] == "LOCKED":
            return E.AccountLocked(f"{user['email']}'s account is locked.")
        if wallet["frozen"]:
            return E.WalletFrozen(f"The wallet is frozen: {wallet['frozen_reason']}")
        if plan["currency"] != currency:
            return E.CurrencyMismatch(f"The plan is priced in {plan['currency']} and the wallet holds {currency}.")
        if wallet["balance"] < price:
            return E.InsufficientFunds(
                f"Insufficient funds for {plan['name']}: the balance is {format_amount(wallet['balance'], currency)},"
                f" the charge {format_amount(price, currency)}."
            )
        return None

    def _post_charge(self, conn: sqlite3.Connection, *, subscription_id: int, plan: sqlite3.Row,
                     wallet: sqlite3.Row, k: int, start: datetime, end: datetime, now: datetime,
                     actor_id: int | None, mv: Movement) -> int:
        """Debit the wallet to subscription revenue for period ``k``; returns the transaction id.

        The charge row's UNIQUE (subscription, period start) makes a second charge
        for the same period fail here, rolling back the debit with it.
        """
        price = plan["price"]
        reference = new_reference("SUBSCRIPTION")
        revenue = system_account(conn, "SUBSCRIPTION_REVENUE", wallet["currency"])
        entry = post_entry(conn, now, "SUBSCRIPTION", f"Subscription {reference}",
                           [(wallet["account_id"], -price), (revenue, price)])
        tx_id = insert_transaction(
            conn, wallet=wallet, type="SUBSCRIPTION", direction="DEBIT", amount=price, status="SUCCESS",
            reference=reference, at=now, actor_id=actor_id, memo=charge_memo(plan["name"], start, end),
            journal_entry_id=entry,
        )
        conn.execute(
            "INSERT INTO subscription_charges (subscription_id, period_index, period_start, period_end,"
            " amount, transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (subscription_id, k, to_iso(start), to_iso(end), price, tx_id, to_iso(now)),
        )
        mv.status, mv.transaction_ids = "SUCCESS", [tx_id]
        self._rules_after(conn, mv)
        self._emit(conn, "subscription.charged", user_id=wallet["user_id"], subscription_id=subscription_id,
                   plan=plan["name"], amount=price, currency=wallet["currency"], reference=reference,
                   period_start=start.isoformat(), period_end=end.isoformat(), wallet_id=wallet["id"])
        return tx_id

    def _record_failed_charge(self, conn: sqlite3.Connection, *, plan: sqlite3.Row, wallet: sqlite3.Row,
                              start: datetime, end: datetime, now: datetime, actor_id: int | None,
                              mv: Movement, error: E.PayFlowError) -> None:
        """A FAILED SUBSCRIPTION transaction with its reason; no money moves.

        Nothing more when the refusal is already recorded (a blocking rule did it).
        """
        if mv.transaction_ids:
            return
        mv.transaction_ids = [insert_transaction(
            conn, wallet=wallet, type="SUBSCRIPTION", direction="DEBIT", amount=plan["price"],
            status="FAILED", reference=new_reference("SUBSCRIPTION"), at=now, actor_id=actor_id,
            memo=charge_memo(plan["name"], start, end), failure_code=error.code,
            failure_reason=error.message,
        )]
        mv.status = "FAILED"
        self._rules_after(conn, mv)

    def _charge_movement(self, conn: sqlite3.Connection, *, actor_id: int, user_id: int, plan: sqlite3.Row,
                         wallet: sqlite3.Row, start: datetime, end: datetime, now: datetime,
                         recorded_actor: int | None) -> Movement:
        """The movement the fraud rules see, able to record its own refusal as a
        blocking rule expects (the FAILED row, then CommittedRefusal)."""
        mv = Movement("SUBSCRIPTION", actor_id, user_id, wallet["id"], plan["price"], now)
        # Weakly: the movement holds this function, and a cycle between them would keep
        # every renewal's rows alive until the garbage collector's next pass.
        movement = weakref.ref(mv)

        def refuse(error: E.PayFlowError) -> None:
            self._record_failed_charge(conn, plan=plan, wallet=wallet, start=start, end=end, now=now,
                                       actor_id=recorded_actor, mv=movement(), error=error)
            raise CommittedRefusal(error)

        mv.refuse = refuse
        return mv
