"""Demo data: a sandbox only, every invariant holds, the data looks like a bank's."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from payflow_tui.clock import from_iso
from payflow_tui.services import PayFlow, errors as E
from payflow_tui.services.demo import DEMO_PASSWORD
from tests.conftest import FAST_HASHER, PASSWORD


@pytest.fixture
def sandbox(tmp_path, clock):
    pf = PayFlow.open(tmp_path / "sandbox.db", clock=clock, password_hasher=FAST_HASHER, sandbox=True)
    yield pf
    pf.close()


@pytest.fixture
def filled(sandbox):
    summary = sandbox.demo(60, 3_000, seed=11)
    conn = sqlite3.connect(sandbox.path)
    conn.row_factory = sqlite3.Row
    yield sandbox, summary, conn
    conn.close()


def test_a_small_demo_verifies(filled):
    pf, summary, conn = filled
    report = pf.verify()
    assert report.ok, report.problems
    assert summary.transactions == 3_000 == conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    assert summary.users == 60 == conn.execute("SELECT count(*) FROM users").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM wallets").fetchone()[0] == 60
    assert summary.journal_entries == conn.execute("SELECT count(*) FROM journal_entries").fetchone()[0]
    assert conn.execute("SELECT min(balance) FROM wallets").fetchone()[0] >= 0


def test_roles_names_and_one_shared_password(filled):
    pf, summary, conn = filled
    roles = dict(conn.execute("SELECT role, count(*) FROM users GROUP BY role").fetchall())
    assert roles == {"ADMIN": 1, "TELLER": summary.tellers, "USER": 60 - 1 - summary.tellers}
    assert 1 <= summary.tellers <= 8
    assert conn.execute("SELECT count(DISTINCT password_hash) FROM users").fetchone()[0] == 1
    names = [r[0] for r in conn.execute("SELECT name FROM users")]
    assert all(len(n.split()) == 2 for n in names)
    session = pf.login(summary.admin_email, DEMO_PASSWORD)
    assert session.role == "ADMIN"
    teller = pf.login(summary.teller_email, DEMO_PASSWORD)
    assert pf.list_users(teller, role="USER", limit=5).items


def test_every_kind_of_movement_and_outcome_is_there(filled):
    _, summary, conn = filled
    kinds = {tuple(r) for r in conn.execute("SELECT DISTINCT type, status FROM transactions")}
    for kind in [("DEPOSIT", "SUCCESS"), ("DEPOSIT", "FAILED"), ("WITHDRAWAL", "SUCCESS"),
                 ("TRANSFER", "SUCCESS"), ("TRANSFER", "FAILED")]:
        assert kind in kinds
    codes = {r[0] for r in conn.execute("SELECT DISTINCT failure_code FROM transactions WHERE status = 'FAILED'")}
    assert {"REJECTED", "INSUFFICIENT_FUNDS"} <= codes
    assert sum(summary.by_type_status.values()) == 3_000


def test_a_transfer_is_two_rows_and_one_journal_entry(filled):
    _, _, conn = filled
    rows = conn.execute(
        "SELECT transfer_ref, count(*) AS n, count(DISTINCT journal_entry_id) AS entries, sum(amount * (direction ="
        " 'CREDIT')) AS credit, sum(amount * (direction = 'DEBIT')) AS debit FROM transactions"
        " WHERE type = 'TRANSFER' AND status = 'SUCCESS' GROUP BY transfer_ref").fetchall()
    assert rows and all(r["n"] == 2 and r["entries"] == 1 and r["credit"] == r["debit"] for r in rows)
    legs = conn.execute("SELECT count(*) FROM postings p JOIN transactions t ON t.journal_entry_id = p.entry_id"
                        " WHERE t.reference = ?", (rows[0]["transfer_ref"] + "-D",)).fetchone()[0]
    assert legs == 2


def test_times_spread_over_ninety_days_of_the_business_clock(filled, clock):
    pf, summary, conn = filled
    first, last = (from_iso(v) for v in conn.execute(
        "SELECT min(created_at), max(created_at) FROM transactions").fetchone())
    now = pf.now()
    assert now - timedelta(days=91) <= first < now - timedelta(days=80)
    assert now - timedelta(days=3) < last <= now
    # Journal entries are chained in time order, and a deposit is settled after it was asked for.
    times = [r[0] for r in conn.execute("SELECT created_at FROM journal_entries ORDER BY id")]
    assert times == sorted(times)
    assert conn.execute("SELECT count(*) FROM transactions WHERE updated_at < created_at").fetchone()[0] == 0
    pending = conn.execute("SELECT min(created_at) FROM transactions WHERE status = 'PENDING'").fetchone()[0]
    assert pending is None or from_iso(pending) > now - timedelta(hours=24)


def test_outflows_stay_under_the_step_up_threshold(filled):
    _, _, conn = filled
    biggest = conn.execute("SELECT max(amount) FROM transactions WHERE type IN ('TRANSFER', 'WITHDRAWAL')"
                           " AND status = 'SUCCESS'").fetchone()[0]
    assert biggest < 5_000_000


def test_the_demo_data_is_usable_through_the_service(filled):
    pf, summary, conn = filled
    email = conn.execute("SELECT u.email FROM users u JOIN wallets w ON w.user_id = u.id"
                         " WHERE u.role = 'USER' AND w.frozen = 0 ORDER BY w.balance DESC LIMIT 1").fetchone()[0]
    holder = pf.login(email, DEMO_PASSWORD)
    page = pf.history(holder, limit=10)
    assert len(page.items) == 10
    before = pf.balance(holder)
    other = conn.execute("SELECT email FROM users WHERE role = 'USER' AND email <> ? LIMIT 1", (email,)).fetchone()[0]
    pf.transfer(holder, other, 100)
    assert pf.balance(holder) == before - 100
    assert pf.verify().ok


def test_the_same_seed_gives_the_same_data(tmp_path, clock):
    sums = []
    for name in ("a.db", "b.db"):
        pf = PayFlow.open(tmp_path / name, clock=clock, password_hasher=FAST_HASHER, sandbox=True)
        summary = pf.demo(20, 500, seed=5)
        pf.close()
        conn = sqlite3.connect(tmp_path / name)
        sums.append((summary.by_type_status, conn.execute(
            "SELECT group_concat(reference || amount || status, ',') FROM transactions").fetchone()[0],
            conn.execute("SELECT group_concat(email) FROM users").fetchone()[0]))
        conn.close()
    assert sums[0] == sums[1]


def test_refused_on_a_normal_database(bank):
    pf = bank.pf
    before = pf.verify().checked
    with pytest.raises(E.NotSandbox):
        pf.demo(20, 100)
    assert pf.verify().checked == before


def test_refused_on_a_sandbox_that_already_has_transactions_but_not_one_with_users(sandbox):
    sandbox.create_first_admin("me@bank.test", "Me", PASSWORD)
    summary = sandbox.demo(10, 100, seed=1)
    assert summary.admin_email == "admin@payflow.example"
    assert sandbox.verify().ok
    with pytest.raises(E.Conflict):
        sandbox.demo(10, 100)


@pytest.mark.parametrize("users, transactions", [(3, 10), (0, 10), (10, -1), (True, 10), (10, 1.5)])
def test_bad_sizes(sandbox, users, transactions):
    with pytest.raises(E.InvalidInput):
        sandbox.demo(users, transactions)


def test_zero_transactions_makes_only_people(sandbox):
    summary = sandbox.demo(5, 0)
    assert summary.transactions == 0 and summary.users == 5 and sandbox.verify().ok


def test_the_report_summary_is_rebuilt_and_its_triggers_are_back(filled):
    pf, _, conn = filled
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"report_volume_inserted", "report_volume_settled"} <= triggers
    kept = conn.execute("SELECT quarter, type, currency, count, amount FROM report_volume"
                        " ORDER BY 1, 2, 3").fetchall()
    expected = conn.execute(
        "SELECT CAST(strftime('%s', substr(updated_at, 1, 16)) AS INTEGER) / 900, type, currency, count(*),"
        " sum(amount) FROM transactions WHERE status = 'SUCCESS' AND NOT (type = 'TRANSFER' AND"
        " direction = 'CREDIT') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    assert kept and [tuple(r) for r in kept] == [tuple(r) for r in expected]
    total = conn.execute("SELECT sum(amount) FROM transactions WHERE type = 'DEPOSIT'"
                         " AND status = 'SUCCESS'").fetchone()[0]
    assert conn.execute("SELECT sum(amount) FROM report_volume WHERE type = 'DEPOSIT'").fetchone()[0] == total


def _indexes(conn) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")}


def test_the_indexes_dropped_for_the_load_are_all_back(tmp_path, clock):
    pf = PayFlow.open(tmp_path / "s.db", clock=clock, password_hasher=FAST_HASHER, sandbox=True)
    conn = sqlite3.connect(tmp_path / "s.db")
    before = _indexes(conn)
    pf.demo(20, 500, seed=3)
    assert _indexes(conn) == before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    pf.close()


def _contents(path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                     for table in ("users", "wallets", "transactions", "journal_entries", "postings"))
    finally:
        conn.close()


def test_the_simulation_in_its_own_process_makes_the_same_rows(tmp_path, clock, monkeypatch):
    from payflow_tui.services import demo_process

    made = []
    for name, process_from in (("inline.db", 10**9), ("process.db", 0)):
        monkeypatch.setattr(demo_process, "PROCESS_FROM", process_from)
        pf = PayFlow.open(tmp_path / name, clock=clock, password_hasher=FAST_HASHER, sandbox=True)
        summary = pf.demo(40, 2_000, seed=8)
        assert pf.verify().ok
        pf.close()
        made.append((summary.by_type_status, summary.journal_entries, _contents(tmp_path / name)[2:]))
    assert made[0] == made[1]
    assert len(made[0][2][0]) == 2_000


def test_a_failed_write_stops_the_simulation_and_keeps_nothing(sandbox, monkeypatch):
    from payflow_tui.services import demo_process, demo_writer

    monkeypatch.setattr(demo_process, "PROCESS_FROM", 0)
    batches = []

    def failing(conn, message):
        batches.append(message[0])
        if message[0] == "rows":
            raise sqlite3.IntegrityError("disk says no")

    monkeypatch.setattr(demo_writer, "write", failing)
    with pytest.raises(sqlite3.IntegrityError):
        sandbox.demo(40, 30_000, seed=2)
    assert batches == ["people", "rows"]
    conn = sqlite3.connect(sandbox.path)
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'transactions_wallet'").fetchone()[0] == 1
    conn.close()
    import multiprocessing

    assert not [c for c in multiprocessing.active_children() if c.name == "payflow-demo-builder"]


def test_a_simulation_that_dies_is_reported_and_keeps_nothing(sandbox, monkeypatch):
    import multiprocessing
    import os
    import signal

    from payflow_tui.services import demo_process

    monkeypatch.setattr(demo_process, "PROCESS_FROM", 0)

    def kill_the_builder(_message):
        for child in multiprocessing.active_children():
            if child.name == "payflow-demo-builder":
                os.kill(child.pid, signal.SIGKILL)
                child.join()

    with pytest.raises(demo_process.DemoBuildFailed, match="stopped unexpectedly"):
        demo_process.build(_start(sandbox), __import__("random").Random(1), kill_the_builder, 40, 30_000)


def _start(pf):
    with pf._write() as conn:
        return pf._demo_start(conn, "hash")


def test_a_simulation_that_fails_says_why(sandbox, monkeypatch):
    import dataclasses
    import random

    from payflow_tui.services import demo_process

    monkeypatch.setattr(demo_process, "PROCESS_FROM", 0)
    broken = dataclasses.replace(_start(sandbox), settings={})
    with pytest.raises(demo_process.DemoBuildFailed, match="KeyError: 'default_currency'"):
        demo_process.build(broken, random.Random(1), lambda _m: None, 40, 1_000)
