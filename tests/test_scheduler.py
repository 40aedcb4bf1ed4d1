"""The scheduler: missed runs, the lease, run records, admin calls, the task extension point, the loops."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from tests.conftest import FAST_HASHER, Bank
from tests.subs_support import GOLD_PRICE, add_customers, advance, assert_money_conserved, charges, relogin

from payflow_tui.clock import to_iso
from payflow_tui.services import PayFlow, ScheduledTask, Scheduler
from payflow_tui.services import errors as E
from payflow_tui.services.scheduler import SchedulerMixin

UTC = timezone.utc


def runs(pf, status: str | None = None) -> list:
    sql = "SELECT * FROM scheduler_runs" + (" WHERE status = ?" if status else "") + " ORDER BY id"
    return pf._conn().execute(sql, (status,) if status else ()).fetchall()


def wait_for(condition, timeout: float = 20.0) -> None:
    """Poll until ``condition()`` holds; the deadline only guards a hung test."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_runs_missed_while_nothing_ran_happen_once_at_the_next_start(bank, clock):
    pf = bank.pf
    loop = Scheduler(pf)
    loop.step()
    assert [r["covers_fire"][:16] for r in runs(pf)] == ["2026-01-14T23:00"]
    loop.step()
    assert len(runs(pf)) == 1
    advance(bank, clock, days=5)  # five midnights pass with no scheduler running
    assert pf.scheduler_status(bank.admin).owed_fire == datetime(2026, 1, 19, 23, tzinfo=UTC)
    loop.step()
    loop.step()
    assert [r["covers_fire"][:16] for r in runs(pf)] == ["2026-01-14T23:00", "2026-01-19T23:00"]
    assert pf.scheduler_status(bank.admin).owed_fire is None


def test_each_run_is_recorded_with_its_counts(bank, clock):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 2 * GOLD_PRICE)
    bank.fund(bank.bola, GOLD_PRICE)
    pf.subscribe(bank.ada, "Gold")
    pf.subscribe(bank.bola, "Gold")
    stale = pf.request_deposit(bank.ada, 5_000)
    clock.advance(days=30)
    run = pf.run_scheduled_work(holder="cron")
    assert (run.status, run.trigger, run.holder) == ("DONE", "MANUAL", "cron")
    assert (run.charged, run.suspended, run.expired, run.errors) == (1, 1, 0, 0)
    assert run.counts()["deposits_expired"] == 1 and run.counts()["amount_charged"] == "1500.00"
    assert run.started_at == run.finished_at == clock.now
    row = runs(pf)[0]
    assert (row["charged"], row["suspended"]) == (1, 1)
    assert json.loads(row["details"])["renewals"]["checked"] == 2
    relogin(bank)
    assert pf.get_transaction(bank.ada, stale.reference).failure_code == "EXPIRED"
    assert pf._conn().execute("SELECT count(*) FROM scheduler_lease").fetchone()[0] == 0  # let go


def test_one_runner_at_a_time_and_a_dead_runner_is_replaced_after_its_lease(bank, clock, db_path):
    pf = bank.pf
    other = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    assert pf._take_lease("first", 60)
    with pf._write() as conn:  # first is part-way through a run when it dies
        conn.execute("INSERT INTO scheduler_runs (trigger, holder, covers_fire, started_at, status)"
                     " VALUES ('SCHEDULE', 'first', ?, ?, 'RUNNING')", (to_iso(clock.now),) * 2)
    assert not other._take_lease("second", 60)
    with pytest.raises(E.SchedulerBusy, match="in progress"):
        other.run_scheduled_work(holder="second", wait=0.05)
    assert Scheduler(other, holder="second").step() == 1.0  # busy: it looks again a tick later
    assert len(runs(pf)) == 1
    assert pf.scheduler_status(bank.admin).lease_holder == "first"
    clock.advance(seconds=61)
    run = other.run_scheduled_work(holder="second")
    assert run.status == "DONE"
    assert [r["status"] for r in runs(pf)] == ["ABANDONED", "DONE"]
    assert not pf._renew_lease("first", 60)  # it cannot come back and act
    other.close()


