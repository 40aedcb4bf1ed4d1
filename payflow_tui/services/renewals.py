"""Renewals: charging each subscription whose next renewal has come, one period at a time.

Policy (the README states it too):
- Period k of a subscription is [anchor + k*duration, anchor + (k+1)*duration),
  counted from its own anchor, never from when a run happened.
- After downtime, owed periods are charged oldest first, stopping at the first
  the wallet cannot pay.
- A renewal the wallet cannot pay records one FAILED SUBSCRIPTION transaction
  and SUSPENDS the subscription. It is retried on every run and right after a
  deposit to its wallet is confirmed; paid, it is ACTIVE again for the owed
  period. Still unpaid once the grace period (``subscription_grace_days``,
  counted from the date the renewal fell due) is over: EXPIRED.
- A cancelled subscription expires at its period end, uncharged.
- One charge per subscription per period: the charge row's UNIQUE key is
  written in the same transaction as the debit, and the subscription's state
  is re-read inside that transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime

from ..clock import from_iso, to_iso
from .base import CommittedRefusal
from .scheduler import KeepAlive, ScheduledTask, SchedulerMixin
from .subscription_billing import BillingMixin, period_bounds
from .subscription_views import RenewalResult, period_index

log = logging.getLogger(__name__)

LIVE = ("ACTIVE", "SUSPENDED")
BATCH = 500


class RenewalsMixin(BillingMixin, SchedulerMixin):
    def _scheduler_tasks(self) -> list[ScheduledTask]:
        tasks = super()._scheduler_tasks()
        tasks.append(ScheduledTask("renewals", self._task_renewals))
        return tasks

    def _task_renewals(self, keep_alive: KeepAlive) -> dict:
        return self.run_renewals(keep_alive=keep_alive).to_json()

    def run_renewals(self, *, keep_alive: KeepAlive | None = None, batch_size: int = BATCH) -> RenewalResult:
        """Charge every subscription whose next renewal date has come.

        No session: a system task for the scheduler (``payflow renew``). Each
        subscription is its own short transaction, so a run killed half-way
        and run again charges nothing twice, and other writers get their turn.
        Subscriptions are read in id order, ``batch_size`` ids at a time.
        """
        result = RenewalResult()
        after = 0
        while True:
            with self._read() as conn:
                # The unary + keeps SQLite walking the primary key from ``after``
                # instead of sorting every due row of the status index per batch.
                ids = [r[0] for r in conn.execute(
                    "SELECT id FROM user_subscriptions WHERE id > ? AND +status IN ('ACTIVE', 'SUSPENDED')"
                    " AND +next_renewal_at <= ? ORDER BY id LIMIT ?",
                    (after, to_iso(self._now(conn)), batch_size),
                )]
            if not ids:
                return result
            for sub_id in ids:
                if keep_alive is not None:
                    keep_alive()
                result.checked += 1
                try:
                    with self._write() as conn:
                        outcome = self._renew_locked(conn, sub_id)
                except Exception as exc:  # one bad subscription must not stop the others
                    log.exception("renewal of subscription %s failed", sub_id)
                    result.error(f"subscription {sub_id}: {type(exc).__name__}: {exc}")
                else:
                    _merge(result, outcome)
            after = ids[-1]

    def _renew_locked(self, conn: sqlite3.Connection, sub_id: int) -> RenewalResult:
        """Bring one subscription up to date inside the caller's write transaction."""
        out = RenewalResult()
        now = self._now(conn)
        grace = self._grace(conn)
        while True:
            sub = conn.execute(
                "SELECT s.*, p.duration_days FROM user_subscriptions s"
                " JOIN subscription_plans p ON p.id = s.plan_id WHERE s.id = ?", (sub_id,),
            ).fetchone()
            if sub is None or sub["status"] not in LIVE or sub["next_renewal_at"] is None:
                return out
            due = from_iso(sub["next_renewal_at"])
            if due > now:
                return out
            if sub["status"] == "ACTIVE" and sub["cancel_at_period_end"]:
                self._expire(conn, sub, now, "CANCELLED", "cancelled by the subscriber")
                out.expired += 1
                return out
            if sub["status"] == "SUSPENDED" and now >= due + grace:
                self._expire(conn, sub, now, "UNPAID", "unpaid at the end of the grace period")
                out.expired += 1
                return out
            if not self._renew_period(conn, sub, due, now, grace, out):
                return out

    def _renew_period(self, conn, sub, due: datetime, now: datetime, grace, out: RenewalResult) -> bool:
        """Try to charge the owed period; True when paid (the caller looks for the next one)."""
        plan = conn.execute("SELECT * FROM subscription_plans WHERE id = ?", (sub["plan_id"],)).fetchone()
        user = conn.execute("SELECT * FROM users WHERE id = ?", (sub["user_id"],)).fetchone()
        wallet = self._wallet_of(conn, user["id"])
        k = period_index(sub) + 1
        start, end = period_bounds(from_iso(sub["anchor_at"]), plan["duration_days"], k)
        if start != due:
            raise RuntimeError(f"subscription {sub['id']}: next renewal {due} is not period {k}'s start {start}")
        # The subscriber authorised the recurring charge, so the rules see them as its actor;
        # the transaction row has no actor because no person made this one.
        mv = self._charge_movement(conn, actor_id=user["id"], user_id=user["id"], plan=plan, wallet=wallet,
                                   start=start, end=end, now=now, recorded_actor=None)
        refusal = self._charge_refusal(user, wallet, plan)
        if refusal is None:
            try:
                self._rules_before(conn, mv)
            except CommittedRefusal as blocked:
                refusal = blocked.error
        if refusal is None:
            self._post_charge(conn, subscription_id=sub["id"], plan=plan, wallet=wallet, k=k, start=start,
                              end=end, now=now, actor_id=None, mv=mv)
            # Status is set only when it changes: setting it rewrites every index on it.
            reactivate = ", status = 'ACTIVE', suspended_at = NULL" if sub["status"] == "SUSPENDED" else ""
            moved = conn.execute(
                "UPDATE user_subscriptions SET current_period_start = ?, current_period_end = ?,"
                f" next_renewal_at = ?, updated_at = ?{reactivate}"
                " WHERE id = ? AND status IN ('ACTIVE', 'SUSPENDED') AND next_renewal_at = ?",
                (to_iso(start), to_iso(end), to_iso(end), to_iso(now), sub["id"], sub["next_renewal_at"]),
            ).rowcount
            if moved != 1:
                raise RuntimeError(f"subscription {sub['id']} changed under its renewal")
            out.charged += 1
            out.amount_charged += plan["price"]
            out.reactivated += int(sub["status"] == "SUSPENDED")
            return True
        first_failure = sub["status"] == "ACTIVE"
        if first_failure:
            self._record_failed_charge(conn, plan=plan, wallet=wallet, start=start, end=end, now=now,
                                       actor_id=None, mv=mv, error=refusal)
        if now >= due + grace:
            self._expire(conn, sub, now, "UNPAID", refusal.message)
            out.expired += 1
        elif first_failure:
            conn.execute("UPDATE user_subscriptions SET status = 'SUSPENDED', suspended_at = ?, updated_at = ?"
                         " WHERE id = ?", (to_iso(now), to_iso(now), sub["id"]))
            self._emit(conn, "subscription.suspended", user_id=user["id"], subscription_id=sub["id"],
                       plan=plan["name"], amount=plan["price"], code=refusal.code, reason=refusal.message,
                       period_start=start.isoformat(), grace_until=(due + grace).isoformat())
            out.suspended += 1
        else:
            out.retried += 1
        return False

    def _expire(self, conn: sqlite3.Connection, sub, now: datetime, reason: str, detail: str) -> None:
        # The cancel flag is what tells a cancelled end from an unpaid one afterwards.
        conn.execute(
            "UPDATE user_subscriptions SET status = 'EXPIRED', next_renewal_at = NULL,"
            " cancel_at_period_end = ?, updated_at = ? WHERE id = ?",
            (int(reason == "CANCELLED"), to_iso(now), sub["id"]),
        )
        plan = conn.execute("SELECT name FROM subscription_plans WHERE id = ?", (sub["plan_id"],)).fetchone()
        self._emit(conn, "subscription.expired", user_id=sub["user_id"], subscription_id=sub["id"],
                   plan=plan["name"], reason=reason, detail=detail)

    def _after_deposit_confirmed(self, conn: sqlite3.Connection, wallet_id: int) -> None:
        """Retry the wallet owner's suspended subscriptions, oldest owed first.

        Each retry sits in a savepoint: a failure there is logged and undone
        without undoing the deposit it follows.
        """
        super()._after_deposit_confirmed(conn, wallet_id)
        ids = [r[0] for r in conn.execute(
            "SELECT s.id FROM user_subscriptions s JOIN wallets w ON w.user_id = s.user_id"
            " WHERE w.id = ? AND s.status = 'SUSPENDED' AND s.next_renewal_at <= ?"
            " ORDER BY s.next_renewal_at, s.id", (wallet_id, to_iso(self._now(conn))),
        )]
        for sub_id in ids:
            conn.execute("SAVEPOINT subscription_retry")
            try:
                self._renew_locked(conn, sub_id)
            except Exception:
                log.exception("retrying subscription %s after a deposit failed", sub_id)
                conn.execute("ROLLBACK TO subscription_retry")
            conn.execute("RELEASE subscription_retry")


def _merge(total: RenewalResult, part: RenewalResult) -> None:
    for name in ("charged", "suspended", "reactivated", "retried", "expired", "amount_charged"):
        setattr(total, name, getattr(total, name) + getattr(part, name))

