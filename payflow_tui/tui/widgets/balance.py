"""A wallet balance in large digits, right-aligned with its currency symbol."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Digits, Label

from ...money import format_amount


class BalanceDisplay(Horizontal):
    DEFAULT_CSS = """
    BalanceDisplay { height: 3; width: auto; }
    BalanceDisplay .balance-symbol { height: 3; padding: 1 1 0 0; text-style: bold; }
    BalanceDisplay Digits { width: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.minor: int | None = None

    def compose(self) -> ComposeResult:
        yield Label("", classes="balance-symbol")
        yield Digits("…")

    def show(self, minor: int, currency: str = "NGN") -> None:
        self.minor = minor
        text = format_amount(minor, currency)
        split = next(i for i, ch in enumerate(text) if ch.isdigit())
        self.query_one(".balance-symbol", Label).update(text[:split].strip())
        self.query_one(Digits).update(text[split:])
        self.tooltip = text