def test_a_stopped_run_is_interrupted_between_subscriptions_and_the_next_run_finishes_it(bank, clock):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    emails = add_customers(pf, bank.admin, bank.teller, 4, balance=2 * GOLD_PRICE)
    subs = [pf.subscribe(bank.teller, "Gold", for_email=e) for e in emails]
    clock.advance(days=30)
    calls = itertools.count()
    # keep_alive is asked before each task and before each subscription: stop at the second subscription.
    run = pf.run_scheduled_work(should_stop=lambda: next(calls) >= 3)
    assert (run.status, run.charged) == ("INTERRUPTED", 0)  # the renewal task's counts are lost with it
    assert sum(len(charges(pf, s.id)) for s in subs) == 5
    relogin(bank)
    assert pf.scheduler_status(bank.admin).owed_fire is not None  # an interrupted run covers nothing
    loop = Scheduler(pf)
    loop.step()
    assert loop.last_run.status == "DONE" and loop.last_run.charged == 3
    assert [len(charges(pf, s.id)) for s in subs] == [2, 2, 2, 2]
    assert_money_conserved(pf)


def test_run_now_and_status_are_for_admins(bank, clock):
    pf = bank.pf
    for session in (bank.teller, bank.ada):
        with pytest.raises(E.PermissionDenied):
            pf.run_now(session)
        with pytest.raises(E.PermissionDenied):
            pf.scheduler_status(session)
        with pytest.raises(E.PermissionDenied):
            pf.scheduler_runs(session)
    assert pf.scheduler_status(bank.admin).last_run is None
    run = pf.run_now(bank.admin)
    status = pf.scheduler_status(bank.admin)
    assert status.last_run == run and not status.running and status.lease_holder is None
    assert status.next_run_at == datetime(2026, 1, 15, 23, tzinfo=UTC)
    assert [t.name for t in status.tasks] == ["expire_deposits", "renewals", "wallet_integrity",
                                              "webhook_delivery"]
    assert status.to_json()["last_run"]["status"] == "DONE"
    assert [r.id for r in pf.scheduler_runs(bank.admin)] == [run.id]
    details = json.loads(pf._conn().execute(
        "SELECT details FROM audit_log WHERE action = 'SCHEDULER_RUN_NOW'").fetchone()[0])
    assert details["run_id"] == run.id and details["charged"] == 0


class _Extras(SchedulerMixin):
    """A later feature's periodic work, added without touching the scheduler."""

    def _scheduler_tasks(self):
        tasks = super()._scheduler_tasks()
        tasks.append(ScheduledTask("integrity", self._integrity))
        tasks.append(ScheduledTask("webhooks", self._webhooks, every=timedelta(seconds=5)))
        tasks.append(ScheduledTask("broken", self._broken))
        return tasks

    def _integrity(self, keep_alive):
        self.calls["integrity"] += 1
        return {"problems": 0}

    def _webhooks(self, keep_alive):
        self.calls["webhooks"] += 1

    def _broken(self, keep_alive):
        raise ValueError("no such table: alerts")


class _ExtendedPayFlow(_Extras, PayFlow):
    pass


def test_features_add_periodic_work_through_the_task_list(db_path, clock):
    pf = _ExtendedPayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    pf.calls = {"integrity": 0, "webhooks": 0}
    assert [t.name for t in pf._scheduler_tasks()] == ["expire_deposits", "renewals", "wallet_integrity",
                                                       "webhook_delivery", "integrity",
                                                       "webhooks", "broken"]
    loop = Scheduler(pf, tick=30)
    assert loop.step() == 5.0  # the core's delivery pass and ours are next due in five seconds
    assert pf.calls == {"integrity": 1, "webhooks": 1}
    run = loop.last_run
    assert run.status == "DONE" and run.errors == 1
    assert run.details["broken"]["error"] == "ValueError: no such table: alerts"
    assert run.details["integrity"] == {"problems": 0}
    clock.advance(seconds=3)
    loop.step()
    assert pf.calls == {"integrity": 1, "webhooks": 1}
    clock.advance(seconds=2)
    loop.step()
    assert pf.calls == {"integrity": 1, "webhooks": 2}  # on its own interval, not the cron schedule
    clock.advance(seconds=5)
    keep_alive = pf._keeper("someone", check_every=0)  # a long run lets interval work through
    keep_alive()
    assert pf.calls == {"integrity": 1, "webhooks": 3}
    clock.now = datetime(2026, 1, 15, 23, tzinfo=UTC)
    loop.step()
    assert pf.calls["integrity"] == 2
    state = pf._conn().execute("SELECT last_status FROM scheduler_task_state WHERE name = 'webhooks'").fetchone()
    assert state[0] == "OK"
    pf.close()


