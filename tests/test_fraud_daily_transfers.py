"""Rule DAILY_TRANSFER_OUT: more than ₦100,000 sent by transfer in one calendar day (Lagos time)."""

from __future__ import annotations

import pytest
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import advance, all_alerts, ledger_state, scalar, wallet_row

from payflow_tui.services import errors as E

LIMIT = 10_000_000  # ₦100,000.00


@pytest.fixture
def rich(bank):
    bank.fund(bank.ada, 30_000_000)
    return bank


def test_exactly_the_threshold_opens_no_alert(rich):
    rich.pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    rich.pf.transfer(rich.ada, "bola@bank.test", 4_000_000)
    assert all_alerts(rich.pf, rich.admin) == []


def test_one_kobo_over_the_threshold_alerts_and_the_transfer_goes_through(rich):
    pf = rich.pf
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    pf.transfer(rich.ada, "bola@bank.test", 4_000_001)
    assert pf.balance(rich.bola) == LIMIT + 1
    [alert] = all_alerts(pf, rich.admin)
    assert (alert.rule, alert.severity, alert.user_email) == ("DAILY_TRANSFER_OUT", "MEDIUM", "ada@bank.test")
    assert alert.details["total"] == LIMIT + 1
    assert alert.to_json()["details"]["total"] == "100000.01"
    sent = [t for t in pf.get_alert(rich.admin, alert.id).transactions if t.direction == "DEBIT"]
    assert [t.amount for t in sent] == [6_000_000, 4_000_001]


def test_a_single_transfer_at_and_over_the_threshold(rich):
    pf = rich.pf
    pf.transfer(rich.ada, "bola@bank.test", LIMIT)
    assert all_alerts(pf, rich.admin) == []
    pf.transfer(rich.bola, "teller@bank.test", 1)  # someone else's transfer does not add up
    assert all_alerts(pf, rich.admin) == []
    rich.fund(rich.bola, LIMIT)
    pf.transfer(rich.bola, "teller@bank.test", LIMIT)
    [alert] = all_alerts(pf, rich.admin)
    assert alert.user_email == "bola@bank.test"


def test_later_transfers_the_same_day_join_the_open_alert(rich):
    pf = rich.pf
    pf.transfer(rich.ada, "bola@bank.test", LIMIT + 1)
    pf.transfer(rich.ada, "bola@bank.test", 500)
    [alert] = all_alerts(pf, rich.admin)
    assert [t.amount for t in pf.get_alert(rich.admin, alert.id).transactions
            if t.direction == "DEBIT"] == [LIMIT + 1, 500]


def test_withdrawals_and_deposits_are_not_transfers_out(rich):
    pf = rich.pf
    pf.withdraw(rich.ada, 15_000_000)
    pf.transfer(rich.ada, "bola@bank.test", LIMIT)
    assert all_alerts(pf, rich.admin) == []


def test_the_day_is_the_calendar_day_in_lagos(rich, clock):
    pf = rich.pf
    # START is 09:00 UTC = 10:00 in Lagos (UTC+1): local midnight is 23:00 UTC.
    advance(rich, clock, hours=13, minutes=59, seconds=59)  # 23:59:59 local, 15 January
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    advance(rich, clock, seconds=1)  # 00:00:00 local, 16 January: a new day
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    assert all_alerts(pf, rich.admin) == []
    pf.transfer(rich.ada, "bola@bank.test", 4_000_001)
    [alert] = all_alerts(pf, rich.admin)
    assert alert.details["total"] == LIMIT + 1


def test_the_day_follows_the_timezone_setting(rich, clock):
    pf = rich.pf
    pf.set_setting(rich.admin, "timezone", "UTC")
    advance(rich, clock, hours=13, minutes=59, seconds=59)  # 22:59:59 UTC: still 15 January in UTC
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    advance(rich, clock, seconds=1)
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    assert len(all_alerts(pf, rich.admin)) == 1


