"""Subscription plans: the catalogue an admin manages and everybody reads."""

from __future__ import annotations

import json
import re
import sqlite3

from ..clock import to_iso
from . import errors as E
from .base import ServiceBase, Session
from .subscription_views import PlanView, plan_view

MAX_PLAN_NAME = 80
MAX_DURATION_DAYS = 3660
MAX_FEATURES_CHARS = 4000
_CURRENCY = re.compile(r"[A-Z]{3}")
_LIVE_COUNT = ("(SELECT count(*) FROM user_subscriptions s WHERE s.plan_id = p.id"
               " AND s.status IN ('ACTIVE', 'SUSPENDED')) AS live")


def check_plan_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise E.InvalidInput("A plan needs a name.")
    if len(name) > MAX_PLAN_NAME:
        raise E.InvalidInput(f"Plan name is longer than {MAX_PLAN_NAME} characters.")
    return name


def check_duration(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DURATION_DAYS:
        raise E.InvalidInput(f"Duration must be a whole number of days from 1 to {MAX_DURATION_DAYS}.")
    return days


def check_features(features: dict | str | None) -> str:
    """Features as canonical JSON text; they must form a JSON object."""
    if features is None:
        return "{}"
    if isinstance(features, str):
        try:
            features = json.loads(features)
        except ValueError as exc:
            raise E.InvalidInput(f"Features are not valid JSON: {exc.msg} (at character {exc.pos}).") from None
    if not isinstance(features, dict):
        raise E.InvalidInput('Features must be a JSON object, like {"seats": 3, "support": "email"}.')
    try:
        text = json.dumps(features, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise E.InvalidInput(f"Features cannot be stored as JSON: {exc}.") from None
    if len(text) > MAX_FEATURES_CHARS:
        raise E.InvalidInput(f"Features are longer than {MAX_FEATURES_CHARS} characters of JSON.")
    return text


class PlansMixin(ServiceBase):
    def _plan_by_name(self, conn: sqlite3.Connection, name: str) -> sqlite3.Row:
        row = conn.execute(f"SELECT p.*, {_LIVE_COUNT} FROM subscription_plans p WHERE p.name = ?",
                           (" ".join(str(name or "").split()),)).fetchone()
        if row is None:
            raise E.NotFound(f"No plan named {str(name or '').strip()!r}.")
        return row

    def _load_plan(self, conn: sqlite3.Connection, plan_id: int) -> PlanView:
        row = conn.execute(f"SELECT p.*, {_LIVE_COUNT} FROM subscription_plans p WHERE p.id = ?",
                           (plan_id,)).fetchone()
        return plan_view(row, row["live"])

    def create_plan(self, session: Session, name: str, price: int, duration_days: int, *,
                    features: dict | str | None = None, active: bool = True,
                    currency: str | None = None) -> PlanView:
        """Add a plan to the catalogue. Callers: ADMIN.

        Refuses a name already used (case-insensitive), a price that is not a
        positive whole number of kobo within the maximum, a duration outside
        1..3660 days, features that are not a JSON object, a malformed currency.
        """
        name, duration_days = check_plan_name(name), check_duration(duration_days)
        features_text = check_features(features)
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            self._check_amount(conn, price)
            currency = (currency or self._setting(conn, "default_currency")).strip().upper()
            if not _CURRENCY.fullmatch(currency):
                raise E.InvalidInput(f"Currency {currency!r} is not a three-letter code like NGN.")
            if conn.execute("SELECT 1 FROM subscription_plans WHERE name = ?", (name,)).fetchone():
                raise E.Conflict(f"A plan named {name!r} already exists.")
            now = to_iso(self._now(conn))
            plan_id = conn.execute(
                "INSERT INTO subscription_plans (name, price, currency, duration_days, features, active,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, price, currency, duration_days, features_text, int(bool(active)), now, now),
            ).lastrowid
            self._audit(conn, "PLAN_CREATED", actor_id=actor["id"], plan=name, price=price,
                        currency=currency, duration_days=duration_days, active=bool(active))
            return self._load_plan(conn, plan_id)

    def edit_plan(self, session: Session, name: str, *, new_name: str | None = None,
                  price: int | None = None, duration_days: int | None = None,
                  features: dict | str | None = None, active: bool | None = None) -> PlanView:
        """Change a plan; only the fields given change. Callers: ADMIN.

        A new price applies from each subscription's next renewal (the current
        period stays paid as it was). Refuses an archived plan, a name already
        used, a duration change once anyone has subscribed (periods are counted
        from each subscription's anchor), and the same bad values as create.
        """
        changes: dict[str, object] = {}
        if new_name is not None:
            changes["name"] = check_plan_name(new_name)
        if duration_days is not None:
            changes["duration_days"] = check_duration(duration_days)
        if features is not None:
            changes["features"] = check_features(features)
        if active is not None:
            changes["active"] = int(bool(active))
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            plan = self._plan_by_name(conn, name)
            if price is not None:
                changes["price"] = self._check_amount(conn, price)
            if plan["archived_at"]:
                raise E.Conflict(f"Plan {plan['name']!r} is archived and cannot change.")
            changed = {k: v for k, v in changes.items() if v != plan[k]}
            if not changed:
                raise E.InvalidInput("Nothing to change: give a new name, price, duration, features or active flag.")
            if "name" in changed and changed["name"].lower() != plan["name"].lower() and conn.execute(
                    "SELECT 1 FROM subscription_plans WHERE name = ?", (changed["name"],)).fetchone():
                raise E.Conflict(f"A plan named {changed['name']!r} already exists.")
            if "duration_days" in changed and conn.execute(
                    "SELECT 1 FROM user_subscriptions WHERE plan_id = ? LIMIT 1", (plan["id"],)).fetchone():
                raise E.Conflict(f"Plan {plan['name']!r} has subscribers, so its duration is fixed;"
                                 " create a new plan and archive this one instead.")
            sets = ", ".join(f"{column} = ?" for column in changed)
            conn.execute(f"UPDATE subscription_plans SET {sets}, updated_at = ? WHERE id = ?",
                         (*changed.values(), to_iso(self._now(conn)), plan["id"]))
            self._audit(conn, "PLAN_EDITED", actor_id=actor["id"], plan=plan["name"],
                        changes={k: {"old": plan[k], "new": v} for k, v in changed.items()})
            return self._load_plan(conn, plan["id"])

    def archive_plan(self, session: Session, name: str) -> PlanView:
        """Retire a plan: closed to new subscribers for good; live subscriptions
        keep renewing. Callers: ADMIN. Refuses a plan already archived."""
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            plan = self._plan_by_name(conn, name)
            if plan["archived_at"]:
                raise E.Conflict(f"Plan {plan['name']!r} is already archived.")
            now = to_iso(self._now(conn))
            conn.execute("UPDATE subscription_plans SET active = 0, archived_at = ?, updated_at = ?"
                         " WHERE id = ?", (now, now, plan["id"]))
            self._audit(conn, "PLAN_ARCHIVED", actor_id=actor["id"], plan=plan["name"],
                        live_subscriptions=plan["live"])
            return self._load_plan(conn, plan["id"])

    def delete_plan(self, session: Session, name: str) -> None:
        """Delete a plan nobody ever subscribed to (a mistake). Callers: ADMIN.

        Refuses a plan anyone has subscribed to, even long ago: archive it instead.
        """
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            plan = self._plan_by_name(conn, name)
            if conn.execute("SELECT 1 FROM user_subscriptions WHERE plan_id = ? LIMIT 1",
                            (plan["id"],)).fetchone():
                raise E.Conflict(f"Plan {plan['name']!r} has had subscribers; archive it instead.")
            conn.execute("DELETE FROM subscription_plans WHERE id = ?", (plan["id"],))
            self._audit(conn, "PLAN_DELETED", actor_id=actor["id"], plan=plan["name"])

    def list_plans(self, session: Session, *, include_closed: bool = False) -> list[PlanView]:
        """The catalogue, cheapest first: plans open for subscription.

        Callers: anyone logged in. ``include_closed`` (inactive and archived
        plans too) is for ADMIN only.
        """
        with self._read() as conn:
            actor = self._actor(conn, session)
            if include_closed and actor["role"] != "ADMIN":
                raise E.PermissionDenied("Only an admin sees inactive and archived plans.")
            where = "" if include_closed else " WHERE p.active = 1 AND p.archived_at IS NULL"
            rows = conn.execute(f"SELECT p.*, {_LIVE_COUNT} FROM subscription_plans p{where}"
                                " ORDER BY p.price, p.name").fetchall()
            admin = actor["role"] == "ADMIN"
            return [plan_view(r, r["live"] if admin else None) for r in rows]

    def get_plan(self, session: Session, name: str) -> PlanView:
        """One plan. Callers: anyone logged in for an open plan; ADMIN for any plan."""
        with self._read() as conn:
            actor = self._actor(conn, session)
            plan = self._plan_by_name(conn, name)
            if actor["role"] != "ADMIN" and (not plan["active"] or plan["archived_at"]):
                raise E.NotFound(f"No plan named {str(name).strip()!r}.")
            return plan_view(plan, plan["live"] if actor["role"] == "ADMIN" else None)
