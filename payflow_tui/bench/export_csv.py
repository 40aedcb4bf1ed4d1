"""Benchmark: CSV export and report time on a 1,000,000-transaction database.

Beside the export it times the sqlite3 command-line shell (``sqlite3 -csv``)
dumping the same rows and columns with the same SQL, in the same run,
alternating the two; prints medians, the ratio and each process's peak
memory (ru_maxrss of that child alone, from wait4). Then it times the admin
report (a fresh process: the first report pays for importing pandas) and,
for scale, the same year's daily volume grouped straight from the
transactions table instead of the summary table.

    .venv/bin/python bench/export.py                 # builds /tmp/payflow-bench.db if missing
    .venv/bin/python bench/export.py --runs 7 --pandas
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The parent stays lean (stdlib only): a forked child starts with its parent's
# memory, and each child's peak memory is what this measures.
HERE = Path(__file__).resolve().parent
SQLITE3 = "/usr/bin/sqlite3"
DEFAULT_DB = Path(tempfile.gettempdir()) / "payflow-bench.db"


def run_child(argv: list[str], stdout=subprocess.PIPE) -> tuple[float, float, int, str]:
    """Run a process; returns (wall seconds, CPU seconds, its own peak RSS in MB, its stdout).

    CPU time is printed beside wall time because the machine may be shared:
    other processes' load stretches wall time but not the work done."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=stdout, stderr=errors)
        out = proc.stdout.read().decode() if stdout == subprocess.PIPE else ""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {errors.read().decode().strip()}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss // 1024, out  # ru_maxrss is in KiB on Linux


def child(*args: str) -> list[str]:
    return [sys.executable, __file__, "--child", *args]


def baseline(db: Path, sql: str, out: Path) -> dict:
    with open(out, "wb") as fh:
        wall, cpu, rss, _ = run_child([SQLITE3, "-csv", "-header", str(db), sql], stdout=fh)
    return {"wall": wall, "cpu": cpu, "rss": rss}


def export(db: Path, out: Path) -> tuple[dict, dict]:
    """(the export call, the whole process)"""
    wall, cpu, rss, text = run_child(child("export", str(db), str(out)))
    return json.loads(text), {"wall": wall, "cpu": cpu, "rss": rss}


def child_sql() -> None:
    from payflow_tui.services.exports import export_sql

    print(export_sql([]))


def child_export(db: str, out: str) -> None:
    import bigdb

    from payflow_tui.services import PayFlow

    pf = PayFlow.open(db)
    session = pf.login(bigdb.ADMIN_EMAIL, bigdb.PASSWORD)
    started, cpu = time.perf_counter(), time.process_time()
    pf.export_transactions(session, out)
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}))


def child_pandas(db: str, out: str) -> None:
    """The simple way, for comparison: read everything into a DataFrame, write it out."""
    import pandas as pd

    from payflow_tui.services.exports import export_sql

    started, cpu = time.perf_counter(), time.process_time()
    with sqlite3.connect(db) as conn:
        pd.read_sql(export_sql([]), conn).to_csv(out, index=False)
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}))


def child_report(db: str, runs: int) -> None:
    import bigdb

    from payflow_tui.clock import FrozenClock
    from payflow_tui.services import PayFlow

    pf = PayFlow.open(db, clock=FrozenClock(bigdb.END))
    session = pf.login(bigdb.ADMIN_EMAIL, bigdb.PASSWORD)
    year = {"date_from": "2025-03-01", "date_to": "2026-03-02"}
    figures = {}
    started = time.perf_counter()
    pf.report(session, **year)
    figures["the year, first call in the process"] = time.perf_counter() - started
    for name, kwargs in (("this week", {"period": "week"}), ("this month", {"period": "month"}),
                         ("a whole year, 366 days", year)):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            pf.report(session, **kwargs)
            times.append(time.perf_counter() - started)
        figures[name] = statistics.median(times)
    print(json.dumps(figures))


