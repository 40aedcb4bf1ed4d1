"""A running export: what is being written, a progress bar, and Escape to cancel.

The export runs in a thread worker. The service calls ``progress(written,
total)`` on that thread after each batch; the panel hands the figures to the
UI thread with ``call_from_thread``, and raises from the callback once the
user has cancelled, which makes the service stop and remove its partial file.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from typing import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from ...services.report_views import ExportResult

Progress = Callable[[int, int], None]

# Seconds between updates of the bar: each update waits for the UI thread, and a
# batch every few milliseconds would make the export wait on the screen.
UPDATE_EVERY = 0.2


class ExportCancelled(Exception):
    """Raised from the progress callback to stop an export the user cancelled."""


class ExportPanel(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cancel = threading.Event()
        self._what = ""
        self.running = False

    def compose(self) -> ComposeResult:
        yield Label("", id="export-what")
        yield ProgressBar(total=None, show_eta=False, id="export-bar")
        yield Label("Escape cancels", id="export-hint")

    def on_mount(self) -> None:
        self.display = False

    def on_unmount(self) -> None:
        # Leaving the screen (a sign-out) stops the export rather than finishing it unseen.
        self._cancel.set()

    def start(self, what: str, job: Callable[[Progress], ExportResult],
              on_done: Callable[[ExportResult | None], None]) -> None:
        """Run ``job(progress)`` in a worker; ``on_done`` gets its result, or None if cancelled.

        Errors are shown by the app as sentences; the panel hides either way.
        """
        cancel = self._cancel = threading.Event()
        app = self.app
        self.running = True
        self.display = True
        self._what = what
        self.query_one("#export-what", Label).update(what)
        self.query_one("#export-hint", Label).update("Escape cancels")
        self.query_one(ProgressBar).update(total=None, progress=0)

        shown_at = [0.0]

        def progress(written: int, total: int) -> None:
            if cancel.is_set():
                raise ExportCancelled()
            now = time.monotonic()
            if written and now - shown_at[0] < UPDATE_EVERY:
                return
            shown_at[0] = now
            app.call_from_thread(self._progress, written, total)

        def run() -> ExportResult | None:
            try:
                result = job(progress)
                if cancel.is_set():  # cancelled after the last batch: still no file
                    result.path.unlink(missing_ok=True)
                    return None
                return result
            except ExportCancelled:
                return None
            finally:
                with suppress(RuntimeError):  # the app is closing
                    app.call_from_thread(self._stopped)

        app.call_service(run, on_done=on_done, group="export")  # type: ignore[attr-defined]

    def cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.query_one("#export-hint", Label).update("Cancelling…")

    def _progress(self, written: int, total: int) -> None:
        if self._cancel.is_set():
            return
        self.query_one("#export-what", Label).update(f"{self._what} {total:,} row{'' if total == 1 else 's'}")
        # Until the first batch arrives (the database may sort the rows first) the bar
        # stays indeterminate: it is working, and 0% would look stuck.
        if written:
            self.query_one(ProgressBar).update(total=max(total, 1), progress=written)

    def _stopped(self) -> None:
        self.running = False
        if self.is_attached:
            self.display = False
            self.screen.refresh_bindings()
