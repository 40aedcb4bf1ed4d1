"""``Scheduler``: the loop that runs the periodic work, in a thread or an asyncio task.

    stop = threading.Event()
    Scheduler(pf).run(stop)                    # blocks until stop is set

    await Scheduler(pf).run_async(stop_event)  # an asyncio.Event; work runs in a thread

Each step runs the interval tasks that need no lease, then asks whether a cron
run is owed or an exclusive interval task is due; if so it takes the lease,
re-checks under it (another process may just have run), does the work and lets
the lease go. Between steps it sleeps until the next due
time, at most ``tick`` seconds, so a sandbox clock moved by another process is
noticed within a tick.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from .scheduler import LEASE_SECONDS, RunStopped, default_holder
from .scheduler_views import RunView

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, pf, *, holder: str | None = None, tick: float = 1.0,
                 lease_seconds: float = LEASE_SECONDS,
                 on_run: Callable[[RunView], None] | None = None) -> None:
        if tick <= 0:
            raise ValueError("tick must be positive")
        self.pf = pf
        self.holder = holder or default_holder()
        self.tick = tick
        self.lease_seconds = lease_seconds
        self.on_run = on_run
        self.runs = 0
        self.last_run: RunView | None = None
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask the loop to stop; a run in progress ends after its current step."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _should_stop(self) -> bool:
        return self._stop.is_set()

    def step(self) -> float:
        """Do whatever is due now; returns how many seconds to sleep before the next step."""
        pf = self.pf
        pf._run_interval_tasks(self._should_stop, exclusive=False)
        shared_wait = pf._interval_due(exclusive=False)[1]
        owed = pf._owed_fire()
        interval_due, interval_wait = pf._interval_due()
        if owed is not None or interval_due:
            if not pf._take_lease(self.holder, self.lease_seconds):
                # Another process is running; look again shortly.
                return min(w for w in (self.tick, shared_wait) if w is not None)
            try:
                pf._run_interval_tasks(self._should_stop)
                fire = pf._owed_fire()  # again, under the lease
                if fire is not None:
                    keep_alive = pf._keeper(self.holder, lease_seconds=self.lease_seconds,
                                            check_every=min(self.tick, 1.0), should_stop=self._should_stop)
                    run = pf._execute_run(self.holder, "SCHEDULE", fire, keep_alive)
                    self.runs += 1
                    self.last_run = run
                    if self.on_run is not None:
                        self.on_run(run)
            finally:
                pf._release_lease(self.holder)
            interval_wait = pf._interval_due()[1]
        waits = [self.tick, pf._seconds_to_next_fire()]
        waits += [w for w in (interval_wait, shared_wait) if w is not None]
        return max(0.0, min(waits))

    def run(self, stop: threading.Event | None = None) -> None:
        """Loop until ``stop`` (or ``self.stop()``) is set. A failed step is logged and retried."""
        if stop is not None:
            self._stop = stop
        while not self._stop.is_set():
            try:
                delay = self.step()
            except RunStopped:
                delay = 0.0
            except Exception:  # a locked or unreachable database must not end the loop
                log.exception("scheduler step failed")
                delay = self.tick
            self._stop.wait(delay)

    async def run_async(self, stop: asyncio.Event | None = None) -> None:
        """The same loop as an asyncio task. Each step runs in one worker thread of
        its own (one database connection), so the event loop and the app's
        screens never wait for it."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()

        async def relay() -> None:  # a long run checks the thread-safe flag between its steps
            await stop.wait()
            self._stop.set()

        relay_task = asyncio.create_task(relay())
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="payflow-scheduler") as worker:
            try:
                while not self._stop.is_set():
                    try:
                        delay = await loop.run_in_executor(worker, self.step)
                    except RunStopped:
                        delay = 0.0
                    except Exception:
                        log.exception("scheduler step failed")
                        delay = self.tick
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=delay)
                    except asyncio.TimeoutError:
                        pass
            finally:
                self._stop.set()  # a step still running ends after its current subscription
                relay_task.cancel()
