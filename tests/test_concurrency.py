"""Several processes on one file: no lost update, no unhandled "database is locked"."""

from __future__ import annotations

import multiprocessing
import queue

import pytest

from tests.conftest import PASSWORD
from tests.ledger_helpers import ledger_problems, query
from tests.ledger_workers import transfer_storm

pytestmark = pytest.mark.slow

HOT = ["ada@bank.test", "bola@bank.test", "chidi@bank.test", "dayo@bank.test"]
PROCESSES = 6   # more senders than wallets: two processes often debit the same wallet at once
ROUNDS = 60
START_BALANCE = 150_000


def test_concurrent_processes_conserve_money_and_meet_no_lock_errors(bank, db_path):
    # db_path is conftest's, on the real disk: this test is about locks and durable commits.
    pf = bank.pf
    # A storm of short balances would trip the fraud rule REPEATED_FAILURES and lock its
    # senders; this test is about locks of another kind.
    pf.set_rule(bank.admin, "REPEATED_FAILURES", enabled=False)
    for email in HOT[2:]:
        pf.create_user(bank.admin, email, email.split("@")[0].title(), PASSWORD)
    for email in HOT:
        tx = pf.request_deposit(bank.teller, START_BALANCE, for_email=email)
        pf.confirm_deposit(bank.teller, tx.reference)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = []
    for n in range(PROCESSES):
        me = HOT[n % len(HOT)]
        peers = [e for e in HOT if e != me]
        procs.append(ctx.Process(target=transfer_storm,
                                 args=(str(db_path), me, peers, ROUNDS, n, barrier, results)))
    for p in procs:
        p.start()
    reports = []
    for _ in procs:
        try:
            reports.append(results.get(timeout=300))
        except queue.Empty:
            break
    for p in procs:
        p.join(timeout=60)
        if p.is_alive():
            p.kill()
    assert len(reports) == PROCESSES, reports
    assert [r[3] for r in reports] == [[]] * PROCESSES, "a process met an error other than a business refusal"
    assert all(r[1] + r[2] == ROUNDS for r in reports)
    assert all(p.exitcode == 0 for p in procs)

    sent = sum(r[1] for r in reports)
    refused = sum(r[2] for r in reports)
    assert sent > 0
    report = pf.verify()
    assert report.ok, report.problems
    assert ledger_problems(db_path) == []
    balances = {e: pf.balance(bank.admin, for_email=e) for e in HOT}
    assert sum(balances.values()) == START_BALANCE * len(HOT)
    assert all(b >= 0 for b in balances.values())
    assert query(db_path, "SELECT count(*) FROM transactions WHERE type = 'TRANSFER' AND status = 'SUCCESS'")[0][0] \
        == 2 * sent
    assert query(db_path, "SELECT count(*) FROM transactions WHERE type = 'TRANSFER' AND status = 'FAILED'")[0][0] \
        == refused
    # Every wallet moved by exactly its transfers: credits minus debits from the rows people read.
    for email in HOT:
        credits, debits = query(
            db_path,
            "SELECT coalesce(sum(CASE WHEN direction = 'CREDIT' THEN amount END), 0),"
            " coalesce(sum(CASE WHEN direction = 'DEBIT' THEN amount END), 0)"
            " FROM transactions t JOIN wallets w ON w.id = t.wallet_id JOIN users u ON u.id = w.user_id"
            " WHERE u.email = ? AND t.type = 'TRANSFER' AND t.status = 'SUCCESS'", (email,))[0]
        assert balances[email] == START_BALANCE + credits - debits


def test_terminals_opening_a_new_file_together_meet_no_lock_error(tmp_path):
    """Six connections opening and migrating one brand-new file at once, many times over."""
    import threading

    from payflow_tui import db as dbmod

    errors: list[str] = []
    for trial in range(150):
        path = tmp_path / f"new-{trial}.db"
        barrier = threading.Barrier(6)

        def open_and_migrate():
            try:
                barrier.wait(timeout=60)
                conn = dbmod.connect(path)
                try:
                    dbmod.migrate(conn)
                finally:
                    conn.close()
            except Exception as exc:  # noqa: BLE001 - every error is a finding
                errors.append(f"trial {trial}: {type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=open_and_migrate) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        check = dbmod.connect(path)
        try:
            assert check.execute("PRAGMA user_version").fetchone()[0] == dbmod.schema_version()
        finally:
            check.close()
    assert errors == []
