"""Amounts of money: parsing what people type and formatting what they read.

Money is always an ``int`` of minor units (kobo for NGN). Nothing here ever
produces or accepts a float: parsing works on the digits of the text itself.
This module imports nothing of PayFlow's so that every layer may use it.
"""

from __future__ import annotations

import re

MINOR_PER_MAJOR = 100
DEFAULT_CURRENCY = "NGN"
# ₦100,000,000.00: the ceiling for one typed amount unless a caller sets its own.
DEFAULT_MAX_MINOR = 100_000_000 * MINOR_PER_MAJOR

CURRENCY_SYMBOLS = {"NGN": "₦", "USD": "$", "GBP": "£", "EUR": "€", "GHS": "₵", "KES": "KSh"}

# Grouped thousands must be well formed: 1,500 and 1,500,000 but never 15,00 or 1,,500.
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_PLAIN = re.compile(r"[0-9]+")


class AmountError(ValueError):
    """A typed amount that cannot be accepted; the message names the problem."""


def parse_amount(text: str, *, max_minor: int = DEFAULT_MAX_MINOR) -> int:
    """Parse a typed amount in major units into minor units.

    Accepts ``1500``, ``1500.5``, ``1,500.50``, with an optional leading ``₦``
    or ``NGN``. Refuses zero, negatives, more than two decimals, exponents,
    NaN/Infinity, non-ASCII digits, misplaced separators, empty input and
    amounts above ``max_minor``.
    """
    if not isinstance(text, str):
        raise AmountError("Amount must be text, for example 1,500.00.")
    s = text.strip()
    if not s:
        raise AmountError("Amount is empty: type an amount such as 1,500.00.")
    if s.upper().startswith("NGN"):
        s = s[3:].strip()
    elif s.startswith("₦"):
        s = s[1:].strip()
    if not s:
        raise AmountError("Amount has a currency but no number.")
    if s.startswith("-"):
        raise AmountError("Amount cannot be negative.")
    if s.startswith("+"):
        raise AmountError("Amount must not have a sign.")
    lowered = s.lower()
    if lowered in {"nan", "inf", "infinity"} or "nan" in lowered or "inf" in lowered:
        raise AmountError("Amount must be a number, not NaN or infinity.")
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in s):
        raise AmountError("Amount must use the digits 0-9 only.")
    if "e" in lowered:
        raise AmountError("Amount must not use exponent notation.")
    if " " in s or "_" in s:
        raise AmountError("Amount must not contain spaces or underscores.")
    if s.count(".") > 1:
        raise AmountError("Amount has more than one decimal point.")
    whole, _, frac = s.partition(".")
    if "." in s and not frac:
        raise AmountError("Amount has a decimal point with no digits after it.")
    if not whole:
        whole = "0"
    if "," in frac:
        raise AmountError("Amount has a thousands separator after the decimal point.")
    if "," in whole:
        if not _GROUPED.fullmatch(whole):
            raise AmountError("Amount has a misplaced thousands separator (use 1,500,000.00).")
        whole = whole.replace(",", "")
    elif not _PLAIN.fullmatch(whole):
        raise AmountError(f"Amount {text.strip()!r} is not a number.")
    if frac and not _PLAIN.fullmatch(frac):
        raise AmountError(f"Amount {text.strip()!r} is not a number.")
    if len(frac) > 2:
        raise AmountError("Amount has more than 2 decimal places.")
    minor = int(whole) * MINOR_PER_MAJOR + int(frac.ljust(2, "0") or "0")
    if minor == 0:
        raise AmountError("Amount must be greater than zero.")
    if minor > max_minor:
        raise AmountError(f"Amount is above the maximum of {format_amount(max_minor)}.")
    return minor


def format_amount(minor: int, currency: str = DEFAULT_CURRENCY, *, code: bool = False) -> str:
    """Format minor units for people: ``150050`` -> ``₦1,500.50``.

    ``code=True`` writes the currency code instead of its sign (``NGN 1,500.50``),
    for output whose font may lack the sign.
    """
    symbol = currency + " " if code else CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), MINOR_PER_MAJOR)
    return f"{sign}{symbol}{whole:,}.{frac:02d}"


def to_major_str(minor: int) -> str:
    """Minor units as a plain decimal string in major units: ``150000`` -> ``"1500.00"``.

    This is the form JSON and CSV carry: exact, unambiguous, no grouping.
    """
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), MINOR_PER_MAJOR)
    return f"{sign}{whole}.{frac:02d}"
