"""How fast the reports screen shows its figures, and what its progress bar costs an export.

    .venv/bin/python bench/reports_screen.py [--db /tmp/payflow-bench.db] [--runs 5]

On the 1,000,000-transaction database of ``bench/bigdb.py`` (built if missing)
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

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bigdb  # noqa: E402

from payflow_tui.clock import FrozenClock  # noqa: E402
from payflow_tui.bench.screen_timing import until  # noqa: E402
from payflow_tui.services import PayFlow  # noqa: E402
from payflow_tui.tui.app import create_app  # noqa: E402

DEFAULT_DB = Path(tempfile.gettempdir()) / "payflow-bench.db"
YEAR = "2025-03-01 -> 2026-03-01"


async def screen_times(db: Path, runs: int, export: bool) -> dict[str, list[float]]:
    from textual.widgets import Input

    from payflow_tui.tui.screens.all_transactions import AllTransactionsScreen
    from payflow_tui.tui.screens.reports import ReportsScreen
    from payflow_tui.tui.widgets.tx_table import TransactionTable

    pf = PayFlow.open(db, clock=FrozenClock(bigdb.END), password_hasher=bigdb.FAST_HASHER)
    admin = pf.login(bigdb.ADMIN_EMAIL, bigdb.PASSWORD)
    times: dict[str, list[float]] = {}
    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.signed_in(admin)
        await pilot.pause()

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

        for n in range(runs + 1):
            if n > 0:  # for scale: another screen that fetches in a worker when it opens
                other = AllTransactionsScreen()
                await timed("all transactions screen: open (for scale)", lambda: app.push_screen(other),
                            lambda: bool(other.query_one(TransactionTable)._rows))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="built if missing (kept for next time)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"Building 1,000,000 transactions into {args.db} ...", flush=True)
        print(f"  {bigdb.build(args.db)}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="payflow-reports-screen-"))
    try:
        small = work / "small.db"
        bigdb.build(small, transactions=1_000, users=100)
        # The large database is copied so the exports land beside the copy, not the kept file.
        large = work / "large.db"
        with sqlite3.connect(args.db) as src, sqlite3.connect(large) as dst:
            src.backup(dst)
        rows = sqlite3.connect(large).execute("SELECT count(*) FROM transactions").fetchone()[0]
        print(f"Reports screen at 100x30, headless; medians of {args.runs} runs after a first one.\n"
              f"Large: {rows:,} transactions; small (the baseline): 1,000.\n")
        base = asyncio.run(screen_times(small, args.runs, export=False))
        big = asyncio.run(screen_times(large, args.runs, export=True))
        # CPU time (the whole process: the app and its workers) beside wall time: on a
        # shared machine other processes stretch wall time but not the work done.
        print(f"  {'':<46}{'wall: small':>12}{'large':>8}{'ratio':>7}{'CPU: small':>12}{'large':>8}{'ratio':>7}")
        for name, values in big.items():
            if name.endswith(" (CPU)"):
                continue
            cells = ""
            for key in (name, name + " (CPU)"):
                large_ms = statistics.median(big[key]) * 1000
                if key in base:
                    small_ms = statistics.median(base[key]) * 1000
                    cells += f"{small_ms:10.0f}ms{large_ms:6.0f}ms{large_ms / small_ms:6.1f}x"
                else:
                    cells += f"{'':>12}{large_ms:6.0f}ms{'':>7}"
            print(f"  {name:<46}{cells}")
        for kind in ("", " (CPU)"):
            screen = statistics.median(big["export the year, from the screen" + kind])
            call = statistics.median(big["export the year, the call alone" + kind])
            print(f"\n  export from the screen / the call alone{kind}: {screen / call:.2f}x", end="")
        print("   (the progress bar and the app's own work)")
        print("  target: the screen computes its report in under 1 s on the large database")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
