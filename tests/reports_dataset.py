"""A fixed month of activity for the report and export tests, on a FrozenClock.

Times are Lagos local (UTC+1). The week under test is Monday 2026-01-12 to
Sunday 2026-01-18; the expected figures in the tests are added up by hand
from the list below, not computed by the code under test.

    Sat 01-10 12:00  bola's subscription renewal FAILED            50.00
    Sun 01-11 23:59:59  deposit for bola, confirmed                500.00
    Mon 01-12 10:00  deposit for ada, confirmed                  1,000.00
    Mon 01-12 23:59:59  deposit for bola, confirmed                250.00
    Tue 01-13 00:00:00  deposit for ada, confirmed                 300.00
    Tue 01-13 09:00  ada sends bola                                200.00
    Wed 01-14 12:00  bola withdraws                                100.00
    Wed 01-14 12:30  bola's withdrawal refused (insufficient)   10,000.00
    Wed 01-14 22:00  deposit for ada requested ...                 400.00
    Thu 01-15 01:00  ... and confirmed (counts on Thursday)
    Thu 01-15 11:00  deposit for bola rejected                     700.00
    Fri 01-16 08:00  ada's subscription charge                      50.00
    Fri 01-16 09:00  bola's subscription renewal FAILED             50.00
    Fri 01-16 10:00  deposit for ada requested, left pending       900.00
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from payflow_tui.clock import FrozenClock
from payflow_tui.services import PayFlow
from payflow_tui.services.ledger import insert_transaction, new_reference, post_entry, system_account
from tests.conftest import FAST_HASHER, PASSWORD, START, Bank

LAGOS = timezone(timedelta(hours=1))


def lagos(text: str) -> datetime:
    """'2026-01-12 23:59:59' Lagos time as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=LAGOS).astimezone(timezone.utc)


class Activity:
    """Drives the bank through the timeline, logging in afresh after each move of
    the clock (sessions expire after 15 idle minutes of the same clock)."""

    def __init__(self, bank, clock) -> None:
        self.bank, self.pf, self.clock = bank, bank.pf, clock

    def at(self, local: str) -> None:
        self.clock.now = lagos(local)
        for name in ("admin", "teller", "ada", "bola"):
            email = "admin@bank.test" if name == "admin" else f"{name}@bank.test"
            setattr(self.bank, name, self.pf.login(email, PASSWORD))

    def deposit(self, who: str, amount: int, *, confirm: bool = True) -> str:
        tx = self.pf.request_deposit(self.bank.teller, amount, for_email=f"{who}@bank.test")
        if confirm:
            self.pf.confirm_deposit(self.bank.teller, tx.reference)
        return tx.reference

    def subscription_charge(self, who: str, amount: int, *, failed: bool = False) -> None:
        """What the subscriptions feature will write: a SUBSCRIPTION debit to revenue,
        or a FAILED renewal with its reason."""
        now = self.clock.now
        with self.pf._write() as conn:
            user = conn.execute("SELECT id FROM users WHERE email = ?", (f"{who}@bank.test",)).fetchone()
            wallet = conn.execute("SELECT * FROM wallets WHERE user_id = ?", (user["id"],)).fetchone()
            reference = new_reference("SUBSCRIPTION")
            if failed:
                insert_transaction(conn, wallet=wallet, type="SUBSCRIPTION", direction="DEBIT", amount=amount,
                                   status="FAILED", reference=reference, at=now, actor_id=None,
                                   failure_code="INSUFFICIENT_FUNDS", failure_reason="Renewal failed: short.")
                return
            revenue = system_account(conn, "SUBSCRIPTION_REVENUE", wallet["currency"])
            entry = post_entry(conn, now, "SUBSCRIPTION", f"Subscription {reference}",
                               [(wallet["account_id"], -amount), (revenue, amount)])
            insert_transaction(conn, wallet=wallet, type="SUBSCRIPTION", direction="DEBIT", amount=amount,
                               status="SUCCESS", reference=reference, at=now, actor_id=None,
                               journal_entry_id=entry)


