"""Plans: the admin's catalogue, its validation, permissions, audit and database rules."""

from __future__ import annotations

import json
import sqlite3

import pytest
from tests.subs_support import GOLD_PRICE, advance

from payflow_tui.services import errors as E


def plan_count(pf) -> int:
    return pf._conn().execute("SELECT count(*) FROM subscription_plans").fetchone()[0]


def audit_actions(pf, action: str) -> list[dict]:
    rows = pf._conn().execute("SELECT details FROM audit_log WHERE action = ? ORDER BY id", (action,))
    return [json.loads(r[0]) for r in rows]


def test_create_plan_stores_it_and_audits(bank):
    pf = bank.pf
    plan = pf.create_plan(bank.admin, "  Gold   Plus ", GOLD_PRICE, 30, features={"seats": 3, "support": "email"})
    assert (plan.name, plan.price, plan.currency, plan.duration_days) == ("Gold Plus", GOLD_PRICE, "NGN", 30)
    assert plan.features == {"seats": 3, "support": "email"}
    assert plan.active and plan.archived_at is None and plan.open_for_subscription
    assert plan.to_json()["price"] == "1500.00"
    assert audit_actions(pf, "PLAN_CREATED") == [
        {"plan": "Gold Plus", "price": GOLD_PRICE, "currency": "NGN", "duration_days": 30, "active": True}]


def test_features_given_as_json_text_are_stored_canonically(bank):
    plan = bank.pf.create_plan(bank.admin, "Silver", 50_000, 30, features='{"b": 1, "a": [1, 2]}')
    assert plan.features == {"a": [1, 2], "b": 1}
    stored = bank.pf._conn().execute("SELECT features FROM subscription_plans").fetchone()[0]
    assert stored == '{"a": [1, 2], "b": 1}'


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(name=" "), E.InvalidInput, "needs a name"),
    (dict(name="x" * 81), E.InvalidInput, "longer than 80"),
    (dict(price=0), E.InvalidAmount, "greater than zero"),
    (dict(price=-100), E.InvalidAmount, "greater than zero"),
    (dict(price=1500.5), E.InvalidAmount, "whole number of kobo"),
    (dict(price=True), E.InvalidAmount, "whole number of kobo"),
    (dict(price=10_000_000_001), E.InvalidAmount, "above the maximum"),
    (dict(duration_days=0), E.InvalidInput, "from 1 to 3660"),
    (dict(duration_days=3661), E.InvalidInput, "from 1 to 3660"),
    (dict(duration_days=30.0), E.InvalidInput, "whole number of days"),
    (dict(features="[1, 2]"), E.InvalidInput, "JSON object"),
    (dict(features='"text"'), E.InvalidInput, "JSON object"),
    (dict(features="{seats: 3}"), E.InvalidInput, "not valid JSON"),
    (dict(features={"ratio": float("nan")}), E.InvalidInput, "cannot be stored as JSON"),
    (dict(features={"blob": "x" * 5000}), E.InvalidInput, "longer than 4000"),
    (dict(currency="naira"), E.InvalidInput, "three-letter code"),
])
def test_bad_plan_values_are_refused_and_change_nothing(bank, kwargs, error, words):
    args = dict(name="Gold", price=GOLD_PRICE, duration_days=30)
    args.update(kwargs)
    extra = {k: args.pop(k) for k in ("features", "currency") if k in args}
    with pytest.raises(error) as info:
        bank.pf.create_plan(bank.admin, args["name"], args["price"], args["duration_days"], **extra)
    assert words in info.value.message
    assert plan_count(bank.pf) == 0


def test_plan_names_are_unique_whatever_the_case(bank):
    bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    with pytest.raises(E.Conflict, match="already exists"):
        bank.pf.create_plan(bank.admin, "GOLD", GOLD_PRICE, 30)
    assert plan_count(bank.pf) == 1


@pytest.mark.parametrize("who", ["teller", "ada"])
def test_only_an_admin_manages_plans(bank, who):
    pf, session = bank.pf, getattr(bank, who)
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    for call in (lambda: pf.create_plan(session, "Silver", 100, 30),
                 lambda: pf.edit_plan(session, "Gold", price=1),
                 lambda: pf.archive_plan(session, "Gold"),
                 lambda: pf.delete_plan(session, "Gold"),
                 lambda: pf.list_plans(session, include_closed=True)):
        with pytest.raises(E.PermissionDenied):
            call()
    assert pf.list_plans(bank.admin, include_closed=True)[0].price == GOLD_PRICE


