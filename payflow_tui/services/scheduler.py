"""The scheduler: periodic work driven by croniter, one runner at a time across processes.

Work is a list of ``ScheduledTask`` from ``_scheduler_tasks()``. A feature adds
its own by subclassing ``SchedulerMixin`` and extending the list through
``super()``; nothing here changes. A task with ``every=None`` runs in each
cron run (the ``scheduler_cron`` setting, read in the ``timezone`` setting);
a task with ``every`` runs that often (wall time), between cron runs and
between the steps of a long one.

Only the holder of the lease row acts (interval tasks marked
``exclusive=False`` excepted). It is taken with BEGIN IMMEDIATE, renewed
while running and released after. Runs are recorded in
``scheduler_runs``; a run covers the latest cron fire time at its start, so
fire times missed while nothing ran are answered once, at the next start.
``Scheduler`` (scheduler_loop.py) is the loop the app and ``payflow scheduler`` run.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from ..clock import from_iso, to_iso
from . import errors as E
from .admin import register_setting
from .base import Session
from .cron import DEFAULT_SCHEDULE, latest_fire, next_fire, valid_schedule, zone
from .scheduler_lease import LEASE, LEASE_SECONDS, LeaseMixin, default_holder
from .scheduler_views import RunView, SchedulerStatus, TaskState, run_view

log = logging.getLogger(__name__)

register_setting("scheduler_cron", DEFAULT_SCHEDULE, valid_schedule,
                 "a five-field cron expression such as 0 0 * * * (midnight) or */15 * * * *")

KeepAlive = Callable[[], None]
_COUNTED = ("charged", "suspended", "expired", "errors")


@dataclass(frozen=True)
class ScheduledTask:
    """A piece of periodic work: ``run(keep_alive)`` returns counts (a dict) or None.

    A long task calls ``keep_alive()`` between its steps (never inside a
    transaction): it renews the lease, lets interval tasks run, and raises
    ``RunStopped`` when the runner must stop.

    An interval task that is safe to run in two processes at once (it claims
    its own work, as webhook delivery does) says ``exclusive=False``: it then
    runs without the lease, and an idle pass writes nothing.
    """

    name: str
    run: Callable[[KeepAlive], dict | None]
    every: timedelta | None = None
    exclusive: bool = True


class RunStopped(Exception):
    """The runner was asked to stop, or lost its lease; the run ends between two steps."""


class SchedulerMixin(LeaseMixin):
    # -- the work --------------------------------------------------------------------------

    def _scheduler_tasks(self) -> list[ScheduledTask]:
        """Every periodic task. Feature mixins extend this with ``super()._scheduler_tasks()``."""
        parent = getattr(super(), "_scheduler_tasks", None)
        tasks = list(parent()) if parent else []
        tasks.append(ScheduledTask("expire_deposits", self._task_expire_deposits))
        return tasks

    def _task_expire_deposits(self, keep_alive: KeepAlive) -> dict:
        with self._write() as conn:
            return {"deposits_expired": self._expire_deposits(conn)}  # type: ignore[attr-defined]

    # -- the schedule ----------------------------------------------------------------------

    def _schedule(self, conn) -> tuple[str, str]:
        return self._setting(conn, "scheduler_cron"), self._setting(conn, "timezone")

    def _latest_fire(self, conn) -> datetime:
        expr, tz = self._schedule(conn)
        return latest_fire(expr, zone(tz), self._now(conn))

    def _owed_fire(self) -> datetime | None:
        """The latest cron fire time when no finished run covers it yet, else None."""
        with self._read() as conn:
            fire = self._latest_fire(conn)
            covered = conn.execute(
                "SELECT max(covers_fire) FROM scheduler_runs WHERE status = 'DONE'").fetchone()[0]
            return None if covered is not None and covered >= to_iso(fire) else fire

    def _seconds_to_next_fire(self) -> float:
        with self._read() as conn:
            expr, tz = self._schedule(conn)
            now = self._now(conn)
            return max(0.0, (next_fire(expr, zone(tz), now) - now).total_seconds())

    def _keeper(self, holder: str, *, lease_seconds: float = LEASE_SECONDS, check_every: float = 1.0,
                should_stop: Callable[[], bool] | None = None) -> KeepAlive:
        """The ``keep_alive`` handed to tasks: cheap unless ``check_every`` seconds passed."""
        last = {"check": time.monotonic(), "renew": time.monotonic()}

        def keep_alive() -> None:
            if should_stop is not None and should_stop():
                raise RunStopped("the runner was asked to stop")
            now = time.monotonic()
            if now - last["check"] < check_every:
                return
            last["check"] = now
            if now - last["renew"] >= lease_seconds / 3:
                if not self._renew_lease(holder, lease_seconds):
                    raise RunStopped("the scheduler lease passed to another runner")
                last["renew"] = now
            self._run_interval_tasks(should_stop, exclusive=False)
            self._run_interval_tasks(should_stop)

        return keep_alive

    # -- running ---------------------------------------------------------------------------

    def _interval_due(self, *, exclusive: bool = True) -> tuple[list[ScheduledTask], float | None]:
        """Interval tasks due now, and seconds until the next one falls due.

        Exclusive tasks go by the last run recorded in the database (whichever
        process ran it); the others by this process's own last pass.
        """
        tasks = [t for t in self._scheduler_tasks() if t.every is not None and t.exclusive == exclusive]
        if not tasks:
            return [], None
        wall = self._base_clock()
        if exclusive:
            with self._read() as conn:
                last = {r[0]: from_iso(r[1]) for r in conn.execute(
                    "SELECT name, last_run_at FROM scheduler_task_state")}
        else:
            last = self._own_passes()
        due, wait = [], None
        for task in tasks:
            at = last.get(task.name)
            left = 0.0 if at is None else (at + task.every - wall).total_seconds()
            if left <= 0:
                due.append(task)
            else:
                wait = left if wait is None else min(wait, left)
        return due, wait

    def _own_passes(self) -> dict[str, datetime]:
        passes = getattr(self, "_interval_passes", None)
        if passes is None:
            passes = self._interval_passes = {}
        return passes

    def _run_interval_tasks(self, should_stop: Callable[[], bool] | None = None, *,
                            exclusive: bool = True) -> None:
        """Run the interval tasks that are due; exclusive ones only under the lease."""
        def check() -> None:
            if should_stop is not None and should_stop():
                raise RunStopped("the runner was asked to stop")

        for task in self._interval_due(exclusive=exclusive)[0]:
            status, error, result = "OK", None, None
            try:
                result = task.run(check)
            except RunStopped:
                raise
            except Exception as exc:  # one task's failure must not stop the others
                log.exception("scheduled task %s failed", task.name)
                status, error = "ERROR", f"{type(exc).__name__}: {exc}"[:500]
            self._own_passes()[task.name] = self._base_clock()
            idle = status == "OK" and not any(
                isinstance(v, int) and not isinstance(v, bool) and v for v in (result or {}).values())
            if exclusive or not idle:
                self._record_task(task.name, status, error)

    def _record_task(self, name: str, status: str, error: str | None) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO scheduler_task_state (name, last_run_at, last_status, last_error)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at,"
                " last_status = excluded.last_status, last_error = excluded.last_error",
                (name, to_iso(self._base_clock()), status, error),
            )

    def _execute_run(self, holder: str, trigger: str, fire: datetime, keep_alive: KeepAlive) -> RunView:
        """Run each cron task once and record the run (the caller holds the lease)."""
        with self._write() as conn:
            run_id = conn.execute(
                "INSERT INTO scheduler_runs (trigger, holder, covers_fire, started_at, status)"
                " VALUES (?, ?, ?, ?, 'RUNNING')", (trigger, holder, to_iso(fire), to_iso(self._now(conn))),
            ).lastrowid
        totals = dict.fromkeys(_COUNTED, 0)
        details: dict[str, dict] = {}
        status = "INTERRUPTED"
        try:
            for task in self._scheduler_tasks():
                if task.every is not None:
                    continue
                keep_alive()
                try:
                    result = task.run(keep_alive) or {}
                except RunStopped:
                    raise
                except Exception as exc:  # one task's failure must not stop the others
                    log.exception("scheduled task %s failed", task.name)
                    result = {"errors": 1, "error": f"{type(exc).__name__}: {exc}"[:500]}
                details[task.name] = result
                for key in _COUNTED:
                    if isinstance(result.get(key), int):
                        totals[key] += result[key]
            status = "DONE"
        except RunStopped as stop:
            details["stopped"] = {"reason": str(stop)}
        finally:
            # Recorded however the run ends; anything but RunStopped still propagates.
            with self._write() as conn:
                conn.execute(
                    "UPDATE scheduler_runs SET status = ?, finished_at = ?, charged = ?, suspended = ?,"
                    " expired = ?, errors = ?, details = ? WHERE id = ?",
                    (status, to_iso(self._now(conn)), *(totals[k] for k in _COUNTED),
                     json.dumps(details, default=str), run_id),
                )
        with self._read() as conn:
            return run_view(conn.execute("SELECT * FROM scheduler_runs WHERE id = ?", (run_id,)).fetchone())

    def run_scheduled_work(self, *, holder: str | None = None, wait: float = 0.0,
                           lease_seconds: float = LEASE_SECONDS, trigger: str = "MANUAL",
                           should_stop: Callable[[], bool] | None = None) -> RunView:
        """Run every cron task once now: expire stale deposits, renew subscriptions, ...

        No session: a system task (``payflow renew`` from system cron). Waits up
        to ``wait`` seconds for the lease, then refuses with SCHEDULER_BUSY.
        """
        holder = holder or default_holder()
        deadline = time.monotonic() + max(0.0, wait)
        while not self._take_lease(holder, lease_seconds):
            if time.monotonic() >= deadline:
                raise E.SchedulerBusy("Another scheduler run is in progress; try again when it ends.")
            time.sleep(min(0.2, max(0.01, deadline - time.monotonic())))
        try:
            with self._read() as conn:
                fire = self._latest_fire(conn)
            keep_alive = self._keeper(holder, lease_seconds=lease_seconds, should_stop=should_stop)
            return self._execute_run(holder, trigger, fire, keep_alive)
        finally:
            self._release_lease(holder)

    # -- for admins --------------------------------------------------------------------------

    def run_now(self, session: Session) -> RunView:
        """Run the scheduled work at once (audited). Callers: ADMIN.

        Refuses with SCHEDULER_BUSY while another run is in progress.
        """
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
        run = self.run_scheduled_work()
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            self._audit(conn, "SCHEDULER_RUN_NOW", actor_id=actor["id"], run_id=run.id, status=run.status,
                        **run.counts())
        return run

    def scheduler_status(self, session: Session) -> SchedulerStatus:
        """The schedule, the last run and its result, the next run, who runs now. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            expr, tz = self._schedule(conn)
            now = self._now(conn)
            last = conn.execute("SELECT * FROM scheduler_runs ORDER BY id DESC LIMIT 1").fetchone()
            lease = conn.execute("SELECT holder, expires_at FROM scheduler_lease WHERE name = ?",
                                 (LEASE,)).fetchone()
            states = {r["name"]: r for r in conn.execute("SELECT * FROM scheduler_task_state")}
        owed = self._owed_fire()
        tasks = []
        for task in self._scheduler_tasks():
            st = states.get(task.name)
            tasks.append(TaskState(task.name, task.every.total_seconds() if task.every else None,
                                   from_iso(st["last_run_at"]) if st else None,
                                   st["last_status"] if st else None, st["last_error"] if st else None))
        lease_live = lease is not None and from_iso(lease["expires_at"]) > self._base_clock()
        return SchedulerStatus(
            schedule=expr, timezone=tz, now=now, next_run_at=next_fire(expr, zone(tz), now),
            owed_fire=owed, last_run=run_view(last) if last else None,
            lease_holder=lease["holder"] if lease_live else None,
            lease_expires_at=from_iso(lease["expires_at"]) if lease_live else None,
            running=lease_live, tasks=tasks,
        )

    def scheduler_runs(self, session: Session, *, limit: int = 20, before_id: int | None = None) -> list[RunView]:
        """Recent runs, newest first. Callers: ADMIN."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise E.InvalidInput("Limit must be a whole number from 1 to 1000.")
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            rows = conn.execute("SELECT * FROM scheduler_runs WHERE id < ? ORDER BY id DESC LIMIT ?",
                                (before_id or 2**62, limit)).fetchall()
            return [run_view(r) for r in rows]


# The loop lives in its own module; it is importable from here with the rest of the scheduler.
from .scheduler_loop import Scheduler  # noqa: E402

__all__ = ["LEASE_SECONDS", "RunStopped", "ScheduledTask", "Scheduler", "SchedulerMixin", "default_holder"]
