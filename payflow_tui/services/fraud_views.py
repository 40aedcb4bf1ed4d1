"""Read-only views of fraud rules, alerts, account notices and integrity checks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime

from ..clock import from_iso
from ..money import format_amount, to_major_str
from .integrity import VerifyReport
from .rule_defs import RULES, money_to_json
from .views import TransactionView, View


@dataclass(frozen=True)
class RuleView(View):
    code: str
    title: str
    description: str
    params: dict
    action: str
    actions: tuple[str, ...]
    severity: str
    enabled: bool
    updated_at: datetime | None
    updated_by: str | None

    def to_json(self) -> dict:
        data = super().to_json()
        data["params"] = money_to_json(self.params)
        data["actions"] = list(self.actions)
        return data


def rule_view(row) -> RuleView:
    params = json.loads(row["params"])
    definition = RULES[row["code"]]
    return RuleView(
        code=row["code"], title=row["title"], description=definition.describe(params), params=params,
        action=row["action"], actions=definition.actions, severity=row["severity"],
        enabled=bool(row["enabled"]),
        updated_at=from_iso(row["updated_at"]) if row["updated_at"] else None,
        updated_by=row["updated_by_email"],
    )


@dataclass(frozen=True)
class AlertView(View):
    id: int
    rule: str
    rule_title: str
    severity: str
    status: str
    summary: str
    details: dict
    user_email: str | None
    user_name: str | None
    wallet_id: int | None
    transaction_count: int
    created_at: datetime
    updated_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None

    def to_json(self) -> dict:
        data = super().to_json()
        data["details"] = money_to_json(self.details)
        return data


@dataclass(frozen=True)
class AlertDetail(View):
    """One alert with the transactions it is about, oldest first."""

    alert: AlertView
    transactions: list[TransactionView]

    def to_json(self) -> dict:
        return {"alert": self.alert.to_json(), "transactions": [t.to_json() for t in self.transactions]}


ALERT_SELECT = (
    "SELECT a.*, r.title AS rule_title, u.email AS user_email, u.name AS user_name,"
    " ack.email AS acknowledged_email, res.email AS resolved_email,"
    " (SELECT count(*) FROM alert_transactions l WHERE l.alert_id = a.id) AS transaction_count"
    " FROM alerts a JOIN fraud_rules r ON r.code = a.rule"
    " LEFT JOIN users u ON u.id = a.user_id"
    " LEFT JOIN users ack ON ack.id = a.acknowledged_by"
    " LEFT JOIN users res ON res.id = a.resolved_by"
)


def _when(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def alert_view(row) -> AlertView:
    return AlertView(
        id=row["id"], rule=row["rule"], rule_title=row["rule_title"], severity=row["severity"],
        status=row["status"], summary=row["summary"], details=json.loads(row["details"]),
        user_email=row["user_email"], user_name=row["user_name"], wallet_id=row["wallet_id"],
        transaction_count=row["transaction_count"], created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]), acknowledged_by=row["acknowledged_email"],
        acknowledged_at=_when(row["acknowledged_at"]), resolved_by=row["resolved_email"],
        resolved_at=_when(row["resolved_at"]), resolution_note=row["resolution_note"],
    )


@dataclass(frozen=True)
class AlertCounts(View):
    """What the always-visible counter shows; ``latest_id`` seeds ``alerts_since``."""

    open: int
    acknowledged: int
    open_by_severity: dict
    latest_id: int

    @property
    def unresolved(self) -> int:
        return self.open + self.acknowledged


@dataclass(frozen=True)
class AccountNotice(View):
    """Why an account holder cannot use their account or wallet, in plain words."""

    locked: bool
    disabled: bool
    frozen: bool
    message: str
    contact: str

    @property
    def ok(self) -> bool:
        return not (self.locked or self.disabled or self.frozen)

    def to_json(self) -> dict:
        return {**super().to_json(), "ok": self.ok}


@dataclass(frozen=True)
class AuditChainStatus(View):
    """The audit log's hash chain walked end to end: intact up to ``last_id``, or the
    first broken row and what most likely happened to it."""

    last_id: int
    broken_at: int | None
    problem: str | None
    checked_at: datetime

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def to_json(self) -> dict:
        return {**super().to_json(), "ok": self.ok}


@dataclass(frozen=True)
class WalletFinding(View):
    """A wallet whose stored balance differs from the sum of its postings."""

    wallet_id: int
    owner_email: str
    balance: int
    postings_total: int
    currency: str
    frozen_now: bool
    alert_id: int | None

    @property
    def difference(self) -> int:
        return self.balance - self.postings_total

    def describe(self) -> str:
        text = (f"wallet {self.wallet_id} ({self.owner_email}): balance"
                f" {format_amount(self.balance, self.currency)}, postings"
                f" {format_amount(self.postings_total, self.currency)}")
        if self.frozen_now:
            text += "; frozen"
        if self.alert_id:
            text += f"; alert {self.alert_id}"
        return text

    def to_json(self) -> dict:
        return {**super().to_json(), "balance": to_major_str(self.balance),
                "postings_total": to_major_str(self.postings_total),
                "difference": to_major_str(self.difference)}


@dataclass(frozen=True)
class IntegrityReport(View):
    """What ``check_wallet_integrity`` found and did."""

    checked_wallets: int
    findings: list[WalletFinding]

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        return {"ok": self.ok, "checked_wallets": self.checked_wallets,
                "findings": [f.to_json() for f in self.findings]}


@dataclass
class LedgerVerifyReport(VerifyReport):
    """``verify``'s report with the wallet integrity check's actions and the chain heads.

    The heads (last id and hash of each chain) are worth keeping outside the
    database: a later head that does not descend from them shows rows removed
    from the end or a chain rehashed wholesale.
    """

    wallet_integrity: IntegrityReport | None = None
    heads: dict = field(default_factory=dict)

    @classmethod
    def extend(cls, report: VerifyReport, integrity: IntegrityReport, heads: dict) -> "LedgerVerifyReport":
        base = {f.name: getattr(report, f.name) for f in fields(report)}
        return cls(**base, wallet_integrity=integrity, heads=heads)

    def to_json(self) -> dict:
        data = super().to_json()
        data["wallet_integrity"] = self.wallet_integrity.to_json() if self.wallet_integrity else None
        data["heads"] = self.heads
        return data