def test_edit_changes_only_what_is_given_and_audits_old_and_new(bank):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30, features={"seats": 3})
    plan = pf.edit_plan(bank.admin, "gold", price=200_000, active=False)
    assert (plan.price, plan.active, plan.duration_days, plan.features) == (200_000, False, 30, {"seats": 3})
    assert audit_actions(pf, "PLAN_EDITED")[-1]["changes"] == {
        "price": {"old": GOLD_PRICE, "new": 200_000}, "active": {"old": 1, "new": 0}}
    with pytest.raises(E.InvalidInput, match="Nothing to change"):
        pf.edit_plan(bank.admin, "Gold", price=200_000)
    assert pf.edit_plan(bank.admin, "Gold", new_name="GOLD").name == "GOLD"  # a case-only rename


def test_rename_onto_another_plan_is_refused(bank):
    bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.pf.create_plan(bank.admin, "Silver", 50_000, 30)
    with pytest.raises(E.Conflict, match="already exists"):
        bank.pf.edit_plan(bank.admin, "Silver", new_name="gold")


def test_duration_is_fixed_once_anyone_subscribed(bank):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    assert pf.edit_plan(bank.admin, "Gold", duration_days=31).duration_days == 31
    bank.fund(bank.ada, GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    with pytest.raises(E.Conflict, match="duration is fixed"):
        pf.edit_plan(bank.admin, "Gold", duration_days=30)
    with pytest.raises(sqlite3.IntegrityError, match="duration of a plan with subscribers"):
        with pf._write() as conn:
            conn.execute("UPDATE subscription_plans SET duration_days = 30")


def test_archive_closes_the_plan_for_good(bank):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    plan = pf.archive_plan(bank.admin, "Gold")
    assert plan.archived_at == pf.now() and not plan.active
    assert audit_actions(pf, "PLAN_ARCHIVED") == [{"plan": "Gold", "live_subscriptions": 0}]
    with pytest.raises(E.Conflict, match="already archived"):
        pf.archive_plan(bank.admin, "Gold")
    with pytest.raises(E.Conflict, match="archived and cannot change"):
        pf.edit_plan(bank.admin, "Gold", active=True)
    with pytest.raises(E.Conflict, match="not open for new subscriptions"):
        pf.subscribe(bank.ada, "Gold")
    with pytest.raises(sqlite3.IntegrityError, match="archived plan cannot change"):
        with pf._write() as conn:
            conn.execute("UPDATE subscription_plans SET active = 1")


def test_archived_plan_keeps_renewing_its_live_subscriptions(bank, clock):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 2 * GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    pf.archive_plan(bank.admin, "Gold")
    advance(bank, clock, days=30)
    assert pf.run_renewals().charged == 1
    assert pf.balance(bank.ada) == 0


def test_a_plan_with_subscribers_is_never_deleted(bank):
    pf = bank.pf
    pf.create_plan(bank.admin, "Typo", 100, 30)
    pf.delete_plan(bank.admin, "Typo")
    assert plan_count(pf) == 0 and audit_actions(pf, "PLAN_DELETED") == [{"plan": "Typo"}]
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    pf.cancel_subscription(bank.ada, "Gold")
    with pytest.raises(E.Conflict, match="archive it instead"):
        pf.delete_plan(bank.admin, "Gold")
    with pytest.raises(sqlite3.IntegrityError, match="archived, never deleted"):
        with pf._write() as conn:
            conn.execute("DELETE FROM subscription_plans")
    assert plan_count(pf) == 1


def test_catalogue_shows_open_plans_to_everyone_and_all_plans_to_admins(bank):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    pf.create_plan(bank.admin, "Basic", 50_000, 30)
    pf.create_plan(bank.admin, "Hidden", 10_000, 30, active=False)
    pf.create_plan(bank.admin, "Old", 20_000, 30)
    pf.archive_plan(bank.admin, "Old")
    for session in (bank.ada, bank.teller, bank.admin):
        assert [p.name for p in pf.list_plans(session)] == ["Basic", "Gold"]
    assert [p.name for p in pf.list_plans(bank.admin, include_closed=True)] == ["Hidden", "Old", "Basic", "Gold"]
    assert pf.list_plans(bank.ada)[0].live_subscriptions is None  # how many subscribe is the bank's business
    assert pf.list_plans(bank.admin)[0].live_subscriptions == 0
    assert pf.get_plan(bank.ada, "gold").name == "Gold"
    with pytest.raises(E.NotFound):
        pf.get_plan(bank.ada, "Hidden")
    assert pf.get_plan(bank.admin, "Hidden").active is False
    with pytest.raises(E.NotFound):
        pf.get_plan(bank.ada, "Platinum")
