"""The app's benchmarks: start-up beside a bare Textual app, and the history on a large ledger.

    python -m payflow_tui.bench.app_bench [--db PATH] [--runs 7]

The large sandbox ledger (1,000,000 transactions by default) is generated
once and kept (about two minutes); the small one (20,000) is the baseline
for the history figures. Targets (issue 3): the login screen interactive
within 1.5x the bare app; the history open under 0.5 s and each page step
under 0.1 s on the large ledger. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from . import app_history, app_startup
from .history_data import generate


def ledger(path: Path, *, users: int, transactions: int) -> Path:
    if not path.exists():
        print(f"generating {transactions:,} transactions in {path} …", flush=True)
        made = generate(path, users=users, transactions=transactions)
        print(f"  done in {made.seconds:.0f} s", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="PayFlow app benchmarks")
    folder = Path(tempfile.gettempdir()) / "payflow-bench"
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="the large ledger (generated if missing)")
    parser.add_argument("--runs", type=int, default=7, help="start-up runs of each app")
    parser.add_argument("--steps", type=int, default=40, help="page steps timed per wallet")
    args = parser.parse_args(argv)
    # The small ledger sits beside the large one: a file kept from an older schema
    # elsewhere would be measured as if it were today's.
    if args.db:
        folder = args.db.parent
    folder.mkdir(parents=True, exist_ok=True)
    large = ledger(args.db or folder / f"app-{args.transactions}.db", users=2000,
                   transactions=args.transactions)
    small = ledger(folder / "app-20000.db", users=200, transactions=20_000)

    print(f"load average before: {_load()}", flush=True)
    startup = app_startup.measure(large, runs=args.runs)
    print(app_startup.report(startup), flush=True)

    figures = app_history.measure(str(large), str(small), steps=args.steps)
    sys.stdout = sys.__stdout__  # the headless app may leave its redirect behind
    print("history screen through the app (headless, medians; wall time, cpu time in ms):")
    for f in figures:
        print(f.line())
    base, big = figures[0], figures[1]
    print(f"  large / small ratio: open {statistics.median(big.open_s) / statistics.median(base.open_s):.2f}x,"
          f" page step {statistics.median(big.step_s) / statistics.median(base.step_s):.2f}x"
          "  (targets on 1M: open < 500 ms, page step < 100 ms)")
    median, slowest, pages = app_history.service_sweep(str(large))
    print(f"every filter combination on the busiest wallet, service call only: {pages} pages,"
          f" median {median * 1000:.1f} ms, slowest {slowest * 1000:.1f} ms")
    print(f"load average after: {_load()} on {os.cpu_count()} cores", flush=True)
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
