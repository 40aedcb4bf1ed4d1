"""How fast the reports screen shows its figures, and what its progress bar costs an export.

    .venv/bin/payflow bench reports-screen [--repeat 5]

On the 1,000,000-transaction database of ``bigdb`` (built once per run)
and, as the baseline, a 1,000-transaction one built the same way, it drives
the real app headless at 100x30: open the reports screen (this week) until
its figures are on screen, switch to this month, type a whole year's range;
the first opening in the process is shown apart (it pays for importing
pandas). Then it exports the whole year's transactions from the screen (the
progress bar updated after every batch) and, alternating with it, with the
service call alone (no progress callback). Prints medians and ratios;
asserts nothing (timings depend on the machine, which may be shared).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from . import BenchOptions, BenchReport, benchmark
from .screen_timing import signed_in, until
from .stats import machine

YEAR = "2025-03-01 -> 2026-03-01"
TARGET_MS = 1000
REPORT_STEPS = ("open (this week)", "switch to this month", "type a whole year's range")


async def screen_times(db: Path, runs: int, export: bool) -> dict[str, list[float]]:
    from textual.widgets import Input

    from ..clock import FrozenClock
    from ..services import PayFlow
    from ..tui.screens.all_transactions import AllTransactionsScreen
    from ..tui.screens.reports import ReportsScreen
    from ..tui.widgets.tx_table import TransactionTable
    from . import bigdb

    pf = PayFlow.open(db, clock=FrozenClock(bigdb.END), password_hasher=bigdb.FAST_HASHER)
    admin = pf.login(bigdb.ADMIN_EMAIL, bigdb.PASSWORD)
    times: dict[str, list[float]] = {}
    async with signed_in(pf, admin) as (app, pilot):
        async def timed(name: str, action, done) -> None:
            # The action runs beside the clock's polling: Pilot.press() goes on waiting for
            # the process to idle after the key, and that wait is the harness's, not the app's.
            started, cpu = time.perf_counter(), time.process_time()
            acting = asyncio.ensure_future(action())
            await until(app, done)
            times.setdefault(name, []).append(time.perf_counter() - started)
            times.setdefault(name + " (CPU)", []).append(time.process_time() - cpu)
            await acting

        def new_report(screen):
            before = screen.report
            return lambda: screen.report is not None and screen.report is not before

        def rows_shown(screen):
            # Polling starts before the pushed screen has composed its table.
            return lambda: any(table._rows for table in screen.query(TransactionTable))

        for n in range(runs + 1):
            if n > 0:  # for scale: another screen that fetches in a worker when it opens
                other = AllTransactionsScreen()
                await timed("all transactions screen: open (for scale)", lambda: app.push_screen(other),
                            rows_shown(other))
                await pilot.press("escape")
                await pilot.pause()
            first = "open, first in the process (imports pandas)"
            screen = ReportsScreen()
            await timed(first if n == 0 else "open (this week)", lambda: app.push_screen(screen),
                        new_report(screen))
            await timed("switch to this month", lambda: pilot.press("m"), new_report(screen))

            async def year() -> None:
                field = screen.query_one("#period-range", Input)
                field.value = YEAR
                await field.action_submit()
            await timed("type a whole year's range", year, new_report(screen))
            assert len(screen.report.volume) == 366

            if export and n > 0:
                exports = db.parent / "exports"
                await timed("export the year, from the screen", lambda: pilot.press("e"),
                            lambda: any(exports.glob("*.csv")))
                started, cpu = time.perf_counter(), time.process_time()
                pf.export_transactions(admin, pf.default_export_path("transactions"),
                                       date_from="2025-03-01", date_to="2026-03-02")
                times.setdefault("export the year, the call alone", []).append(time.perf_counter() - started)
                times.setdefault("export the year, the call alone (CPU)", []).append(time.process_time() - cpu)
                shutil.rmtree(exports, ignore_errors=True)
            await pilot.press("escape")
            await pilot.pause()
    pf.close()
    return times


def copy(source: Path, target: Path) -> Path:
    """A copy of the shared database: exports from the screen land beside the one it opens."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    conn.close()
    return rows


@benchmark("reports-screen", "the reports screen on 1,000,000 transactions beside 1,000: open, switch,"
           " a year's range; export from the screen vs the call alone")
def bench_reports_screen(opts: BenchOptions) -> BenchReport:
    from . import bigdb

    transactions, users = (2_000, 100) if opts.quick else (1_000_000, 10_000)
    runs = opts.repeat or (1 if opts.quick else 5)
    small = copy(bigdb.shared_db(opts, 1_000, 100), opts.workdir / "small.db")
    large = copy(bigdb.shared_db(opts, transactions, users), opts.workdir / "large.db")
    rows, small_rows = count(large), count(small)
    opts.say(f"  the baseline, {small_rows:,} transactions ...")
    base = asyncio.run(screen_times(small, runs, export=False))
    opts.say(f"  {rows:,} transactions ...")
    big = asyncio.run(screen_times(large, runs, export=True))
    lines = [f"  Reports screen at 100x30, headless; medians of {runs} runs after a first one.",
             f"  Large: {rows:,} transactions; small (the baseline): {small_rows:,}.",
             # CPU time (the whole process: the app and its workers) beside wall time: on a
             # shared machine other processes stretch wall time but not the work done.
             f"  {'':<46}{'wall: small':>12}{'large':>8}{'ratio':>7}{'CPU: small':>12}{'large':>8}{'ratio':>7}"]
    steps = {}
    for name in big:
        if name.endswith(" (CPU)"):
            continue
        cells, step = "", {}
        for key, label in ((name, ""), (name + " (CPU)", "cpu_")):
            large_ms = statistics.median(big[key]) * 1000
            step[f"large_{label}ms"] = round(large_ms, 1)
            if key in base:
                small_ms = statistics.median(base[key]) * 1000
                step[f"small_{label}ms"] = round(small_ms, 1)
                step[f"{label}ratio"] = round(large_ms / small_ms, 2)
                cells += f"{small_ms:10.0f}ms{large_ms:6.0f}ms{large_ms / small_ms:6.1f}x"
            else:
                cells += f"{'':>12}{large_ms:6.0f}ms{'':>7}"
        steps[name] = step
        lines.append(f"  {name:<46}{cells}")
    export = {}
    for kind, key in (("", "export_screen_over_call"), (" (CPU)", "export_screen_over_call_cpu")):
        screen = statistics.median(big["export the year, from the screen" + kind])
        call = statistics.median(big["export the year, the call alone" + kind])
        export[key] = round(screen / call, 3)
        lines.append(f"  export from the screen / the call alone{kind}: {screen / call:.2f}x")
    lines[-1] += "   (the progress bar and the app's own work)"
    lines.append(f"  target: the screen computes its report in under {TARGET_MS / 1000:g} s on the large database")
    figures = {"transactions": rows, "baseline_transactions": small_rows, "runs": runs, "steps": steps, **export,
               "target_ms": TARGET_MS,
               "meets_target": all(steps[name]["large_ms"] < TARGET_MS for name in REPORT_STEPS),
               "machine": machine()}
    lines.append(f"  load average {figures['machine']['load_1min']} on {figures['machine']['cpus']} CPUs")
    return BenchReport("reports-screen", figures, lines)
