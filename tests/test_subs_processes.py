"""Several processes on one file: two schedulers at once, two renewal runs at once,
a run killed with SIGKILL half-way and run again. One charge per period throughout."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest
from tests.conftest import FAST_HASHER, Bank
from tests.subs_support import GOLD_PRICE, add_customers, assert_money_conserved

from payflow_tui.services import PayFlow

pytestmark = pytest.mark.slow

CUSTOMERS = 300


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A sandbox where every customer's first renewal is due: built once, copied per test."""
    path = tmp_path_factory.mktemp("subs") / "template.db"
    pf = PayFlow.open(path, password_hasher=FAST_HASHER, sandbox=True)
    bank = Bank(pf)
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    emails = add_customers(pf, bank.admin, bank.teller, CUSTOMERS, balance=2 * GOLD_PRICE)
    for email in emails:
        pf.subscribe(bank.teller, "Gold", for_email=email)
    pf.advance_clock(bank.admin, "31d")
    pf._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pf.close()
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "payflow.db"
    shutil.copy(template, path)
    return path


def payflow(db, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "payflow_tui", "--db", str(db), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count(db, sql: str) -> int:
    pf = PayFlow.open(db)
    try:
        return pf._conn().execute(sql).fetchone()[0]
    finally:
        pf.close()


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def assert_each_period_charged_once(db) -> None:
    pf = PayFlow.open(db)
    try:
        per_sub = pf._conn().execute(
            "SELECT count(*), count(DISTINCT period_start), min(period_index), max(period_index)"
            " FROM subscription_charges GROUP BY subscription_id").fetchall()
        assert len(per_sub) == CUSTOMERS
        assert {tuple(r) for r in per_sub} == {(2, 2, 0, 1)}
        assert_money_conserved(pf)
    finally:
        pf.close()


def test_two_schedulers_at_once_make_one_run_and_one_charge_per_period(db):
    first = payflow(db, "scheduler", "--tick", "0.05", "--holder", "first")
    second = payflow(db, "scheduler", "--tick", "0.05", "--holder", "second")
    try:
        wait_for(lambda: count(db, "SELECT count(*) FROM scheduler_runs WHERE status = 'DONE'") == 1)
        time.sleep(0.5)  # give the other loop its chances to (wrongly) run the same fire again
    finally:
        first.send_signal(signal.SIGINT)
        second.send_signal(signal.SIGTERM)
        out1, err1 = first.communicate(timeout=60)
        out2, err2 = second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    assert "stopped by SIGINT" in out1 and "stopped by SIGTERM" in out2
    assert (out1 + out2).count(f"charged {CUSTOMERS} ") == 1
    assert count(db, "SELECT count(*) FROM scheduler_runs") == 1
    assert count(db, "SELECT count(*) FROM scheduler_lease") == 0
    assert_each_period_charged_once(db)


def test_two_renewal_runs_at_once_without_the_lease_still_charge_once(db, tmp_path):
    go = tmp_path / "go"
    code = (
        "import json, os, sys, time\n"
        "from payflow_tui.services import PayFlow\n"
        "pf = PayFlow.open(sys.argv[1])\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.001)\n"
        "print(json.dumps(pf.run_renewals().to_json()))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(go)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert sum(r["charged"] for r in results) == CUSTOMERS
    assert sum(r["errors"] for r in results) == 0
    assert_each_period_charged_once(db)


def test_a_run_killed_half_way_and_run_again_charges_each_period_once(db):
    before = CUSTOMERS  # the first periods, charged when subscribing
    killed = payflow(db, "renew")
    wait_for(lambda: count(db, "SELECT count(*) FROM subscription_charges") >= before + 30)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    done = count(db, "SELECT count(*) FROM subscription_charges") - before
    assert 30 <= done < CUSTOMERS, "the run was not killed half-way"
    assert count(db, "SELECT count(*) FROM scheduler_runs WHERE status = 'RUNNING'") == 1
    pf = PayFlow.open(db)
    assert pf.verify().ok  # the kill left no half-written renewal
    pf.close()

    rerun = subprocess.run([sys.executable, "-m", "payflow_tui", "--db", str(db), "--json", "renew"],
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["charged"] == CUSTOMERS - done and result["errors"] == 0
    assert count(db, "SELECT group_concat(status) FROM (SELECT status FROM scheduler_runs ORDER BY id)") \
        == "ABANDONED,DONE"
    assert_each_period_charged_once(db)


def test_sigterm_during_a_run_stops_it_between_subscriptions(db):
    proc = payflow(db, "scheduler", "--tick", "0.05")
    wait_for(lambda: count(db, "SELECT count(*) FROM subscription_charges") >= CUSTOMERS + 30)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped by SIGTERM" in out
    assert count(db, "SELECT count(*) FROM scheduler_runs WHERE status = 'INTERRUPTED'") == 1
    pf = PayFlow.open(db)
    assert pf.verify().ok
    run = pf.run_scheduled_work()
    assert run.status == "DONE"
    pf.close()
    assert_each_period_charged_once(db)