def test_the_loop_in_a_thread_runs_due_work_and_stops_on_request(bank, clock):
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.fund(bank.ada, 2 * GOLD_PRICE)
    sub = pf.subscribe(bank.ada, "Gold")
    stop = threading.Event()
    loop = Scheduler(pf, tick=0.02)
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    try:
        wait_for(lambda: loop.runs == 1)
        clock.advance(days=30)
        wait_for(lambda: loop.runs == 2)
        assert len(charges(pf, sub.id)) == 2
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()


def test_the_loop_as_an_asyncio_task(bank, clock):
    pf = bank.pf

    async def main() -> Scheduler:
        stop = asyncio.Event()
        loop = Scheduler(pf, tick=0.02)
        task = asyncio.create_task(loop.run_async(stop))
        while loop.runs < 1:
            await asyncio.sleep(0.01)  # the event loop stays free while the work runs in a thread
        stop.set()
        await asyncio.wait_for(task, timeout=20)
        return loop

    loop = asyncio.run(main())
    assert loop.runs == 1 and runs(pf, "DONE")[0]["trigger"] == "SCHEDULE"


def test_on_a_sandbox_moving_the_clock_renews_exactly_as_real_time_would(tmp_path, clock):
    def world(name: str, sandbox: bool):
        pf = PayFlow.open(tmp_path / name, clock=clock, password_hasher=FAST_HASHER, sandbox=sandbox)
        bank = Bank(pf)
        pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
        pf.create_plan(bank.admin, "Weekly", 20_000, 7)
        bank.fund(bank.ada, 5 * GOLD_PRICE)
        bank.fund(bank.bola, 3 * 20_000)
        return pf, bank, [pf.subscribe(bank.ada, "Gold").id, pf.subscribe(bank.bola, "Weekly").id]

    start = clock.now
    sandbox, sandbox_bank, sandbox_subs = world("sandbox.db", True)
    loop = Scheduler(sandbox)
    for jump in ("3d", "40d", "1d", "12d", "70d"):
        sandbox.advance_clock(sandbox_bank.admin, jump)  # wall time stands still, so sessions stay valid
        loop.step()
    clock.now = start
    real, _, real_subs = world("real.db", False)
    real_loop = Scheduler(real)
    for _ in range(126 * 24):  # an hour at a time through the same 126 days
        clock.advance(hours=1)
        real_loop.step()
    for s, r in zip(sandbox_subs, real_subs):
        assert charges(sandbox, s) == charges(real, r)
    assert [len(charges(real, r)) for r in real_subs] == [5, 3]
    assert_money_conserved(sandbox)
    assert_money_conserved(real)
    sandbox.close()
    real.close()


class _SelfClaiming(SchedulerMixin):
    """Work that claims its own rows, so two processes may run it at once."""

    def _scheduler_tasks(self):
        tasks = super()._scheduler_tasks()
        tasks.append(ScheduledTask("outbound", self._outbound, every=timedelta(seconds=2), exclusive=False))
        return tasks

    def _outbound(self, keep_alive):
        self.passes.append(self._base_clock())
        return {"sent": len(self.passes) - 1}


class _SelfClaimingPayFlow(_SelfClaiming, PayFlow):
    pass


def test_non_exclusive_interval_work_needs_no_lease_and_an_idle_pass_writes_nothing(db_path, clock):
    pf = _SelfClaimingPayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    pf.passes = []
    other = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    assert other._take_lease("elsewhere", 60)  # another process is in the middle of a run
    loop = Scheduler(pf, tick=30)
    assert loop.step() == 2.0 and len(pf.passes) == 1  # it ran anyway; the cron work waits
    assert pf._conn().execute("SELECT count(*) FROM scheduler_task_state").fetchone()[0] == 0
    clock.advance(seconds=1)
    loop.step()
    assert len(pf.passes) == 1
    clock.advance(seconds=1)
    loop.step()
    assert len(pf.passes) == 2  # this pass sent something, so it is on record
    state = pf._conn().execute("SELECT name, last_status FROM scheduler_task_state").fetchall()
    assert [tuple(r) for r in state] == [("outbound", "OK")]
    assert runs(pf) == []
    other.close()
    pf.close()
