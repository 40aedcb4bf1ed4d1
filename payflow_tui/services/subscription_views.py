"""What the subscription services return: plans, subscriptions, renewal counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..clock import from_iso
from ..money import format_amount, to_major_str
from .views import View


@dataclass(frozen=True)
class PlanView(View):
    id: int
    name: str
    price: int
    currency: str
    duration_days: int
    features: dict
    active: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    live_subscriptions: int | None  # for admins; None in the customers' catalogue

    @property
    def display_price(self) -> str:
        return format_amount(self.price, self.currency)

    @property
    def open_for_subscription(self) -> bool:
        return self.active and self.archived_at is None


@dataclass(frozen=True)
class SubscriptionView(View):
    """One subscription. ``price`` is the plan's current price: what the next renewal charges."""

    id: int
    user_email: str
    user_name: str
    plan_name: str
    price: int
    currency: str
    duration_days: int
    status: str
    anchor_at: datetime
    period_index: int
    current_period_start: datetime
    current_period_end: datetime
    next_renewal_at: datetime | None
    cancel_at_period_end: bool
    suspended_at: datetime | None
    grace_until: datetime | None
    ended_at: datetime | None
    end_reason: str | None  # CANCELLED or UNPAID once EXPIRED
    created_at: datetime

    @property
    def display_price(self) -> str:
        return format_amount(self.price, self.currency)

    @property
    def live(self) -> bool:
        return self.status in ("ACTIVE", "SUSPENDED")


@dataclass(frozen=True)
class SubscriptionQuote(View):
    """What subscribing would do, for a confirmation before it happens."""

    plan_name: str
    price: int
    currency: str
    period_start: datetime
    period_end: datetime
    balance: int
    can_pay: bool

    @property
    def next_renewal_at(self) -> datetime:
        return self.period_end

    def to_json(self) -> dict:
        data = super().to_json()
        data["next_renewal_at"] = self.period_end.isoformat()
        return data


@dataclass
class RenewalResult:
    """Counts of one renewal pass. Only counts and a few messages are kept, so a
    pass over any number of subscriptions holds the same memory."""

    charged: int = 0
    suspended: int = 0
    reactivated: int = 0
    retried: int = 0
    expired: int = 0
    errors: int = 0
    checked: int = 0
    amount_charged: int = 0
    error_messages: list[str] = field(default_factory=list)

    MAX_MESSAGES = 10

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_messages) < self.MAX_MESSAGES:
            self.error_messages.append(message)

    def to_json(self) -> dict:
        return {
            "charged": self.charged, "suspended": self.suspended, "expired": self.expired,
            "reactivated": self.reactivated, "retried": self.retried, "errors": self.errors,
            "checked": self.checked, "amount_charged": to_major_str(self.amount_charged),
            "error_messages": list(self.error_messages),
        }


SUB_SELECT = (
    "SELECT s.*, u.email AS user_email, u.name AS user_name, p.name AS plan_name, p.price,"
    " p.currency, p.duration_days FROM user_subscriptions s"
    " JOIN users u ON u.id = s.user_id JOIN subscription_plans p ON p.id = s.plan_id"
)


def period_index(row) -> int:
    """Which period a subscription is in: periods are whole durations from its anchor."""
    elapsed = from_iso(row["current_period_start"]) - from_iso(row["anchor_at"])
    return elapsed // timedelta(days=row["duration_days"])


def subscription_view(row, grace: timedelta) -> SubscriptionView:
    status = row["status"]
    next_renewal = from_iso(row["next_renewal_at"]) if row["next_renewal_at"] else None
    expired = status == "EXPIRED"
    return SubscriptionView(
        id=row["id"], user_email=row["user_email"], user_name=row["user_name"],
        plan_name=row["plan_name"], price=row["price"], currency=row["currency"],
        duration_days=row["duration_days"], status=status, anchor_at=from_iso(row["anchor_at"]),
        period_index=period_index(row), current_period_start=from_iso(row["current_period_start"]),
        current_period_end=from_iso(row["current_period_end"]), next_renewal_at=next_renewal,
        cancel_at_period_end=bool(row["cancel_at_period_end"]),
        suspended_at=from_iso(row["suspended_at"]) if row["suspended_at"] else None,
        grace_until=next_renewal + grace if status == "SUSPENDED" and next_renewal else None,
        # EXPIRED is final (a trigger refuses any later update), so updated_at is when it ended.
        ended_at=from_iso(row["updated_at"]) if expired else None,
        end_reason=("CANCELLED" if row["cancel_at_period_end"] else "UNPAID") if expired else None,
        created_at=from_iso(row["created_at"]),
    )


def plan_view(row, live: int | None = None) -> PlanView:
    return PlanView(
        id=row["id"], name=row["name"], price=row["price"], currency=row["currency"],
        duration_days=row["duration_days"], features=json.loads(row["features"]),
        active=bool(row["active"]), archived_at=from_iso(row["archived_at"]) if row["archived_at"] else None,
        created_at=from_iso(row["created_at"]), updated_at=from_iso(row["updated_at"]),
        live_subscriptions=live,
    )