def build_month(bank, clock) -> Activity:
    """Play the timeline above; returns the driver (its clock ends on Sat 01-17 12:00)."""
    act = Activity(bank, clock)
    pf = bank.pf
    act.at("2026-01-10 12:00")
    act.subscription_charge("bola", 5_000, failed=True)
    act.at("2026-01-11 23:59:59")
    act.deposit("bola", 50_000)
    act.at("2026-01-12 10:00")
    act.deposit("ada", 100_000)
    act.at("2026-01-12 23:59:59")
    act.deposit("bola", 25_000)
    act.at("2026-01-13 00:00:00")
    act.deposit("ada", 30_000)
    act.at("2026-01-13 09:00")
    pf.transfer(bank.ada, "bola@bank.test", 20_000, memo='Rent, "January" ₦ share')
    act.at("2026-01-14 12:00")
    pf.withdraw(bank.bola, 10_000)
    act.at("2026-01-14 12:30")
    try:
        pf.withdraw(bank.bola, 1_000_000)
    except Exception as exc:  # the refusal is recorded as a FAILED withdrawal
        assert getattr(exc, "code", None) == "INSUFFICIENT_FUNDS", exc
    act.at("2026-01-14 22:00")
    late = act.deposit("ada", 40_000, confirm=False)
    act.at("2026-01-15 01:00")
    pf.confirm_deposit(bank.teller, late)
    act.at("2026-01-15 11:00")
    rejected = act.deposit("bola", 70_000, confirm=False)
    pf.reject_deposit(bank.teller, rejected, "No cash received")
    act.at("2026-01-16 08:00")
    act.subscription_charge("ada", 5_000)
    act.at("2026-01-16 09:00")
    act.subscription_charge("bola", 5_000, failed=True)
    act.at("2026-01-16 10:00")
    act.deposit("ada", 90_000, confirm=False)
    _plans(pf)
    act.at("2026-01-17 12:00")
    return act


def _plans(pf) -> None:
    """Plans and subscriptions as the subscriptions feature stores them."""
    at = "2026-01-01T00:00:00.000000+00:00"
    end = "2026-02-01T00:00:00.000000+00:00"
    with pf._write() as conn:
        ids = {}
        for name, price in (("Basic", 100_000), ("Plus", 250_000), ("Gold", 900_000)):
            ids[name] = conn.execute(
                "INSERT INTO subscription_plans (name, price, duration_days, created_at, updated_at)"
                " VALUES (?, ?, 30, ?, ?)", (name, price, at, at)).lastrowid
        users = {r["email"].split("@")[0]: r["id"] for r in conn.execute("SELECT id, email FROM users")}
        for user, plan, status in (("ada", "Plus", "ACTIVE"), ("bola", "Plus", "ACTIVE"),
                                   ("admin", "Basic", "ACTIVE"), ("ada", "Basic", "SUSPENDED"),
                                   ("bola", "Gold", "EXPIRED")):
            conn.execute(
                "INSERT INTO user_subscriptions (user_id, plan_id, status, anchor_at, current_period_start,"
                " current_period_end, next_renewal_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (users[user], ids[plan], status, at, at, end, end, at, at))


END_OF_DATASET = "2026-01-17 12:00"


def build_month_file(path) -> None:
    """Write the month to a database file once; tests copy it (logins make it slow to replay)."""
    clock = FrozenClock(START)
    pf = PayFlow.open(path, clock=clock, password_hasher=FAST_HASHER)
    try:
        build_month(Bank(pf), clock)
    finally:
        pf.close()


class Month:
    """A copy of the month, open, with the clock at its end and the admin logged in."""

    def __init__(self, template, path) -> None:
        src, dst = sqlite3.connect(template), sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        self.path = path
        self.clock = FrozenClock(lagos(END_OF_DATASET))
        self.pf = PayFlow.open(path, clock=self.clock, password_hasher=FAST_HASHER)
        self.admin = self.login("admin")

    def login(self, name: str):
        return self.pf.login(f"{name}@bank.test", PASSWORD)


# Fixtures for the modules that test on the month: import them from here by name.
@pytest.fixture(scope="module")
def month_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("month") / "payflow.db"
    build_month_file(path)
    return path


@pytest.fixture
def month(month_file, tmp_path):
    m = Month(month_file, tmp_path / "payflow.db")
    yield m
    m.pf.close()
