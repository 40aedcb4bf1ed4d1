"""History pages: filters, reference search, and plans that stay on the app's indexes."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from payflow_tui.services import errors as E

from .conftest import START

TYPES = (None, "DEPOSIT", "WITHDRAWAL", "TRANSFER")
STATUSES = (None, "PENDING", "SUCCESS", "FAILED")
DATES = (None, (START - timedelta(days=2), None), (None, START + timedelta(days=1)),
         (START - timedelta(days=1), START + timedelta(days=1)))
SEARCHES = (None, "dep-", "TRF-Q", "NOPE")


def _filters(type_, status, dates, search) -> dict:
    f = {}
    if type_:
        f["type"] = type_
    if status:
        f["status"] = status
    if dates and dates[0]:
        f["date_from"] = dates[0]
    if dates and dates[1]:
        f["date_to"] = dates[1]
    if search:
        f["search"] = search
    return f


@pytest.fixture
def busy(bank, clock):
    """Ada with deposits, a withdrawal, transfers both ways and a refused transfer."""
    bank.fund(bank.ada, 500_000)
    bank.fund(bank.bola, 200_000)
    clock.advance(minutes=10)
    bank.pf.withdraw(bank.ada, 10_000)
    bank.pf.transfer(bank.ada, "bola@bank.test", 20_000, memo="rent")
    bank.pf.transfer(bank.bola, "ada@bank.test", 5_000)
    bank.pf.request_deposit(bank.ada, 7_000)
    with pytest.raises(E.InsufficientFunds):
        bank.pf.transfer(bank.ada, "bola@bank.test", 1_000_000)  # below the step-up threshold
    return bank


def test_reference_search_is_a_case_insensitive_prefix(busy):
    pf, ada = busy.pf, busy.ada
    every = pf.history(ada, limit=100).items
    deposit = next(t for t in every if t.type == "DEPOSIT" and t.status == "SUCCESS")
    found = pf.history(ada, search=deposit.reference[:8].lower()).items
    assert deposit.reference in [t.reference for t in found]
    assert all(t.reference.startswith(deposit.reference[:8]) for t in found)
    assert pf.history(ada, search=deposit.reference).items == [deposit]
    assert pf.history(ada, search="TRF-").items == [t for t in every if t.type == "TRANSFER"]
    assert pf.history(ada, search="NOPE").items == []


def test_every_filter_combination_matches_a_plain_filter_of_all_rows(busy):
    pf, ada = busy.pf, busy.ada
    every = pf.history(ada, limit=100).items
    assert len(every) == 6
    for combo in itertools.product(TYPES, STATUSES, DATES, SEARCHES):
        f = _filters(*combo)
        expected = [t for t in every
                    if (not f.get("type") or t.type == f["type"])
                    and (not f.get("status") or t.status == f["status"])
                    and (not f.get("date_from") or t.created_at >= f["date_from"])
                    and (not f.get("date_to") or t.created_at < f["date_to"])
                    and (not f.get("search") or t.reference.startswith(f["search"].upper()))]
        got, cursor = [], None
        while True:  # two rows a page: the keyset continues across pages under every filter
            page = pf.history(ada, limit=2, before_id=cursor, **f)
            got += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        assert got == expected, f


def _plans(pf, call) -> list[str]:
    """The query plans of the transaction listings ``call`` runs."""
    conn = pf._conn()
    statements: list[str] = []
    conn.set_trace_callback(lambda sql: statements.append(sql) if "FROM transactions t" in sql else None)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [" | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in statements]


def test_every_history_filter_reads_the_wallet_filters_index_only(busy):
    pf, ada = busy.pf, busy.ada
    for combo in itertools.product(TYPES, STATUSES, DATES, SEARCHES):
        f = _filters(*combo)
        for before in (None, 10**9):
            (plan,) = _plans(pf, lambda: pf.history(ada, before_id=before, **f))
            # With no filter the narrower transactions_wallet index covers the page query too.
            index = "transactions_wallet_filters" if f else "transactions_wallet"
            assert f"COVERING INDEX {index} (wallet_id=?" in plan, (f, plan)
            assert "TEMP B-TREE" not in plan, (f, plan)