def child_triggers(runs: str) -> None:
    """What the summary triggers cost a posting: raw inserts of successful rows
    into a fresh in-memory schema, with and without them, alternating."""
    from payflow_tui.db import migrate

    def per_insert(keep: bool, n: int = 20_000) -> float:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        migrate(conn)
        if not keep:
            conn.execute("DROP TRIGGER report_volume_inserted")
        at = "2026-01-15T{:02d}:{:02d}:{:02d}.000000+00:00"
        rows = [(i, f"REF-{i}", at.format(i // 3600 % 24, i // 60 % 60, i % 60)) for i in range(n)]
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
            " journal_entry_id, created_at, updated_at)"
            " VALUES (1, 'WITHDRAWAL', 'DEBIT', 100 + ?1, 'NGN', 'SUCCESS', ?2, 1, ?3, ?3)", rows)
        conn.execute("COMMIT")
        conn.close()
        return (time.perf_counter() - started) / n * 1e6

    times = {False: [], True: []}
    for _ in range(int(runs)):
        for keep in (False, True):
            times[keep].append(per_insert(keep))
    print(json.dumps({"without": statistics.median(times[False]), "with": statistics.median(times[True])}))


def direct_year(db: Path, runs: int) -> float:
    """The year's per-day volume grouped from transactions, without the summary table
    (UTC days; the report's local days would cost more still)."""
    sql = ("SELECT substr(updated_at, 1, 10), type, count(*), sum(amount) FROM transactions"
           " WHERE status = 'SUCCESS' AND NOT (type = 'TRANSFER' AND direction = 'CREDIT')"
           " AND updated_at >= '2025-03-01' AND updated_at < '2026-03-02' GROUP BY 1, 2")
    conn = sqlite3.connect(db)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        times.append(time.perf_counter() - started)
    conn.close()
    return statistics.median(times)


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu")}


def line(name: str, t: dict, ref: dict | None, rss: int | None) -> None:
    ratio = (lambda k: f"{t[k] / ref[k]:7.2f}x") if ref else (lambda k: " " * 8)
    peak = f"{rss:6d} MB" if rss is not None else ""
    print(f"  {name:<38}{t['wall']:6.2f} s{ratio('wall')}{t['cpu']:7.2f} s{ratio('cpu')}{peak:>9}")


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CSV export and report benchmark")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="built if missing (kept for next time)")
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pandas", action="store_true", help="also time pandas read_sql + to_csv (once)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(HERE))
        kind, *rest = args.child
        {"sql": child_sql, "export": child_export, "pandas": child_pandas, "triggers": child_triggers,
         "report": lambda db, runs: child_report(db, int(runs))}[kind](*rest)
        return 0

    db = args.db
    if not db.exists():
        print(f"Building {args.transactions:,} transactions into {db} ...", flush=True)
        text = run_child([sys.executable, str(HERE / "bigdb.py"), str(db),
                          "--transactions", str(args.transactions)])[3]
        print("  " + text.strip(), flush=True)
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM transactions").fetchone()[0]
    print(f"Database: {db} ({rows:,} transactions, {db.stat().st_size / 1e6:.0f} MB); "
          f"{args.runs} runs each, alternating; medians.\n")

    sql = run_child(child("sql"))[3].strip()
    work = Path(tempfile.mkdtemp(prefix="payflow-bench-"))
    try:
        have_sqlite3 = shutil.which(SQLITE3) is not None
        base, call, whole = [], [], []
        for _ in range(args.runs):
            if have_sqlite3:
                base.append(baseline(db, sql, work / "baseline.csv"))
            c, w = export(db, work / "export.csv")
            call.append(c)
            whole.append(w)
        print(f"CSV export of {count_lines(work / 'export.csv') - 1:,} rows"
              + (f" (sqlite3 -csv: {count_lines(work / 'baseline.csv') - 1:,})" if have_sqlite3 else ""))
        print(f"  {'':<38}{'wall':>8}{'ratio':>8}{'CPU':>9}{'ratio':>8}{'peak':>9}")
        ref = median_of(base) if have_sqlite3 else None
        if ref:
            line("sqlite3 -csv, same SQL (baseline)", ref, None, max(r["rss"] for r in base))
        else:
            print(f"  sqlite3 -csv: {SQLITE3} not found, baseline skipped")
        line("export_transactions (the call)", median_of(call), ref, None)
        line("the whole process (start-up, login)", median_of(whole), ref, max(r["rss"] for r in whole))
        if args.pandas:
            wall, cpu, rss, text = run_child(child("pandas", str(db), str(work / "pandas.csv")))
            line("pandas read_sql + to_csv (one run)", json.loads(text), ref, rss)
        print("  target: wall at most 2x the baseline, peak under 300 MB\n")

        text = run_child(child("report", str(db), str(args.runs)))[3]
        print("Report (pf.report, one process; target under 1 s)")
        for name, seconds in json.loads(text).items():
            print(f"  {name:<38}{seconds * 1000:8.0f} ms")
        d = direct_year(db, args.runs)
        print(f"  year grouped from transactions itself {d * 1000:8.0f} ms   (what the summary table saves)")
        cost = json.loads(run_child(child("triggers", str(args.runs)))[3])
        print("\nSummary triggers, cost per successful posting (raw insert, in memory)")
        print(f"  insert without / with the triggers    {cost['without']:5.1f} / {cost['with']:5.1f} us"
              f"   (+{cost['with'] - cost['without']:.1f} us)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
