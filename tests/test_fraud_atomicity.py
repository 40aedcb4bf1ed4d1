"""A rule's effects commit or roll back with the movement: no debit without its transaction
row, no transaction row without its alert, and a blocked payment replays as blocked."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import all_alerts, fail_transfers, ledger_state, scalar

from payflow_tui.services import errors as E


@pytest.fixture
def blocking(bank, clock):
    bank.fund(bank.ada, 20_000_000)
    bank.pf.set_rule(bank.admin, "DAILY_TRANSFER_OUT", params={"block_threshold": 10_000_000})
    return bank


def test_a_blocked_transfer_leaves_only_its_failed_row_and_its_alert(blocking):
    pf = blocking.pf
    before = ledger_state(pf)
    with pytest.raises(E.RuleBlocked):
        pf.transfer(blocking.ada, "bola@bank.test", 10_000_001)
    after = ledger_state(pf)
    assert after["balances"] == before["balances"]
    assert (after["journal"], after["postings"]) == (before["journal"], before["postings"])
    assert after["transactions"] == before["transactions"] + 1
    assert after["alerts"] == before["alerts"] + 1
    orphans = scalar(pf, "SELECT count(*) FROM transactions t WHERE t.status = 'FAILED'"
                         " AND t.failure_code = 'BLOCKED_BY_RULE' AND NOT EXISTS"
                         " (SELECT 1 FROM alert_transactions l WHERE l.transaction_id = t.id)")
    assert orphans == 0
    assert pf.verify().ok


def test_if_the_alert_cannot_be_written_nothing_is(blocking, monkeypatch):
    pf = blocking.pf
    before = ledger_state(pf)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pf, "_open_alert", broken)
    with pytest.raises(RuntimeError):
        pf.transfer(blocking.ada, "bola@bank.test", 10_000_001)
    assert ledger_state(pf) == before


def test_if_an_alert_after_a_transfer_fails_the_transfer_rolls_back_too(bank, monkeypatch):
    pf = bank.pf
    bank.fund(bank.ada, 20_000_000)
    before = ledger_state(pf)
    monkeypatch.setattr(pf, "_open_alert", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        pf.transfer(bank.ada, "bola@bank.test", 10_000_001)
    assert ledger_state(pf) == before


def test_a_blocked_transfer_replayed_with_its_key_changes_nothing(blocking):
    pf = blocking.pf
    with pytest.raises(E.RuleBlocked) as first:
        pf.transfer(blocking.ada, "bola@bank.test", 10_000_001, key="pay-1")
    before = ledger_state(pf)
    with pytest.raises(E.RuleBlocked) as again:
        pf.transfer(blocking.ada, "bola@bank.test", 10_000_001, key="pay-1")
    assert again.value.message == first.value.message
    assert ledger_state(pf) == before


def test_a_blocked_withdrawal_leaves_no_partial_state(bank, clock):
    pf = bank.pf
    bank.fund(bank.ada, 20_000_000)
    pf.set_rule(bank.admin, "LARGE_AFTER_SECURITY_CHANGE", action="BLOCK")
    clock.advance(minutes=1)
    pf.change_password(bank.ada, PASSWORD, "a-brand-new-password")
    before = ledger_state(pf)
    with pytest.raises(E.RuleBlocked):
        pf.withdraw(bank.ada, 6_000_000, key="cash-1")
    after = ledger_state(pf)
    assert after["balances"] == before["balances"] and after["postings"] == before["postings"]
    failed = pf.history(bank.ada, limit=1).items[0]
    assert (failed.type, failed.status, failed.failure_code) == ("WITHDRAWAL", "FAILED", "BLOCKED_BY_RULE")
    [alert] = all_alerts(pf, bank.admin)
    assert [t.id for t in pf.get_alert(bank.admin, alert.id).transactions] == [failed.id]


def test_a_lock_commits_with_the_refusal_that_caused_it(bank):
    pf = bank.pf
    fail_transfers(pf, bank.ada, 3)
    before = ledger_state(pf)
    with pytest.raises(E.InsufficientFunds):
        pf.transfer(bank.ada, "bola@bank.test", 100)
    after = ledger_state(pf)
    assert after["transactions"] == before["transactions"] + 1
    assert after["alerts"] == before["alerts"] + 1
    assert scalar(pf, "SELECT status FROM users WHERE email = 'ada@bank.test'") == "LOCKED"


def test_an_operation_that_sets_no_refuse_still_gets_a_failed_row_and_an_alert(bank):
    """A future money operation may call the hook without ``Movement.refuse``: the block
    still records the refusal as a FAILED row linked to its alert, and no money moves."""
    from payflow_tui.services import Movement

    pf = bank.pf
    pf.set_rule(bank.admin, "LARGE_AFTER_SECURITY_CHANGE", action="BLOCK", params={"amount_over": 1})
    with pf._write() as conn:
        conn.execute("UPDATE users SET unlocked_at = created_at WHERE email = 'ada@bank.test'")
    wallet = pf._conn().execute("SELECT * FROM wallets WHERE user_id = ?", (bank.ada.user_id,)).fetchone()
    before = ledger_state(pf)
    with pytest.raises(E.RuleBlocked):
        with pf._write() as conn:  # the refusal commits, then its error is raised
            mv = Movement("WITHDRAWAL", bank.ada.user_id, bank.ada.user_id, wallet["id"], 500, pf.now())
            pf._rules_before(conn, mv)
    after = ledger_state(pf)
    assert after["balances"] == before["balances"] and after["postings"] == before["postings"]
    assert after["transactions"] == before["transactions"] + 1
    [alert] = all_alerts(pf, bank.admin)
    [tx] = pf.get_alert(bank.admin, alert.id).transactions
    assert (tx.type, tx.status, tx.failure_code, tx.amount) == ("WITHDRAWAL", "FAILED", "BLOCKED_BY_RULE", 500)
