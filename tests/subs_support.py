"""Helpers for the subscription and scheduler tests: moving time, counting money."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import FAST_HASHER, PASSWORD

from payflow_tui.clock import from_iso
from payflow_tui.services import PayFlowError

GOLD_PRICE = 150_000  # ₦1,500.00


def relogin(bank) -> None:
    """Sessions idle out after 15 minutes of wall time; a test that moves the clock by
    days logs everyone in again."""
    for name, email in (("admin", "admin@bank.test"), ("teller", "teller@bank.test"),
                        ("ada", "ada@bank.test"), ("bola", "bola@bank.test")):
        try:
            setattr(bank, name, bank.pf.login(email, PASSWORD))
        except PayFlowError:  # a disabled customer stays logged out
            pass


def advance(bank, clock, **delta) -> None:
    clock.advance(**delta)
    relogin(bank)


def set_time(clock, when: datetime) -> None:
    clock.now = when.astimezone(timezone.utc)


def charges(pf, sub_id: int) -> list[tuple[int, datetime, int]]:
    """(period index, period start, amount) of each charge, in the order they were made."""
    rows = pf._conn().execute(
        "SELECT period_index, period_start, amount FROM subscription_charges"
        " WHERE subscription_id = ? ORDER BY id", (sub_id,)).fetchall()
    return [(r[0], from_iso(r[1]), r[2]) for r in rows]


def subscription_txs(pf, status: str) -> list:
    return pf._conn().execute(
        "SELECT * FROM transactions WHERE type = 'SUBSCRIPTION' AND status = ? ORDER BY id", (status,)).fetchall()


def assert_money_conserved(pf) -> None:
    """Wallets hold confirmed deposits minus withdrawals minus subscription charges;
    subscription revenue holds exactly the charges; the ledger verifies."""
    conn = pf._conn()

    def total(sql: str) -> int:
        return conn.execute(sql).fetchone()[0] or 0

    wallets = total("SELECT sum(balance) FROM wallets")
    deposits = total("SELECT sum(amount) FROM transactions WHERE type = 'DEPOSIT' AND status = 'SUCCESS'")
    withdrawals = total("SELECT sum(amount) FROM transactions WHERE type = 'WITHDRAWAL' AND status = 'SUCCESS'")
    charged = total("SELECT sum(amount) FROM transactions WHERE type = 'SUBSCRIPTION' AND status = 'SUCCESS'")
    revenue = total("SELECT sum(p.amount) FROM postings p JOIN ledger_accounts a ON a.id = p.account_id"
                    " WHERE a.kind = 'SUBSCRIPTION_REVENUE'")
    assert wallets == deposits - withdrawals - charged
    assert revenue == charged == total("SELECT sum(amount) FROM subscription_charges")
    assert total("SELECT sum(amount) FROM postings") == 0
    report = pf.verify()
    assert report.ok, report.problems


def add_customers(pf, admin, teller, count: int, *, balance: int, prefix: str = "c") -> list[str]:
    """``count`` account holders with ``balance`` each, created quickly: one password hash for all."""
    pw_hash = FAST_HASHER.hash(PASSWORD)
    emails = [f"{prefix}{i}@bank.test" for i in range(count)]
    for email in emails:
        with pf._write() as conn:
            pf._insert_user(conn, email, f"Customer {email}", pw_hash, "USER", actor_id=None)
        if balance:
            tx = pf.request_deposit(teller, balance, for_email=email)
            pf.confirm_deposit(teller, tx.reference)
    return emails
