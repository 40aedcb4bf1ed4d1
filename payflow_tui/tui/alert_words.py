"""How alerts and rules read on screen: severities in colour, rule codes as short names."""

from __future__ import annotations

from rich.text import Text

from ..money import format_amount
from ..services.rule_defs import MONEY_KEYS, RULES, SEVERITIES

SEVERITY_STYLES = {"CRITICAL": "bold white on red", "HIGH": "bold red", "MEDIUM": "yellow", "LOW": "dim"}


def severity_text(severity: str) -> Text:
    return Text(severity.title(), style=SEVERITY_STYLES.get(severity, ""))


def rule_name(code: str) -> str:
    """``REPEATED_FAILURES`` as ``Repeated failures``: short enough for a filter."""
    return code.replace("_", " ").capitalize()


RULE_CHOICES = [(rule_name(code), code) for code in RULES]
SEVERITY_CHOICES = [(severity.title(), severity) for severity in SEVERITIES]


def value_text(key: str, value: object) -> str:
    """One value of an alert's details or a rule's parameters: amounts in naira."""
    if value is None:
        return "none"
    if key in MONEY_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return format_amount(value)
    return str(value)


def facts_text(details: dict) -> str:
    """An alert's details as ``key: value`` pairs."""
    return " · ".join(f"{key.replace('_', ' ')}: {value_text(key, value)}" for key, value in details.items())
