"""Subscribing, cancelling, resuming and listing: money, rows, permissions."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from tests.conftest import FAST_HASHER
from tests.subs_support import GOLD_PRICE, advance, assert_money_conserved, charges, subscription_txs

from payflow_tui.services import PayFlow
from payflow_tui.services import errors as E


@pytest.fixture
def gold(bank):
    return bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30, features={"seats": 3})


def sub_rows(pf) -> int:
    return pf._conn().execute("SELECT count(*) FROM user_subscriptions").fetchone()[0]


def test_subscribe_charges_the_first_period_in_one_transaction(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 200_000)
    sub = pf.subscribe(bank.ada, "gold")
    assert pf.balance(bank.ada) == 200_000 - GOLD_PRICE
    assert (sub.status, sub.plan_name, sub.price, sub.period_index) == ("ACTIVE", "Gold", GOLD_PRICE, 0)
    assert sub.anchor_at == sub.current_period_start == clock.now
    assert sub.current_period_end == sub.next_renewal_at == clock.now + timedelta(days=30)
    [tx] = subscription_txs(pf, "SUCCESS")
    assert (tx["direction"], tx["amount"], tx["reference"][:4]) == ("DEBIT", GOLD_PRICE, "SUB-")
    assert tx["memo"] == "Gold: 2026-01-15 to 2026-02-14"
    legs = pf._conn().execute(
        "SELECT a.kind, p.amount FROM postings p JOIN ledger_accounts a ON a.id = p.account_id"
        " WHERE p.entry_id = ? ORDER BY p.amount", (tx["journal_entry_id"],)).fetchall()
    assert [tuple(r) for r in legs] == [("WALLET", -GOLD_PRICE), ("SUBSCRIPTION_REVENUE", GOLD_PRICE)]
    assert charges(pf, sub.id) == [(0, clock.now, GOLD_PRICE)]
    details = json.loads(pf._conn().execute(
        "SELECT details FROM audit_log WHERE action = 'SUBSCRIPTION_CREATED'").fetchone()[0])
    assert details == {"plan": "Gold", "price": GOLD_PRICE, "subscription_id": sub.id}
    assert_money_conserved(pf)


def test_a_short_balance_is_refused_with_only_a_failed_transaction(bank, gold):
    pf = bank.pf
    bank.fund(bank.ada, GOLD_PRICE - 1)
    with pytest.raises(E.InsufficientFunds, match="the balance is ₦1,499.99, the charge ₦1,500.00"):
        pf.subscribe(bank.ada, "Gold")
    assert pf.balance(bank.ada) == GOLD_PRICE - 1
    assert sub_rows(pf) == 0 and not subscription_txs(pf, "SUCCESS")
    [failed] = subscription_txs(pf, "FAILED")
    assert (failed["failure_code"], failed["amount"]) == ("INSUFFICIENT_FUNDS", GOLD_PRICE)
    assert_money_conserved(pf)


def test_a_frozen_wallet_is_refused(bank, gold):
    pf = bank.pf
    bank.fund(bank.ada, GOLD_PRICE)
    pf.freeze_wallet(bank.admin, "ada@bank.test", "suspected fraud")
    with pytest.raises(E.WalletFrozen):
        pf.subscribe(bank.ada, "Gold")
    assert sub_rows(pf) == 0 and subscription_txs(pf, "FAILED")[0]["failure_code"] == "WALLET_FROZEN"


def test_one_live_subscription_per_user_per_plan(bank, gold):
    pf = bank.pf
    pf.create_plan(bank.admin, "Silver", 50_000, 30)
    bank.fund(bank.ada, 1_000_000)
    pf.subscribe(bank.ada, "Gold")
    with pytest.raises(E.Conflict, match="already subscribed to Gold"):
        pf.subscribe(bank.ada, "GOLD")
    pf.cancel_subscription(bank.ada, "Gold")
    with pytest.raises(E.Conflict, match="already subscribed"):
        pf.subscribe(bank.ada, "Gold")  # cancelled but still paid up: resume instead
    pf.subscribe(bank.ada, "Silver")
    assert pf.balance(bank.ada) == 1_000_000 - GOLD_PRICE - 50_000
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # the database says so too
        with pf._write() as conn:
            conn.execute("INSERT INTO user_subscriptions (user_id, plan_id, status, anchor_at,"
                         " current_period_start, current_period_end, created_at, updated_at)"
                         " SELECT user_id, plan_id, 'SUSPENDED', anchor_at, current_period_start,"
                         " current_period_end, created_at, updated_at FROM user_subscriptions WHERE id = 1")


def test_staff_subscribe_customers_and_customers_only_themselves(bank, gold):
    pf = bank.pf
    bank.fund(bank.ada, GOLD_PRICE)
    sub = pf.subscribe(bank.teller, "Gold", for_email="ada@bank.test")
    assert sub.user_email == "ada@bank.test" and pf.balance(bank.ada) == 0
    with pytest.raises(E.PermissionDenied):
        pf.subscribe(bank.bola, "Gold", for_email="ada@bank.test")
    with pytest.raises(E.PermissionDenied):
        pf.subscribe(bank.teller, "Gold", for_email="admin@bank.test")
    bank.fund(bank.teller, GOLD_PRICE)
    assert pf.subscribe(bank.admin, "Gold", for_email="teller@bank.test").user_email == "teller@bank.test"


def test_closed_and_unknown_plans_are_refused(bank, gold):
    pf = bank.pf
    bank.fund(bank.ada, GOLD_PRICE)
    pf.edit_plan(bank.admin, "Gold", active=False)
    with pytest.raises(E.Conflict, match="not open"):
        pf.subscribe(bank.ada, "Gold")
    with pytest.raises(E.NotFound, match="No plan named 'Platinum'"):
        pf.subscribe(bank.ada, "Platinum")
    assert sub_rows(pf) == 0 and pf.balance(bank.ada) == GOLD_PRICE


def test_quote_shows_the_charge_and_renewal_date_without_changing_anything(bank, gold, clock):
    pf = bank.pf
    quote = pf.quote_subscription(bank.ada, "Gold")
    assert (quote.price, quote.balance, quote.can_pay) == (GOLD_PRICE, 0, False)
    assert quote.next_renewal_at == clock.now + timedelta(days=30)
    assert quote.to_json()["next_renewal_at"] == "2026-02-14T09:00:00+00:00"
    bank.fund(bank.ada, GOLD_PRICE)
    assert pf.quote_subscription(bank.teller, "Gold", for_email="ada@bank.test").can_pay
    assert sub_rows(pf) == 0


def test_cancel_keeps_the_paid_period_and_resume_undoes_it(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    sub = pf.cancel_subscription(bank.ada, "Gold")
    assert sub.status == "ACTIVE" and sub.cancel_at_period_end
    with pytest.raises(E.Conflict, match="already cancelled; it ends on 2026-02-14 09:00 UTC"):
        pf.cancel_subscription(bank.ada, "Gold")
    sub = pf.resume_subscription(bank.ada, "Gold")
    assert sub.status == "ACTIVE" and not sub.cancel_at_period_end
    with pytest.raises(E.Conflict, match="not cancelled"):
        pf.resume_subscription(bank.ada, "Gold")
    pf.cancel_subscription(bank.teller, "Gold", for_email="ada@bank.test")
    advance(bank, clock, days=30)
    with pytest.raises(E.Conflict, match="has ended; subscribe again"):
        pf.resume_subscription(bank.ada, "Gold")
    actions = [r[0] for r in pf._conn().execute(
        "SELECT action FROM audit_log WHERE action LIKE 'SUBSCRIPTION_%' ORDER BY id")]
    assert actions == ["SUBSCRIPTION_CREATED", "SUBSCRIPTION_CANCELLED", "SUBSCRIPTION_RESUMED",
                       "SUBSCRIPTION_CANCELLED"]


def test_subscribing_again_after_a_cancelled_period_ended_replaces_it(bank, gold, clock):
    pf = bank.pf
    bank.fund(bank.ada, 2 * GOLD_PRICE)
    first = pf.subscribe(bank.ada, "Gold")
    pf.cancel_subscription(bank.ada, "Gold")
    advance(bank, clock, days=31)  # no renewal run has swept it yet
    second = pf.subscribe(bank.ada, "Gold")
    assert second.id != first.id and second.anchor_at == clock.now
    old = pf.get_subscription(bank.ada, first.id)
    assert (old.status, old.end_reason) == ("EXPIRED", "CANCELLED")
    assert pf.balance(bank.ada) == 0


def test_nothing_to_cancel_or_resume(bank, gold):
    with pytest.raises(E.NotFound, match="You have no live subscription to Gold"):
        bank.pf.cancel_subscription(bank.ada, "Gold")
    with pytest.raises(E.NotFound, match="ada@bank.test has no live subscription"):
        bank.pf.resume_subscription(bank.teller, "Gold", for_email="ada@bank.test")
    with pytest.raises(E.PermissionDenied):
        bank.pf.cancel_subscription(bank.bola, "Gold", for_email="ada@bank.test")


def test_listing_my_subscriptions_and_the_admin_list(bank, gold):
    pf = bank.pf
    pf.create_plan(bank.admin, "Silver", 50_000, 30)
    bank.fund(bank.ada, 1_000_000)
    bank.fund(bank.bola, 1_000_000)
    a_gold = pf.subscribe(bank.ada, "Gold")
    a_silver = pf.subscribe(bank.ada, "Silver")
    b_gold = pf.subscribe(bank.bola, "Gold")
    assert [s.id for s in pf.my_subscriptions(bank.ada)] == [a_silver.id, a_gold.id]
    assert [s.id for s in pf.my_subscriptions(bank.teller, for_email="bola@bank.test")] == [b_gold.id]
    with pytest.raises(E.PermissionDenied):
        pf.my_subscriptions(bank.ada, for_email="bola@bank.test")
    with pytest.raises(E.NotFound):
        pf.get_subscription(bank.ada, b_gold.id)
    assert pf.get_subscription(bank.teller, b_gold.id).user_email == "bola@bank.test"

    page = pf.list_subscriptions(bank.admin, plan="gold")
    assert [s.id for s in page.items] == [a_gold.id, b_gold.id] and page.next_cursor is None
    first = pf.list_subscriptions(bank.admin, limit=2)
    rest = pf.list_subscriptions(bank.admin, limit=2, after_id=first.next_cursor)
    assert [s.id for s in first.items + rest.items] == [a_gold.id, a_silver.id, b_gold.id]
    assert pf.list_subscriptions(bank.admin, status="expired").items == []
    assert [s.id for s in pf.list_subscriptions(bank.admin, email="bola@bank.test").items] == [b_gold.id]
    with pytest.raises(E.InvalidInput, match="Status must be one of"):
        pf.list_subscriptions(bank.admin, status="PAUSED")
    with pytest.raises(E.PermissionDenied):
        pf.list_subscriptions(bank.teller)
    json_view = a_gold.to_json()
    assert json_view["price"] == "1500.00" and json_view["next_renewal_at"].endswith("+00:00")


class _Recording(PayFlow):
    """A PayFlow that remembers the outbox events it emits."""

    def _emit(self, conn, event_type, *, user_id, **payload):
        super()._emit(conn, event_type, user_id=user_id, **payload)
        self.events.append((event_type, user_id, payload))


def test_outbox_events_for_charges_suspensions_and_expiry(db_path, clock):
    from tests.conftest import Bank
    from tests.subs_support import relogin

    pf = _Recording.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    pf.events = []
    bank = Bank(pf)
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    clock.advance(days=30)
    pf.run_renewals()
    clock.advance(days=7)
    pf.run_renewals()
    relogin(bank)
    subs = [(kind, payload) for kind, _, payload in pf.events if kind.startswith("subscription.")]
    assert [kind for kind, _ in subs] == ["subscription.charged", "subscription.suspended", "subscription.expired"]
    assert subs[0][1]["amount"] == GOLD_PRICE and subs[0][1]["period_start"] == "2026-01-15T09:00:00+00:00"
    assert subs[1][1]["code"] == "INSUFFICIENT_FUNDS" and subs[1][1]["grace_until"] == "2026-02-21T09:00:00+00:00"
    assert subs[2][1]["reason"] == "UNPAID"
    pf.close()
