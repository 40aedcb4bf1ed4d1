"""Shared fixtures: a PayFlow on a temporary file, a frozen clock, ready-made users."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from argon2 import PasswordHasher

from payflow_tui.clock import FrozenClock
from payflow_tui.services import PayFlow

# OWASP's minimum argon2id parameters: still real hashing, but fast enough for hundreds of tests.
FAST_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "payflow.db"


@pytest.fixture
def pf(db_path, clock):
    service = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    yield service
    service.close()


class Bank:
    """A small bank: one admin, one teller, two account holders, all logged in."""

    def __init__(self, pf: PayFlow) -> None:
        self.pf = pf
        pf.create_first_admin("admin@bank.test", "Ada Admin", PASSWORD)
        self.admin = pf.login("admin@bank.test", PASSWORD)
        pf.create_user(self.admin, "teller@bank.test", "Tunde Teller", PASSWORD, "TELLER")
        pf.create_user(self.admin, "ada@bank.test", "Ada Obi", PASSWORD, "USER")
        pf.create_user(self.admin, "bola@bank.test", "Bola Ade", PASSWORD, "USER")
        self.teller = pf.login("teller@bank.test", PASSWORD)
        self.ada = pf.login("ada@bank.test", PASSWORD)
        self.bola = pf.login("bola@bank.test", PASSWORD)

    def fund(self, session, amount: int) -> None:
        """Deposit ``amount`` kobo into ``session``'s wallet and confirm it."""
        tx = self.pf.request_deposit(session, amount)
        self.pf.confirm_deposit(self.teller if session is not self.teller else self.admin, tx.reference)


@pytest.fixture
def bank(pf) -> Bank:
    return Bank(pf)
