"""Subscriptions: subscribing, cancelling, resuming and listing; plans and renewals mixed in.

A subscription is charged its plan's price for each period, counted from its
own anchor (the moment it began). States: ACTIVE (paid for the current
period), SUSPENDED (a renewal went unpaid; retried during the grace period),
EXPIRED (final: cancelled at period end, or unpaid after the grace period).
"""

from __future__ import annotations

import sqlite3

from ..clock import from_iso, to_iso
from . import errors as E
from .base import Session
from .plans import PlansMixin
from .renewals import RenewalsMixin
from .subscription_billing import period_bounds
from .subscription_views import SUB_SELECT, SubscriptionQuote, SubscriptionView, subscription_view
from .views import Page

SUB_STATUSES = ("ACTIVE", "SUSPENDED", "EXPIRED")


class SubscriptionsMixin(PlansMixin, RenewalsMixin):
    def _sub_view(self, conn: sqlite3.Connection, sub_id: int) -> SubscriptionView:
        return subscription_view(conn.execute(SUB_SELECT + " WHERE s.id = ?", (sub_id,)).fetchone(),
                                 self._grace(conn))

    def _live_subscription(self, conn: sqlite3.Connection, user_id: int, plan_id: int) -> sqlite3.Row | None:
        return conn.execute(
            "SELECT * FROM user_subscriptions WHERE user_id = ? AND plan_id = ? AND status IN ('ACTIVE', 'SUSPENDED')",
            (user_id, plan_id),
        ).fetchone()

    def _open_plan(self, conn: sqlite3.Connection, plan_name: str) -> sqlite3.Row:
        plan = self._plan_by_name(conn, plan_name)
        if not plan["active"] or plan["archived_at"]:
            raise E.Conflict(f"Plan {plan['name']!r} is not open for new subscriptions.")
        return plan

    def quote_subscription(self, session: Session, plan_name: str, *,
                           for_email: str | None = None) -> SubscriptionQuote:
        """What subscribing now would charge and when it would renew, for a confirmation.

        Callers: as ``subscribe``. Changes nothing.
        """
        with self._read() as conn:
            actor = self._actor(conn, session)
            subject = self._subject(conn, actor, for_email)
            plan = self._open_plan(conn, plan_name)
            wallet = self._wallet_of(conn, subject["id"])
            now = self._now(conn)
            start, end = period_bounds(now, plan["duration_days"], 0)
            return SubscriptionQuote(plan["name"], plan["price"], plan["currency"], start, end,
                                     wallet["balance"], self._charge_refusal(subject, wallet, plan) is None)

    def subscribe(self, session: Session, plan_name: str, *, for_email: str | None = None) -> SubscriptionView:
        """Subscribe to a plan: the first period is charged now, in one transaction.

        Callers: a USER for themself; a TELLER for an account holder; an ADMIN
        for anyone. Refuses a plan that is inactive or archived, a second live
        subscription to the same plan, and (recorded as a FAILED SUBSCRIPTION
        transaction, nothing else created) a short balance, a frozen wallet, a
        locked or disabled customer, a plan priced in another currency.
        """
        with self._write() as conn:
            actor = self._actor(conn, session)
            subject = self._subject(conn, actor, for_email)
            plan = self._open_plan(conn, plan_name)
            now = self._now(conn)
            live = self._live_subscription(conn, subject["id"], plan["id"])
            if live is not None and live["cancel_at_period_end"] and from_iso(live["current_period_end"]) <= now:
                # Cancelled and over, only not yet swept by a renewal run: it ends now.
                self._expire(conn, live, now, "CANCELLED", "cancelled by the subscriber")
                live = None
            if live is not None:
                who = "You are" if subject["id"] == actor["id"] else f"{subject['email']} is"
                raise E.Conflict(f"{who} already subscribed to {plan['name']} ({live['status'].lower()}).")
            wallet = self._wallet_of(conn, subject["id"])
            start, end = period_bounds(now, plan["duration_days"], 0)
            mv = self._charge_movement(conn, actor_id=actor["id"], user_id=subject["id"], plan=plan,
                                       wallet=wallet, start=start, end=end, now=now, recorded_actor=actor["id"])
            refusal = self._charge_refusal(subject, wallet, plan)
            if refusal is None:
                self._rules_before(conn, mv)
            if refusal is not None:
                mv.refuse(refusal)
            sub_id = conn.execute(
                "INSERT INTO user_subscriptions (user_id, plan_id, status, anchor_at, current_period_start,"
                " current_period_end, next_renewal_at, created_at, updated_at)"
                " VALUES (?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?)",
                (subject["id"], plan["id"], to_iso(start), to_iso(start), to_iso(end), to_iso(end),
                 to_iso(now), to_iso(now)),
            ).lastrowid
            self._post_charge(conn, subscription_id=sub_id, plan=plan, wallet=wallet, k=0, start=start,
                              end=end, now=now, actor_id=actor["id"], mv=mv)
            self._audit(conn, "SUBSCRIPTION_CREATED", actor_id=actor["id"], subject_user_id=subject["id"],
                        subject_wallet_id=wallet["id"], plan=plan["name"], price=plan["price"],
                        subscription_id=sub_id)
            return self._sub_view(conn, sub_id)

    def _own_live(self, conn, session: Session, plan_name: str, for_email: str | None):
        actor = self._actor(conn, session)
        subject = self._subject(conn, actor, for_email)
        plan = self._plan_by_name(conn, plan_name)
        sub = self._live_subscription(conn, subject["id"], plan["id"])
        if sub is None:
            who = "You have" if subject["id"] == actor["id"] else f"{subject['email']} has"
            raise E.NotFound(f"{who} no live subscription to {plan['name']}.")
        return actor, subject, plan, sub

    def cancel_subscription(self, session: Session, plan_name: str, *,
                            for_email: str | None = None) -> SubscriptionView:
        """Cancel: an ACTIVE subscription stays active to the end of its paid period,
        then expires with no further charge; a SUSPENDED one (its paid period is
        over) expires now.

        Callers: the subscriber; a TELLER for an account holder; an ADMIN.
        Refuses when there is no live subscription or it is already cancelled.
        """
        with self._write() as conn:
            actor, subject, plan, sub = self._own_live(conn, session, plan_name, for_email)
            now = self._now(conn)
            if sub["status"] == "SUSPENDED":
                self._expire(conn, sub, now, "CANCELLED", "cancelled while suspended")
            elif sub["cancel_at_period_end"]:
                raise E.Conflict(f"The subscription to {plan['name']} is already cancelled; it ends on"
                                 f" {from_iso(sub['current_period_end']):%Y-%m-%d %H:%M} UTC.")
            else:
                conn.execute("UPDATE user_subscriptions SET cancel_at_period_end = 1, updated_at = ? WHERE id = ?",
                             (to_iso(now), sub["id"]))
            self._audit(conn, "SUBSCRIPTION_CANCELLED", actor_id=actor["id"], subject_user_id=subject["id"],
                        plan=plan["name"], subscription_id=sub["id"], status=sub["status"])
            return self._sub_view(conn, sub["id"])

    def resume_subscription(self, session: Session, plan_name: str, *,
                            for_email: str | None = None) -> SubscriptionView:
        """Undo a cancel before the paid period ends: renewals go on as before.

        Callers: the subscriber; a TELLER for an account holder; an ADMIN.
        Refuses a subscription that is not cancelled, or whose period has ended.
        """
        with self._write() as conn:
            actor, subject, plan, sub = self._own_live(conn, session, plan_name, for_email)
            now = self._now(conn)
            if not sub["cancel_at_period_end"]:
                raise E.Conflict(f"The subscription to {plan['name']} is not cancelled.")
            if from_iso(sub["current_period_end"]) <= now:
                raise E.Conflict(f"The paid period of {plan['name']} has ended; subscribe again instead.")
            conn.execute("UPDATE user_subscriptions SET cancel_at_period_end = 0, updated_at = ? WHERE id = ?",
                         (to_iso(now), sub["id"]))
            self._audit(conn, "SUBSCRIPTION_RESUMED", actor_id=actor["id"], subject_user_id=subject["id"],
                        plan=plan["name"], subscription_id=sub["id"])
            return self._sub_view(conn, sub["id"])

    def my_subscriptions(self, session: Session, *, for_email: str | None = None) -> list[SubscriptionView]:
        """A customer's subscriptions, live ones first, newest first.

        Callers: oneself; a TELLER for an account holder; an ADMIN for anyone.
        """
        with self._read() as conn:
            actor = self._actor(conn, session)
            subject = self._subject(conn, actor, for_email)
            grace = self._grace(conn)
            rows = conn.execute(SUB_SELECT + " WHERE s.user_id = ?"
                                " ORDER BY s.status = 'EXPIRED', s.id DESC", (subject["id"],)).fetchall()
            return [subscription_view(r, grace) for r in rows]

    def get_subscription(self, session: Session, subscription_id: int) -> SubscriptionView:
        """One subscription by id. Callers: its subscriber; a TELLER for account holders; an ADMIN."""
        with self._read() as conn:
            actor = self._actor(conn, session)
            row = conn.execute(SUB_SELECT + " WHERE s.id = ?", (subscription_id,)).fetchone()
            owner = row and conn.execute("SELECT * FROM users WHERE id = ?", (row["user_id"],)).fetchone()
            allowed = owner is not None and (
                owner["id"] == actor["id"] or actor["role"] == "ADMIN"
                or (actor["role"] == "TELLER" and owner["role"] == "USER"))
            if not allowed:
                raise E.NotFound(f"No subscription {subscription_id}.")
            return subscription_view(row, self._grace(conn))

    def list_subscriptions(self, session: Session, *, status: str | None = None, plan: str | None = None,
                           email: str | None = None, limit: int = 100, after_id: int | None = None) -> Page:
        """Every subscription, oldest first, a page at a time; filters by status,
        plan and subscriber. Callers: ADMIN."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise E.InvalidInput("Limit must be a whole number from 1 to 10000.")
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            where, args = ["s.id > ?"], [after_id or 0]
            if status:
                s = status.strip().upper()
                if s not in SUB_STATUSES:
                    raise E.InvalidInput(f"Status must be one of {', '.join(SUB_STATUSES)}.")
                where.append("s.status = ?")
                args.append(s)
            if plan:
                where.append("s.plan_id = ?")
                args.append(self._plan_by_name(conn, plan)["id"])
            if email:
                user = self._user_by_email(conn, email)
                if user is None:
                    raise E.NotFound(f"No user with email {email.strip()}.")
                where.append("s.user_id = ?")
                args.append(user["id"])
            rows = conn.execute(SUB_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY s.id LIMIT ?",
                                (*args, limit + 1)).fetchall()
            grace = self._grace(conn)
            items = [subscription_view(r, grace) for r in rows[:limit]]
            return Page(items, items[-1].id if len(rows) > limit else None)

