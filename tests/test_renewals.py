"""Renewals over months and years of simulated time: anchors, month ends, leap years, catch-up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from tests.subs_support import (GOLD_PRICE, advance, assert_money_conserved, charges, relogin, set_time,
                          subscription_txs)

DAY = timedelta(days=1)


@pytest.fixture
def gold(bank):
    return bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)


def test_a_30_day_plan_renews_every_30_days_for_a_year_of_daily_runs(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 13 * GOLD_PRICE)
    sub = pf.subscribe(bank.ada, "Gold")
    anchor = clock.now
    for _ in range(365):
        clock.advance(days=1)
        pf.run_renewals()
    assert charges(pf, sub.id) == [(k, anchor + k * 30 * DAY, GOLD_PRICE) for k in range(13)]
    # Each run fell on a renewal instant, so each charge happened at its period's start.
    made = [r[0] for r in pf._conn().execute(
        "SELECT t.created_at FROM subscription_charges c JOIN transactions t ON t.id = c.transaction_id"
        " ORDER BY c.id")]
    assert made == [c[1].strftime("%Y-%m-%dT%H:%M:%S.%f+00:00") for c in charges(pf, sub.id)]
    relogin(bank)
    view = pf.get_subscription(bank.ada, sub.id)
    assert (view.status, view.period_index, view.next_renewal_at) == ("ACTIVE", 12, anchor + 390 * DAY)
    assert pf.balance(bank.ada) == 0
    assert_money_conserved(pf)


def test_a_365_day_plan_over_a_leap_year_with_runs_ten_days_apart(bank, clock):
    pf = bank.pf
    pf.create_plan(bank.admin, "Yearly", 1_500_000, 365)
    bank.fund(bank.ada, 4 * 1_500_000)
    sub = pf.subscribe(bank.ada, "Yearly")
    for _ in range(112):  # runs late by up to nine days each time
        clock.advance(days=10)
        pf.run_renewals()
    starts = [c[1] for c in charges(pf, sub.id)]
    utc = timezone.utc
    assert starts == [datetime(2026, 1, 15, 9, tzinfo=utc), datetime(2027, 1, 15, 9, tzinfo=utc),
                      datetime(2028, 1, 15, 9, tzinfo=utc),
                      datetime(2029, 1, 14, 9, tzinfo=utc)]  # 2028 has a 29 February
    relogin(bank)
    assert pf.get_subscription(bank.ada, sub.id).next_renewal_at == datetime(2030, 1, 14, 9, tzinfo=utc)
    assert_money_conserved(pf)


def test_a_period_boundary_at_month_end(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 3 * GOLD_PRICE)
    set_time(clock, datetime(2026, 1, 31, 23, 30, tzinfo=timezone.utc))
    relogin(bank)
    sub = pf.subscribe(bank.ada, "Gold")
    assert sub.next_renewal_at == datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)  # February has 28 days
    set_time(clock, datetime(2026, 3, 2, 23, 29, 59, tzinfo=timezone.utc))
    assert pf.run_renewals().charged == 0
    clock.advance(seconds=1)
    assert pf.run_renewals().charged == 1
    set_time(clock, datetime(2026, 4, 5, 12, tzinfo=timezone.utc))  # a run four days late
    assert pf.run_renewals().charged == 1
    relogin(bank)
    view = pf.get_subscription(bank.ada, sub.id)
    assert view.current_period_start == datetime(2026, 4, 1, 23, 30, tzinfo=timezone.utc)
    assert view.next_renewal_at == datetime(2026, 5, 1, 23, 30, tzinfo=timezone.utc)


def test_catch_up_charges_owed_periods_oldest_first_and_stops_at_the_first_unpaid(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 3 * GOLD_PRICE)  # the first period and two renewals
    sub = pf.subscribe(bank.ada, "Gold")
    anchor = clock.now
    clock.advance(days=95)  # renewals owed at days 30, 60 and 90
    result = pf.run_renewals()
    assert (result.charged, result.suspended, result.expired) == (2, 1, 0)
    assert [c[0] for c in charges(pf, sub.id)] == [0, 1, 2]
    relogin(bank)
    view = pf.get_subscription(bank.ada, sub.id)
    assert view.status == "SUSPENDED" and view.next_renewal_at == anchor + 90 * DAY
    assert view.current_period_start == anchor + 60 * DAY
    assert view.grace_until == anchor + 97 * DAY and view.suspended_at == clock.now
    [failed] = subscription_txs(pf, "FAILED")
    assert failed["memo"] == "Gold: 2026-04-15 to 2026-05-15" and failed["failure_code"] == "INSUFFICIENT_FUNDS"
    clock.advance(days=2)
    assert pf.run_renewals().expired == 1
    assert len(charges(pf, sub.id)) == 3 and len(subscription_txs(pf, "FAILED")) == 1
    assert_money_conserved(pf)


def test_catch_up_past_the_grace_period_expires_after_charging_what_it_can(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 3 * GOLD_PRICE)
    sub = pf.subscribe(bank.ada, "Gold")
    clock.advance(days=130)  # the period owed since day 90 is past its grace already
    result = pf.run_renewals()
    assert (result.charged, result.suspended, result.expired) == (2, 0, 1)
    relogin(bank)
    view = pf.get_subscription(bank.ada, sub.id)
    assert (view.status, view.end_reason, view.ended_at) == ("EXPIRED", "UNPAID", clock.now)
    assert len(subscription_txs(pf, "FAILED")) == 1


def test_catch_up_with_money_enough_charges_every_owed_period_in_one_run(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 10 * GOLD_PRICE)
    sub = pf.subscribe(bank.ada, "Gold")
    anchor = clock.now
    clock.advance(days=100)
    assert pf.run_renewals().charged == 3
    relogin(bank)
    assert pf.get_subscription(bank.ada, sub.id).next_renewal_at == anchor + 120 * DAY
    assert pf.balance(bank.ada) == 6 * GOLD_PRICE


def test_a_price_change_applies_from_the_next_renewal(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 10 * GOLD_PRICE)
    sub = pf.subscribe(bank.ada, "Gold")
    advance(bank, clock, days=10)
    pf.edit_plan(bank.admin, "Gold", price=200_000)
    assert pf.get_subscription(bank.ada, sub.id).price == 200_000  # what the next renewal charges
    assert pf.run_renewals().charged == 0  # the current period stays as paid
    advance(bank, clock, days=20)
    pf.run_renewals()
    assert [c[2] for c in charges(pf, sub.id)] == [GOLD_PRICE, 200_000]
    assert pf.balance(bank.ada) == 10 * GOLD_PRICE - GOLD_PRICE - 200_000
    assert_money_conserved(pf)


def test_subscriptions_on_two_plans_and_two_customers_renew_independently(bank, gold, clock):
    pf = bank.pf
    pf.create_plan(bank.admin, "Weekly", 10_000, 7)
    bank.fund(bank.ada, 1_000_000)
    bank.fund(bank.bola, 1_000_000)
    a = pf.subscribe(bank.ada, "Gold")
    advance(bank, clock, hours=5)
    b = pf.subscribe(bank.bola, "Weekly")
    for _ in range(60):
        clock.advance(days=1)
        pf.run_renewals()
    assert len(charges(pf, a.id)) == 3  # days 0, 30, 60
    assert len(charges(pf, b.id)) == 9  # days 0, 7, ..., 56 (the one at 63 days is still ahead)
    assert_money_conserved(pf)
