"""What reports and exports return: plain data, amounts as int kobo.

A screen renders these directly (``Report.series`` feeds a sparkline or a
plot); ``to_json`` gives the CLI's form (amounts as "1500.00").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..money import to_major_str
from .periods import Period

# Report order of the money movements, and the words a chart legend uses.
VOLUME_TYPES = ("DEPOSIT", "WITHDRAWAL", "TRANSFER", "SUBSCRIPTION")
PLURAL = {"DEPOSIT": "deposits", "WITHDRAWAL": "withdrawals", "TRANSFER": "transfers",
          "SUBSCRIPTION": "subscriptions"}


@dataclass(frozen=True)
class DayVolume:
    """Successful money movement on one local day: amounts and counts by type."""

    day: date
    amounts: dict[str, int]
    counts: dict[str, int]

    def to_json(self) -> dict:
        row: dict[str, object] = {"date": self.day.isoformat()}
        for kind in VOLUME_TYPES:
            row[PLURAL[kind]] = to_major_str(self.amounts[kind])
            row[f"{PLURAL[kind]}_count"] = self.counts[kind]
        return row


@dataclass(frozen=True)
class PlanCount:
    plan_id: int
    name: str
    active_subscribers: int

    def to_json(self) -> dict:
        return {"plan_id": self.plan_id, "name": self.name, "active_subscribers": self.active_subscribers}


@dataclass(frozen=True)
class WalletRank:
    wallet_id: int
    email: str
    name: str
    balance: int
    currency: str

    def to_json(self) -> dict:
        return {"wallet_id": self.wallet_id, "email": self.email, "name": self.name,
                "balance": to_major_str(self.balance), "currency": self.currency}


@dataclass(frozen=True)
class Report:
    """The admin's report for one period, in one currency.

    Volumes count money when it moved (a deposit on the day it was
    confirmed) and a transfer once. Subscriptions, alerts and wallets are
    as they stand now; failed renewals are those in the period.
    """

    period: Period
    currency: str
    generated_at: datetime
    volume: list[DayVolume]
    totals: dict[str, int]
    total_counts: dict[str, int]
    active_subscriptions: int
    plans: list[PlanCount]
    failed_renewals: int
    alerts_available: bool
    open_alerts: dict[str, int]
    largest_wallets: list[WalletRank]

    @property
    def deposits_total(self) -> int:
        """Confirmed deposits in the period, in minor units."""
        return self.totals["DEPOSIT"]

    @property
    def popular_plan(self) -> PlanCount | None:
        """The plan with the most active subscribers (ties: by name), if any has one."""
        return self.plans[0] if self.plans and self.plans[0].active_subscribers > 0 else None

    @property
    def days(self) -> list[date]:
        return [d.day for d in self.volume]

    def series(self, kind: str) -> list[int]:
        """Daily amounts of one movement type, oldest day first: a chart's data."""
        return [d.amounts[kind] for d in self.volume]

    def to_json(self) -> dict:
        popular = self.popular_plan
        return {
            "period": self.period.to_json(),
            "currency": self.currency,
            "generated_at": self.generated_at.isoformat(),
            "deposits_total": to_major_str(self.deposits_total),
            "totals": {PLURAL[k]: {"amount": to_major_str(self.totals[k]), "count": self.total_counts[k]}
                       for k in VOLUME_TYPES},
            "days": [d.to_json() for d in self.volume],
            "active_subscriptions": self.active_subscriptions,
            "popular_plan": popular.to_json() if popular else None,
            "plans": [p.to_json() for p in self.plans],
            "failed_renewals": self.failed_renewals,
            "alerts_available": self.alerts_available,
            "open_alerts": [{"rule": rule, "count": n} for rule, n in self.open_alerts.items()],
            "largest_wallets": [w.to_json() for w in self.largest_wallets],
        }


@dataclass(frozen=True)
class ExportResult:
    """A finished export: where it went and how many data rows it holds."""

    path: Path
    rows: int
    bytes: int

    def to_json(self) -> dict:
        return {"path": str(self.path), "rows": self.rows, "bytes": self.bytes}
