"""Events told as plain sentences to the person they concern."""

from __future__ import annotations

from ..money import AmountError, format_amount, parse_amount

_NO_CEILING = 10**18


def _money(payload: dict) -> str:
    text, currency = payload.get("amount"), payload.get("currency") or "NGN"
    try:
        return format_amount(parse_amount(str(text), max_minor=_NO_CEILING), currency)
    except AmountError:
        return str(text or "an amount")


def _ref(payload: dict) -> str:
    ref = payload.get("reference") or payload.get("transfer_ref")
    return f" ({ref})" if ref else ""


def _reason(payload: dict) -> str:
    return f": {payload['reason']}" if payload.get("reason") else ""


def _plan(payload: dict) -> str:
    return str(payload.get("plan_name") or payload.get("plan") or "your plan")


def sentence(event_type: str, payload: dict, names: dict[str, str] | None = None) -> str:
    """``transfer.received`` with ``{"amount": "5000.00", "sender": "ada@..."}`` ->
    "You received ₦5,000.00 from Ada Obi." ``names`` maps emails to names."""
    names = names or {}

    def who(key: str) -> str:
        email = payload.get(key) or "someone"
        return names.get(str(email).lower(), str(email))

    p = payload
    said = {
        "deposit.requested": lambda: f"Your deposit of {_money(p)} is waiting for a teller's confirmation{_ref(p)}.",
        "deposit.confirmed": lambda: f"Your deposit of {_money(p)} was confirmed{_ref(p)}.",
        "deposit.rejected": lambda: f"Your deposit of {_money(p)} was rejected{_reason(p)}.",
        "deposit.expired": lambda: f"Your deposit of {_money(p)} expired before a teller confirmed it{_ref(p)}.",
        "withdrawal.completed": lambda: f"You withdrew {_money(p)}{_ref(p)}.",
        "transfer.sent": lambda: f"You sent {_money(p)} to {who('to')}.",
        "transfer.received": lambda: f"You received {_money(p)} from {who('sender')}.",
        "wallet.frozen": lambda: f"Your wallet was frozen{_reason(p)}.",
        "wallet.unfrozen": lambda: "Your wallet was unfrozen.",
        "subscription.charged": lambda: f"You were charged {_money(p)} for {_plan(p)}.",
        "subscription.suspended": lambda: f"Your subscription to {_plan(p)} is suspended{_reason(p)}.",
        "subscription.expired": lambda: f"Your subscription to {_plan(p)} expired.",
        "alert.opened": lambda: f"A fraud alert was opened{_reason(p)}.",
    }.get(event_type)
    if said is not None:
        return said()
    return event_type.replace(".", " ").replace("_", " ").capitalize() + _ref(p) + "."


def people_named(payload: dict) -> list[str]:
    """The emails a sentence may name (looked up for their names)."""
    return [str(payload[k]).lower() for k in ("to", "sender") if payload.get(k)]
