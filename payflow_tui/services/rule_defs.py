"""What each fraud rule is: its parameters, the actions it may take, and its plain-words description.

The rules themselves are rows of ``fraud_rules`` (seeded by the fraud
migration, edited by admins); this module only knows how to check and
describe what an admin may put in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..money import format_amount, to_major_str
from . import errors as E

ACTIONS = ("LOCK_USER", "ALERT", "BLOCK", "FREEZE")
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")  # most urgent first
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
SEVERITY_ORDER_SQL = "CASE a.severity " + " ".join(
    f"WHEN '{s}' THEN {i}" for s, i in SEVERITY_RANK.items()) + " END"

REPEATED_FAILURES = "REPEATED_FAILURES"
DAILY_TRANSFER_OUT = "DAILY_TRANSFER_OUT"
BALANCE_MISMATCH = "BALANCE_MISMATCH"
NEW_RECIPIENTS = "NEW_RECIPIENTS"
LARGE_AFTER_SECURITY_CHANGE = "LARGE_AFTER_SECURITY_CHANGE"


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: ``kind`` is money (kobo), count, minutes, hours or day."""

    kind: str
    nullable: bool = False
    low: int = 1
    high: int = 10**15

    def check(self, name: str, value: object) -> object:
        if value is None:
            if self.nullable:
                return None
            raise E.InvalidInput(f"Parameter {name} needs a value.")
        if self.kind == "day":
            if value not in ("calendar", "rolling"):
                raise E.InvalidInput(f"Parameter {name} must be 'calendar' or 'rolling'.")
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            unit = "kobo" if self.kind == "money" else self.kind
            raise E.InvalidInput(f"Parameter {name} must be a whole number of {unit}.")
        if not self.low <= value <= self.high:
            shown = (format_amount(self.low), format_amount(self.high)) if self.kind == "money" \
                else (self.low, self.high)
            raise E.InvalidInput(f"Parameter {name} must be from {shown[0]} to {shown[1]}.")
        return value


_MONEY = ParamSpec("money", high=100_000_000_000)
_MONEY_OR_NONE = ParamSpec("money", nullable=True, high=100_000_000_000)


@dataclass(frozen=True)
class RuleDef:
    code: str
    params: dict[str, ParamSpec]
    actions: tuple[str, ...]
    describe: Callable[[dict], str]

    def check_params(self, params: dict) -> dict:
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise E.InvalidInput(
                f"Rule {self.code} has no parameter {', '.join(unknown)};"
                f" it has {', '.join(self.params) or 'none'}."
            )
        return {name: spec.check(name, params[name]) for name, spec in self.params.items()
                if name in params}

    def money_params(self) -> set[str]:
        return {name for name, spec in self.params.items() if spec.kind == "money"}


def _daily(p: dict) -> str:
    day = "calendar day (local time)" if p["day"] == "calendar" else "rolling 24 hours"
    text = f"More than {format_amount(p['threshold'])} sent by one user in a {day}"
    if p.get("block_threshold") is not None:
        text += f"; transfers above {format_amount(p['block_threshold'])} in that day are blocked"
    return text


RULES: dict[str, RuleDef] = {
    REPEATED_FAILURES: RuleDef(
        REPEATED_FAILURES,
        {"max_failures": ParamSpec("count", high=1000), "window_minutes": ParamSpec("minutes", high=7 * 1440)},
        ("LOCK_USER", "FREEZE", "ALERT"),
        lambda p: f"More than {p['max_failures']} failed payments by one user within"
                  f" {p['window_minutes']} minutes",
    ),
    DAILY_TRANSFER_OUT: RuleDef(
        DAILY_TRANSFER_OUT,
        {"threshold": _MONEY, "block_threshold": _MONEY_OR_NONE, "day": ParamSpec("day")},
        ("ALERT", "BLOCK", "LOCK_USER", "FREEZE"),
        _daily,
    ),
    BALANCE_MISMATCH: RuleDef(
        BALANCE_MISMATCH, {}, ("FREEZE", "ALERT"),
        lambda p: "A wallet's balance does not equal the sum of its ledger postings",
    ),
    NEW_RECIPIENTS: RuleDef(
        NEW_RECIPIENTS,
        {"max_new_recipients": ParamSpec("count", high=1000),
         "window_minutes": ParamSpec("minutes", high=7 * 1440)},
        ("ALERT", "BLOCK", "LOCK_USER", "FREEZE"),
        lambda p: f"Transfers to more than {p['max_new_recipients']} first-time recipients within"
                  f" {p['window_minutes']} minutes",
    ),
    LARGE_AFTER_SECURITY_CHANGE: RuleDef(
        LARGE_AFTER_SECURITY_CHANGE,
        {"amount_over": _MONEY, "window_hours": ParamSpec("hours", high=30 * 24)},
        ("ALERT", "BLOCK", "LOCK_USER", "FREEZE"),
        lambda p: f"A withdrawal or transfer of more than {format_amount(p['amount_over'])} within"
                  f" {p['window_hours']} hours of a password change or an unlock",
    ),
}


def rule_def(code: str) -> RuleDef:
    code = (code or "").strip().upper()
    if code not in RULES:
        raise E.NotFound(f"No fraud rule {code!r}; the rules are {', '.join(RULES)}.")
    return RULES[code]


def check_action(rule: RuleDef, action: str) -> str:
    action = (action or "").strip().upper()
    if action not in rule.actions:
        raise E.InvalidInput(f"Rule {rule.code} can {', '.join(rule.actions)}, not {action!r}.")
    return action


def check_severity(severity: str) -> str:
    severity = (severity or "").strip().upper()
    if severity not in SEVERITIES:
        raise E.InvalidInput(f"Severity must be one of {', '.join(SEVERITIES)}, not {severity!r}.")
    return severity


# Keys that hold kobo in alert details and rule parameters; JSON shows them as "1500.00".
MONEY_KEYS = {"amount", "total", "balance", "postings_total", "threshold", "block_threshold",
              "amount_over", "difference"}


def money_to_json(values: dict) -> dict:
    return {k: to_major_str(v) if k in MONEY_KEYS and isinstance(v, int) and not isinstance(v, bool)
            else v for k, v in values.items()}
