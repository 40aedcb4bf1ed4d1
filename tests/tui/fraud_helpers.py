"""A bank with fraud alerts to work, for the fraud desk's app tests and snapshots."""

from __future__ import annotations

from textual.widgets import Static

from tests.fraud_support import fail_transfers

ALERTS, RULES, AUDIT = "alerts", "rules", "audit-log"


def section_key(app, section_id: str) -> str:
    """The key the staff menu on screen gives a section (it depends on which sections exist)."""
    return next(key for key, section in app.screen._keys.items() if section == section_id)


async def open_named(pilot, section_id: str):
    """From the staff menu, open a section by its id; returns the screen it opened."""
    from .staff_helpers import open_section

    return await open_section(pilot, section_key(pilot.app, section_id))


def tamper_balance(pf, email: str, delta: int) -> None:
    """What someone with the sqlite3 shell does: change a balance behind the ledger's back."""
    with pf._write() as conn:
        conn.execute("UPDATE wallets SET balance = balance + ? WHERE user_id ="
                     " (SELECT id FROM users WHERE email = ?)", (delta, email))


def open_alerts(bank, clock) -> None:
    """A MEDIUM alert (Ada sends over ₦100,000 in a day), then a HIGH one (Bola's failed
    payments lock her login), a minute apart."""
    pf = bank.pf
    bank.fund(bank.ada, 30_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 6_000_000, memo="car")
    pf.transfer(bank.ada, "bola@bank.test", 5_000_000, memo="school fees")
    clock.advance(minutes=1)
    fail_transfers(pf, bank.bola, 4, to="ada@bank.test")


def badge_text(screen) -> str:
    return str(screen.query_one("#alert-badge", Static).render())


def rich_text(screen, selector: str) -> str:
    """What a Static holding a Rich renderable (a grid of facts) reads as, in plain text."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()
