"""A small thread that runs delivery passes every few seconds, on its own.

The scheduler loop calls ``PayFlow.deliver_due_webhooks`` itself; this worker
is for a process that wants delivery without the scheduler (a test, a tool).
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class WebhookWorker:
    """``WebhookWorker(pf).start()`` ... ``stop()``; ``wake()`` runs a pass now."""

    def __init__(self, pf, *, interval: float = 2.0, limit: int = 50) -> None:
        self.pf = pf
        self.interval = interval
        self.limit = limit
        self.passes = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "WebhookWorker":
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="payflow-webhooks", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """Deliver now rather than at the next tick (after a commit that emitted events)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pf.deliver_due_webhooks(limit=self.limit)
            except Exception:  # one bad pass must not end delivery for good
                log.exception("webhook delivery pass failed")
            self.passes += 1
            self._wake.wait(self.interval)
            self._wake.clear()

    def __enter__(self) -> "WebhookWorker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