def test_a_rolling_day_when_the_rule_says_so(rich, clock):
    pf = rich.pf
    pf.set_rule(rich.admin, "DAILY_TRANSFER_OUT", params={"day": "rolling"})
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    advance(rich, clock, hours=24)  # exactly 24 h later: still inside the rolling day
    pf.transfer(rich.ada, "bola@bank.test", 4_000_001)
    assert len(all_alerts(pf, rich.admin)) == 1


def test_a_rolling_day_forgets_a_transfer_just_over_24_hours_old(rich, clock):
    pf = rich.pf
    pf.set_rule(rich.admin, "DAILY_TRANSFER_OUT", params={"day": "rolling"})
    pf.transfer(rich.ada, "bola@bank.test", 6_000_000)
    advance(rich, clock, hours=24, microseconds=1)
    pf.transfer(rich.ada, "bola@bank.test", 4_000_001)
    assert all_alerts(pf, rich.admin) == []


def test_a_blocking_threshold_refuses_the_transfer_that_would_pass_it(rich):
    pf = rich.pf
    pf.set_rule(rich.admin, "DAILY_TRANSFER_OUT", params={"block_threshold": 15_000_000})
    pf.transfer(rich.ada, "bola@bank.test", LIMIT)
    pf.transfer(rich.ada, "bola@bank.test", 5_000_000)  # exactly at the block threshold: allowed
    before = ledger_state(pf)
    with pytest.raises(E.RuleBlocked) as refused:
        pf.transfer(rich.ada, "bola@bank.test", 1)
    assert "₦150,000.00" in refused.value.message
    after = ledger_state(pf)
    assert after["balances"] == before["balances"]
    assert (after["journal"], after["postings"]) == (before["journal"], before["postings"])
    assert after["transactions"] == before["transactions"] + 1
    failed = pf.history(rich.ada, limit=1).items[0]
    assert (failed.status, failed.failure_code, failed.amount) == ("FAILED", "BLOCKED_BY_RULE", 1)
    assert scalar(pf, "SELECT count(*) FROM transactions WHERE transfer_ref = ?", failed.transfer_ref) == 1
    blocked = [a for a in all_alerts(pf, rich.admin) if a.details.get("action") == "blocked"]
    assert [t.id for t in pf.get_alert(rich.admin, blocked[0].id).transactions
            if t.status == "FAILED"] == [failed.id]


def test_block_action_blocks_at_the_alert_threshold(rich):
    pf = rich.pf
    pf.set_rule(rich.admin, "DAILY_TRANSFER_OUT", action="BLOCK")
    pf.transfer(rich.ada, "bola@bank.test", LIMIT)
    with pytest.raises(E.RuleBlocked):
        pf.transfer(rich.ada, "bola@bank.test", 1)
    assert pf.balance(rich.bola) == LIMIT
    [alert] = all_alerts(pf, rich.admin)
    assert alert.summary.startswith("Blocked:")


def test_freeze_action_freezes_the_senders_wallet_after_the_transfer(rich):
    pf = rich.pf
    pf.set_rule(rich.admin, "DAILY_TRANSFER_OUT", action="FREEZE")
    pf.transfer(rich.ada, "bola@bank.test", LIMIT + 1)
    assert pf.balance(rich.bola) == LIMIT + 1
    wallet = wallet_row(pf, "ada@bank.test")
    assert (wallet["frozen"], wallet["suspicious"], wallet["frozen_by"]) == (1, 1, None)
    with pytest.raises(E.WalletFrozen):
        pf.transfer(rich.ada, "bola@bank.test", 1)


def test_a_disabled_rule_does_nothing(rich):
    pf = rich.pf
    pf.set_rule(rich.admin, "DAILY_TRANSFER_OUT", enabled=False)
    pf.transfer(rich.ada, "bola@bank.test", LIMIT * 2)
    assert all_alerts(pf, rich.admin) == []
