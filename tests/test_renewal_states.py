"""The subscription state machine, the grace period and one charge per period."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from tests.subs_support import GOLD_PRICE, advance, assert_money_conserved, charges, relogin, subscription_txs

from payflow_tui.services import errors as E

DAY = timedelta(days=1)


@pytest.fixture
def subscribed(bank, clock):
    """Ada on Gold, paid for the first period and nothing more."""
    bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, GOLD_PRICE)
    sub = bank.pf.subscribe(bank.ada, "Gold")
    return sub, clock.now


def state(bank, sub_id):
    relogin(bank)
    return bank.pf.get_subscription(bank.admin, sub_id)


def test_unpaid_renewal_suspends_and_a_confirmed_deposit_reactivates_for_the_owed_period(bank, subscribed, clock):
    pf, (sub, anchor) = bank.pf, subscribed
    clock.advance(days=30)
    assert pf.run_renewals().suspended == 1
    clock.advance(days=2)
    result = pf.run_renewals()
    assert (result.retried, result.suspended, result.charged) == (1, 0, 0)
    assert len(subscription_txs(pf, "FAILED")) == 1  # one failed renewal per period, however many retries
    assert state(bank, sub.id).status == "SUSPENDED"
    bank.fund(bank.ada, 2 * GOLD_PRICE)  # the confirmation retries the subscription in the same transaction
    view = pf.get_subscription(bank.ada, sub.id)
    assert (view.status, view.period_index, view.suspended_at) == ("ACTIVE", 1, None)
    assert view.current_period_start == anchor + 30 * DAY  # the owed period, not the payment day
    assert view.next_renewal_at == anchor + 60 * DAY
    assert pf.balance(bank.ada) == GOLD_PRICE
    assert_money_conserved(pf)


def test_a_suspended_subscription_is_retried_on_every_run(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    clock.advance(days=30)
    pf.run_renewals()
    relogin(bank)
    bank.fund(bank.bola, GOLD_PRICE)
    pf.transfer(bank.bola, "ada@bank.test", GOLD_PRICE)  # money that arrives without a deposit
    assert state(bank, sub.id).status == "SUSPENDED"
    result = pf.run_renewals()
    assert (result.charged, result.reactivated) == (1, 1)
    assert state(bank, sub.id).status == "ACTIVE"


def test_still_unpaid_when_the_grace_period_ends_it_expires(bank, subscribed, clock):
    pf, (sub, anchor) = bank.pf, subscribed
    clock.advance(days=30)
    pf.run_renewals()
    clock.advance(days=6, hours=23)
    assert pf.run_renewals().retried == 1
    clock.advance(hours=1)  # seven days after the renewal fell due
    assert pf.run_renewals().expired == 1
    view = state(bank, sub.id)
    assert (view.status, view.end_reason, view.next_renewal_at) == ("EXPIRED", "UNPAID", None)
    bank.fund(bank.ada, 5 * GOLD_PRICE)
    assert pf.balance(bank.ada) == 5 * GOLD_PRICE and len(charges(pf, sub.id)) == 1
    assert pf.run_renewals().checked == 0
    assert_money_conserved(pf)


def test_a_deposit_after_the_grace_period_expires_instead_of_charging(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    clock.advance(days=30)
    pf.run_renewals()
    advance(bank, clock, days=8)  # no run since: the deposit finds it past its grace
    bank.fund(bank.ada, GOLD_PRICE)
    assert state(bank, sub.id).status == "EXPIRED"
    assert pf.balance(bank.ada) == GOLD_PRICE


def test_the_grace_period_is_a_setting(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    for bad in ("91", "-1", "seven", ""):
        with pytest.raises(E.InvalidInput):
            pf.set_setting(bank.admin, "subscription_grace_days", bad)
    pf.set_setting(bank.admin, "subscription_grace_days", "0")
    clock.advance(days=30)
    result = pf.run_renewals()
    assert (result.suspended, result.expired) == (0, 1)
    assert len(subscription_txs(pf, "FAILED")) == 1 and state(bank, sub.id).end_reason == "UNPAID"


def test_cancel_expires_at_period_end_without_a_charge(bank, subscribed, clock):
    pf, (sub, anchor) = bank.pf, subscribed
    bank.fund(bank.ada, 5 * GOLD_PRICE)
    pf.cancel_subscription(bank.ada, "Gold")
    clock.advance(days=29)
    assert pf.run_renewals().checked == 0
    assert state(bank, sub.id).status == "ACTIVE"
    clock.advance(days=1)
    assert pf.run_renewals().expired == 1
    view = state(bank, sub.id)
    assert (view.status, view.end_reason, view.ended_at) == ("EXPIRED", "CANCELLED", anchor + 30 * DAY)
    assert len(charges(pf, sub.id)) == 1 and pf.balance(bank.ada) == 5 * GOLD_PRICE


def test_resume_before_period_end_keeps_renewing(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    bank.fund(bank.ada, GOLD_PRICE)
    pf.cancel_subscription(bank.ada, "Gold")
    advance(bank, clock, days=29)
    pf.resume_subscription(bank.ada, "Gold")
    clock.advance(days=1)
    assert pf.run_renewals().charged == 1
    assert state(bank, sub.id).status == "ACTIVE"


def test_cancelling_a_suspended_subscription_ends_it_now(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    clock.advance(days=30)
    pf.run_renewals()
    relogin(bank)
    view = pf.cancel_subscription(bank.ada, "Gold")
    assert (view.status, view.end_reason) == ("EXPIRED", "CANCELLED")
    bank.fund(bank.ada, GOLD_PRICE)
    assert pf.balance(bank.ada) == GOLD_PRICE


@pytest.mark.parametrize("block, code", [("freeze", "WALLET_FROZEN"), ("disable", "ACCOUNT_DISABLED")])
def test_a_frozen_wallet_or_disabled_customer_suspends_the_renewal(bank, subscribed, clock, block, code):
    pf, (sub, _) = bank.pf, subscribed
    bank.fund(bank.ada, GOLD_PRICE)
    if block == "freeze":
        pf.freeze_wallet(bank.admin, "ada@bank.test", "court order")
    else:
        pf.disable_user(bank.admin, "ada@bank.test")
    clock.advance(days=30)
    assert pf.run_renewals().suspended == 1
    assert subscription_txs(pf, "FAILED")[0]["failure_code"] == code
    relogin(bank)
    if block == "freeze":
        pf.unfreeze_wallet(bank.admin, "ada@bank.test")
    else:
        pf.enable_user(bank.admin, "ada@bank.test")
    assert pf.run_renewals().reactivated == 1


def test_running_twice_charges_once(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    bank.fund(bank.ada, 5 * GOLD_PRICE)
    clock.advance(days=30)
    assert pf.run_renewals().charged == 1
    assert pf.run_renewals().to_json()["charged"] == 0
    with pf._write() as conn:  # a runner that picked the subscription before the other renewed it
        assert pf._renew_locked(conn, sub.id).charged == 0
    assert len(charges(pf, sub.id)) == 2


def test_the_database_refuses_a_second_charge_for_a_period_and_rolls_the_debit_back(bank, subscribed, clock):
    from payflow_tui.services.base import Movement
    from payflow_tui.services.subscription_billing import period_bounds

    pf, (sub, anchor) = bank.pf, subscribed
    bank.fund(bank.ada, 5 * GOLD_PRICE)
    clock.advance(days=30)
    pf.run_renewals()
    conn = pf._conn()
    plan = conn.execute("SELECT * FROM subscription_plans").fetchone()
    wallet = conn.execute("SELECT * FROM wallets WHERE user_id = (SELECT user_id FROM user_subscriptions)").fetchone()
    start, end = period_bounds(anchor, 30, 1)
    with pytest.raises(sqlite3.IntegrityError, match="subscription_charges.subscription_id"):
        with pf._write() as conn:
            pf._post_charge(conn, subscription_id=sub.id, plan=plan, wallet=wallet, k=1, start=start, end=end,
                            now=clock.now, actor_id=None, mv=Movement("SUBSCRIPTION", 0, 0, 0, 1, clock.now))
    relogin(bank)
    assert pf.balance(bank.ada) == 4 * GOLD_PRICE and len(charges(pf, sub.id)) == 2
    with pytest.raises(sqlite3.IntegrityError, match="needs its successful SUBSCRIPTION transaction"):
        with pf._write() as conn:
            conn.execute("INSERT INTO subscription_charges (subscription_id, period_index, period_start,"
                         " period_end, amount, transaction_id, created_at) VALUES (?, 9, 'a', 'b', 1, 1, 'c')",
                         (sub.id,))
    assert_money_conserved(pf)


def test_an_expired_subscription_is_final_and_nothing_is_deleted(bank, subscribed, clock):
    pf, (sub, _) = bank.pf, subscribed
    pf.cancel_subscription(bank.ada, "Gold")
    clock.advance(days=30)
    pf.run_renewals()
    for sql, words in (("UPDATE user_subscriptions SET status = 'ACTIVE'", "expired subscription cannot change"),
                       ("DELETE FROM user_subscriptions", "never deleted"),
                       ("DELETE FROM subscription_charges", "append-only"),
                       ("UPDATE subscription_charges SET amount = 1", "append-only")):
        with pytest.raises(sqlite3.IntegrityError, match=words):
            with pf._write() as conn:
                conn.execute(sql)


def test_a_failing_retry_never_undoes_the_deposit_that_triggered_it(bank, subscribed, clock, monkeypatch):
    pf, (sub, _) = bank.pf, subscribed
    clock.advance(days=30)
    pf.run_renewals()
    relogin(bank)

    def broken(conn, sub_id):
        conn.execute("UPDATE user_subscriptions SET updated_at = 'x' WHERE id = ?", (sub_id,))
        raise RuntimeError("boom")

    monkeypatch.setattr(pf, "_renew_locked", broken)
    bank.fund(bank.ada, GOLD_PRICE)
    assert pf.balance(bank.ada) == GOLD_PRICE
    view = pf.get_subscription(bank.ada, sub.id)
    assert view.status == "SUSPENDED"
    # The savepoint undid the retry's own writes, and only those.
    assert pf._conn().execute("SELECT updated_at FROM user_subscriptions").fetchone()[0] != "x"


def test_one_broken_subscription_does_not_stop_the_run(bank, subscribed, clock, monkeypatch):
    pf, (sub, _) = bank.pf, subscribed
    bank.fund(bank.bola, 2 * GOLD_PRICE)
    other = pf.subscribe(bank.bola, "Gold")
    clock.advance(days=30)
    real = pf._renew_locked

    def flaky(conn, sub_id):
        if sub_id == sub.id:
            raise RuntimeError("disk hiccup")
        return real(conn, sub_id)

    monkeypatch.setattr(pf, "_renew_locked", flaky)
    result = pf.run_renewals()
    assert (result.charged, result.errors) == (1, 1)
    assert result.error_messages == [f"subscription {sub.id}: RuntimeError: disk hiccup"]
    assert len(charges(pf, other.id)) == 2


def test_a_blocking_fraud_rule_refuses_a_renewal_like_a_short_balance(db_path, clock):
    from tests.conftest import FAST_HASHER, Bank

    from payflow_tui.services import PayFlow

    class Guarded(PayFlow):
        blocking = False

        def _rules_before(self, conn, movement):
            super()._rules_before(conn, movement)
            if self.blocking and movement.kind == "SUBSCRIPTION":
                movement.refuse(E.RuleBlocked("Blocked by the velocity rule."))  # as the fraud rules do

    pf = Guarded.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    bank = Bank(pf)
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 3 * GOLD_PRICE)
    bank.fund(bank.bola, 3 * GOLD_PRICE)
    sub = pf.subscribe(bank.ada, "Gold")
    pf.blocking = True
    with pytest.raises(E.RuleBlocked):
        pf.subscribe(bank.bola, "Gold")  # the rule's refusal stands; bola is not subscribed
    assert pf._conn().execute("SELECT count(*) FROM user_subscriptions").fetchone()[0] == 1
    clock.advance(days=30)
    assert pf.run_renewals().suspended == 1
    failed = subscription_txs(pf, "FAILED")  # bola's refused subscription, then ada's renewal: once each
    assert [(f["failure_code"], f["actor_user_id"] is None) for f in failed] == [
        ("BLOCKED_BY_RULE", False), ("BLOCKED_BY_RULE", True)]
    assert failed[1]["memo"] == "Gold: 2026-02-14 to 2026-03-16"
    pf.blocking = False
    assert pf.run_renewals().reactivated == 1
    assert [c[0] for c in charges(pf, sub.id)] == [0, 1]
    pf.close()
