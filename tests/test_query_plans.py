"""Filtered listings give the same rows whichever plan the probe picks, and never sort a whole table."""

import pytest

from payflow_tui.services import errors as E
from payflow_tui.services import query_plans


@pytest.fixture
def ledger(bank):
    """A few of every kind: successes, a failure, pending deposits, a transfer."""
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    bank.fund(bank.bola, 300_000)
    pf.transfer(bank.ada, "bola@bank.test", 100_000)
    with pytest.raises(E.InsufficientFunds):
        pf.withdraw(bank.bola, 4_900_000)
    pf.withdraw(bank.ada, 50_000)
    pending = [pf.request_deposit(bank.ada, 10_000), pf.request_deposit(bank.bola, 20_000)]
    return bank, pending


def listing(pf, session, **filters):
    return [(t.reference, t.status, t.type) for t in pf.all_transactions(session, **filters).items]


FILTERS = [
    {"status": "SUCCESS"}, {"status": "FAILED"}, {"status": "PENDING"}, {"type": "DEPOSIT"},
    {"type": "SUBSCRIPTION"}, {"status": "SUCCESS", "type": "TRANSFER"}, {"status": "pending", "type": "deposit"},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_index_and_id_walk_plans_agree(ledger, monkeypatch, filters):
    bank, _ = ledger
    monkeypatch.setattr(query_plans, "PROBE", 10_000)  # always "few": through the index
    through_index = listing(bank.pf, bank.admin, **filters)
    monkeypatch.setattr(query_plans, "PROBE", 0)  # always "many": walk the ids
    walking_ids = listing(bank.pf, bank.admin, **filters)
    assert through_index == walking_ids
    expected_status = filters.get("status", "").upper()
    expected_type = filters.get("type", "").upper()
    assert all((not expected_status or s == expected_status) and (not expected_type or t == expected_type)
               for _, s, t in walking_ids)


def test_filters_page_newest_first_on_both_plans(ledger, monkeypatch):
    bank, _ = ledger
    for probe in (10_000, 0):
        monkeypatch.setattr(query_plans, "PROBE", probe)
        first = bank.pf.all_transactions(bank.admin, status="SUCCESS", limit=2)
        second = bank.pf.all_transactions(bank.admin, status="SUCCESS", limit=2, before_id=first.next_cursor)
        ids = [t.id for t in first.items + second.items]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4


@pytest.mark.parametrize("probe", [10_000, 0])
def test_audit_filters_agree_on_both_plans(ledger, monkeypatch, probe):
    bank, _ = ledger
    monkeypatch.setattr(query_plans, "PROBE", probe)
    logins = bank.pf.audit_entries(bank.admin, action="login").items
    assert logins and {e["action"] for e in logins} == {"LOGIN"}
    by_teller = bank.pf.audit_entries(bank.admin, actor_email="teller@bank.test").items
    assert by_teller and {e["actor"] for e in by_teller} == {"teller@bank.test"}
    about_ada = bank.pf.audit_entries(bank.admin, subject_email="ada@bank.test", action="LOGIN").items
    assert [e["subject"] for e in about_ada] == ["ada@bank.test"]
    assert bank.pf.audit_entries(bank.admin, actor_email="nobody@bank.test").items == []


def test_reference_search_is_a_prefix(ledger):
    bank, pending = ledger
    reference = pending[0].reference
    found = bank.pf.all_transactions(bank.admin, search=reference[:6].lower())
    assert reference in [t.reference for t in found.items]
    assert all(t.reference.startswith(reference[:6]) for t in found.items)
    assert bank.pf.all_transactions(bank.admin, search="DEP_").items == []  # no wildcards
    assert [t.reference for t in bank.pf.history(bank.ada, search=reference).items] == [reference]


def test_pending_queue_is_oldest_first_and_pages(ledger):
    bank, pending = ledger
    first = bank.pf.pending_deposits(bank.teller, limit=1)
    second = bank.pf.pending_deposits(bank.teller, limit=1, after_id=first.next_cursor)
    assert [t.reference for t in first.items + second.items] == [p.reference for p in pending]
    assert second.next_cursor is None


def test_a_common_status_is_not_sorted_through_the_index(ledger, monkeypatch):
    bank, _ = ledger
    monkeypatch.setattr(query_plans, "PROBE", 0)
    conn = bank.pf._conn()
    where, args = query_plans.equality_filter(conn, "transactions", "t", [("status", "SUCCESS")])
    plan = " ".join(r[3] for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM transactions t WHERE " + " AND ".join(where)
        + " ORDER BY t.id DESC LIMIT 51", args))
    assert "TEMP B-TREE" not in plan and "transactions_status_type" not in plan
