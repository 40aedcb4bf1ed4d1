"""Opening and paging the history screen on a large ledger, through the real app.

The app runs headless (Textual's run_test); each figure is the time from the
key press until the page is on screen: the service call in its worker, the
table filled, the screen refreshed. Medians of many steps; the same steps on a
small ledger are the baseline, so the ratio shows what size costs. Beside the
wall-clock time, the process's CPU time for the same step (all its threads):
on a machine shared with other work the wall time stretches, the CPU time not.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..services import PayFlow
from .history_data import HEAVY_EMAIL, LIGHT_EMAIL, PASSWORD
from .screen_timing import signed_in, until


@dataclass
class HistoryFigures:
    label: str
    rows: int
    open_s: list[float] = field(default_factory=list)
    step_s: list[float] = field(default_factory=list)
    filter_s: list[float] = field(default_factory=list)
    open_cpu: list[float] = field(default_factory=list)
    step_cpu: list[float] = field(default_factory=list)
    filter_cpu: list[float] = field(default_factory=list)

    def line(self) -> str:
        def ms(wall: list[float], cpu: list[float]) -> str:
            if not wall:  # a wallet with a single page has no step to time
                return "    - ms (cpu   -)"
            return f"{statistics.median(wall) * 1000:5.0f} ms (cpu {statistics.median(cpu) * 1000:3.0f})"

        return (f"  {self.label:<28} {self.rows:>8,} rows  open {ms(self.open_s, self.open_cpu)}"
                f"  page step {ms(self.step_s, self.step_cpu)}  filter {ms(self.filter_s, self.filter_cpu)}")


class _Stopwatch:
    """Wall and CPU time of one step, appended to two lists."""

    def __init__(self, wall: list[float], cpu: list[float]) -> None:
        self.wall, self.cpu = wall, cpu

    def __enter__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc) -> None:
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(time.process_time() - self._cpu)


async def _until(pilot, done) -> None:
    await until(pilot.app, done)  # poll, then the drawn frame: never Pilot.pause() on the clock


async def _timed_press(pilot, key: str, done, watch: "_Stopwatch") -> None:
    """Time from pressing ``key`` until ``done`` holds on screen. Pilot.press() then
    waits for the app to go idle; that wait is the harness's, so it runs off the clock."""
    with watch:
        press = asyncio.create_task(pilot.press(key))
        await _until(pilot, done)
    await press


async def _measure_app(db_path: str, email: str, label: str, *, opens: int, steps: int) -> HistoryFigures:
    from textual.widgets import Input, Select

    from ..tui.screens.history import HistoryScreen
    from ..tui.widgets.tx_table import TransactionTable

    pf = PayFlow.open(db_path)
    figures = HistoryFigures(label, _wallet_rows(pf, email))
    async with signed_in(pf, pf.login(email, PASSWORD)) as (app, pilot):
        await _until(pilot, lambda: app.screen.query(TransactionTable) and
                     app.screen.query_one(TransactionTable).page is not None)
        for _ in range(opens):
            await _timed_press(pilot, "h", lambda: isinstance(app.screen, HistoryScreen)
                               and app.screen.query_one(TransactionTable).page is not None,
                               _Stopwatch(figures.open_s, figures.open_cpu))
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("h")
        await _until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                     and app.screen.query_one(TransactionTable).page is not None)
        table = app.screen.query_one(TransactionTable)
        for key in itertools.islice(itertools.cycle(["n"] * 10 + ["p"] * 10), steps):
            number = table.page_number
            if (key == "n" and not table.page.has_more) or (key == "p" and number == 1):
                continue  # a short history: that key has nowhere to go
            await _timed_press(pilot, key, lambda: table.page_number != number and not table.is_loading,
                               _Stopwatch(figures.step_s, figures.step_cpu))
        for filters in _filter_sets():
            screen = app.screen
            with _Stopwatch(figures.filter_s, figures.filter_cpu):
                # Set every field, then apply once: one page query per change, as typed by hand.
                with screen.prevent(Select.Changed, Input.Changed):
                    screen.query_one("#type", Select).value = filters.get("type", "")
                    screen.query_one("#status", Select).value = filters.get("status", "")
                    screen.query_one("#search", Input).value = filters.get("search", "")
                screen._apply_filters()
                await _until(pilot, lambda: screen.filters == _expected(filters) and not table.is_loading)
    pf.close()
    return figures


def _filter_sets() -> list[dict]:
    """Filters a customer might set, several matching few or no rows (the costly case)."""
    return [{"type": "WITHDRAWAL"}, {"status": "PENDING"}, {"type": "DEPOSIT", "status": "FAILED"},
            {"search": "WDR-Z"}, {"search": "NOPE"}, {"type": "TRANSFER", "search": "DEP-"}, {}]


def _expected(filters: dict) -> dict:
    return {k: v for k, v in filters.items() if v}


def _wallet_rows(pf: PayFlow, email: str) -> int:
    session = pf.login(email, PASSWORD)
    rows, cursor = 0, None
    while True:
        page = pf.history(session, limit=10_000, before_id=cursor)
        rows += len(page.items)
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


def service_sweep(db_path: str, email: str = HEAVY_EMAIL) -> tuple[float, float, int]:
    """Every filter combination through ``pf.history`` (first page and two steps).

    Returns (median, slowest) seconds per page and the number of pages timed.
    """
    pf = PayFlow.open(db_path)
    session = pf.login(email, PASSWORD)
    day = lambda d: datetime.fromisoformat(d).replace(tzinfo=timezone.utc)  # noqa: E731
    dates = [None, (day("2025-03-01"), day("2025-03-02")), (day("2025-06-01"), None), (None, day("2025-02-01"))]
    times = []
    for type_, status, span, search in itertools.product(
            (None, "DEPOSIT", "WITHDRAWAL", "TRANSFER"), (None, "PENDING", "SUCCESS", "FAILED"), dates,
            (None, "TRF-Q", "NOPE")):
        filters = {k: v for k, v in (("type", type_), ("status", status), ("search", search)) if v}
        if span and span[0]:
            filters["date_from"] = span[0]
        if span and span[1]:
            filters["date_to"] = span[1]
        cursor = None
        for _ in range(3):
            started = time.perf_counter()
            page = pf.history(session, before_id=cursor, **filters)
            times.append(time.perf_counter() - started)
            cursor = page.next_cursor
            if cursor is None:
                break
    pf.close()
    return statistics.median(times), max(times), len(times)


def measure(large_db: str, small_db: str, *, opens: int = 7, steps: int = 40) -> list[HistoryFigures]:
    async def run() -> list[HistoryFigures]:
        return [
            await _measure_app(small_db, HEAVY_EMAIL, "small ledger, busiest wallet", opens=opens, steps=steps),
            await _measure_app(large_db, HEAVY_EMAIL, "large ledger, busiest wallet", opens=opens, steps=steps),
            await _measure_app(large_db, LIGHT_EMAIL, "large ledger, ordinary wallet", opens=opens, steps=steps),
        ]

    return asyncio.run(run())
