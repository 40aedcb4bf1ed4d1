"""Sandbox databases: an admin moves the business clock forward; everything follows it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import FAST_HASHER, PASSWORD, START, Bank
from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import audit_actions, counts, db_checksum, query, tx_row
from payflow_tui.services import PayFlow
from payflow_tui.services import errors as E


@pytest.fixture
def sandbox(db_path, clock):
    pf = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER, sandbox=True)
    yield Bank(pf)
    pf.close()


def test_a_sandbox_says_so(sandbox):
    assert sandbox.pf.is_sandbox()
    assert sandbox.pf.clock_info() == {"now": START, "sandbox": True, "offset_seconds": 0}


def test_advance_moves_business_time_and_is_audited(sandbox, db_path):
    new_now = sandbox.pf.advance_clock(sandbox.admin, "31d")
    assert new_now == START + timedelta(days=31) == sandbox.pf.now()
    sandbox.pf.advance_clock(sandbox.admin, "12h")
    sandbox.pf.advance_clock(sandbox.admin, timedelta(minutes=90))
    assert sandbox.pf.now() == START + timedelta(days=31, hours=13, minutes=30)
    assert sandbox.pf.clock_info()["offset_seconds"] == (31 * 24 + 13) * 3600 + 30 * 60
    moves = query(db_path, "SELECT actor_user_id, details FROM audit_log WHERE action = 'CLOCK_ADVANCED'")
    assert [r[0] for r in moves] == [sandbox.admin.user_id] * 3
    assert '"by_seconds":2678400' in moves[0][1]


def test_the_clock_survives_reopening(sandbox, db_path, clock):
    sandbox.pf.advance_clock(sandbox.admin, "2d")
    again = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    try:
        assert again.now() == START + timedelta(days=2)
    finally:
        again.close()


def test_deposit_expiry_follows_the_sandbox_clock(sandbox, db_path):
    tx = sandbox.pf.request_deposit(sandbox.ada, 10_000)
    sandbox.pf.advance_clock(sandbox.admin, "23h")
    assert [t.reference for t in sandbox.pf.pending_deposits(sandbox.teller).items] == [tx.reference]
    sandbox.pf.advance_clock(sandbox.admin, "2h")
    # Idle sessions run on wall time: moving the business clock logs nobody out.
    with pytest.raises(E.AlreadyProcessed, match="expired"):
        sandbox.pf.confirm_deposit(sandbox.teller, tx.reference)
    row = tx_row(db_path, tx.reference)
    assert row["status"] == "FAILED" and row["failure_code"] == "EXPIRED"
    assert row["updated_at"].startswith("2026-01-16T10:00:00")
    assert sandbox.pf.balance(sandbox.ada) == 0


def test_new_rows_carry_business_time(sandbox, db_path):
    sandbox.pf.advance_clock(sandbox.admin, "10d")
    sandbox.fund(sandbox.ada, 1_000)
    created = query(db_path, "SELECT created_at FROM transactions")[0][0]
    assert created.startswith("2026-01-25T09:00:00")
    assert sandbox.pf.history(sandbox.ada).items[0].created_at == START + timedelta(days=10)


def test_lockouts_follow_the_sandbox_clock(sandbox):
    for _ in range(5):
        with pytest.raises((E.AuthFailed, E.AccountLocked)):
            sandbox.pf.login("bola@bank.test", "wrong-password-1")
    with pytest.raises(E.AccountLocked):
        sandbox.pf.login("bola@bank.test", PASSWORD)
    sandbox.pf.advance_clock(sandbox.admin, "15m")
    assert sandbox.pf.login("bola@bank.test", PASSWORD)


def test_a_normal_database_refuses_clock_changes(bank, db_path):
    assert not bank.pf.is_sandbox()
    before = db_checksum(db_path)
    with pytest.raises(E.NotSandbox):
        bank.pf.advance_clock(bank.admin, "1d")
    assert db_checksum(db_path) == before
    assert bank.pf.clock_info()["offset_seconds"] == 0
    assert "CLOCK_ADVANCED" not in audit_actions(db_path)


@pytest.mark.parametrize("who", ["teller", "ada"])
def test_only_an_admin_moves_the_clock(sandbox, db_path, who):
    before = counts(db_path)
    with pytest.raises(E.PermissionDenied):
        sandbox.pf.advance_clock(getattr(sandbox, who), "1d")
    assert sandbox.pf.now() == START
    assert counts(db_path) == before


@pytest.mark.parametrize("by", ["0d", "-1d", "1y", "", "tomorrow", timedelta(0)])
def test_the_clock_only_moves_forward(sandbox, by):
    with pytest.raises(E.InvalidInput):
        sandbox.pf.advance_clock(sandbox.admin, by)
    assert sandbox.pf.now() == START


def test_an_existing_database_cannot_become_a_sandbox_or_stop_being_one(bank, db_path, clock, tmp_path):
    with pytest.raises(E.NotSandbox):
        PayFlow.open(db_path, clock=clock, sandbox=True)
    sandbox_path = tmp_path / "sandbox.db"
    PayFlow.open(sandbox_path, sandbox=True).close()
    with pytest.raises(E.Conflict):
        PayFlow.open(sandbox_path, sandbox=False)
    reopened = PayFlow.open(sandbox_path)
    try:
        assert reopened.is_sandbox()
    finally:
        reopened.close()
