"""Benchmark: CSV export and report time on a 1,000,000-transaction database.

Beside the export it times the sqlite3 command-line shell (``sqlite3 -csv``)
dumping the same rows and columns with the same SQL, in the same run,
alternating the two; prints medians, the ratio and each process's peak
memory (ru_maxrss of that child alone, from wait4). Then it times the admin
report (a fresh process: the first report pays for importing pandas) and,
for scale, the same year's daily volume grouped straight from the
transactions table instead of the summary table.

Linux counts in a child's ru_maxrss the memory of the process that started it
(exec keeps the starter's high-water mark), and ``payflow bench`` grows with
whatever ran before. So the children are started by a lean measuring process
(standard library only); its own high-water mark is printed, since every
child's peak includes it.

    .venv/bin/payflow bench export [--repeat 5]
    PAYFLOW_BENCH_PANDAS=1 .venv/bin/payflow bench export    # also pandas read_sql + to_csv (once)
"""

from __future__ import annotations

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

# Standard library only above and in the package's __init__: this module is also the
# lean measuring process and its children (see the docstring).
from . import BenchOptions, BenchReport, benchmark
from .stats import machine

MODULE = "payflow_tui.bench.export_csv"
TARGET_RATIO = 2.0
TARGET_PEAK_MB = 300
REPORT_TARGET_MS = 1000


def sqlite3_shell() -> str | None:
    """The sqlite3 command-line shell, if installed."""
    return shutil.which("sqlite3")


def pandas_wanted() -> bool:
    return os.environ.get("PAYFLOW_BENCH_PANDAS", "") not in ("", "0")


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
    return [sys.executable, "-m", MODULE, "child", *args]


def baseline(shell: str, db: Path, sql: str, out: Path) -> dict:
    with open(out, "wb") as fh:
        wall, cpu, rss, _ = run_child([shell, "-csv", "-header", str(db), sql], stdout=fh)
    return {"wall": wall, "cpu": cpu, "rss": rss}


def export(db: Path, out: Path) -> tuple[dict, dict]:
    """(the export call, the whole process)"""
    wall, cpu, rss, text = run_child(child("export", str(db), str(out)))
    return json.loads(text), {"wall": wall, "cpu": cpu, "rss": rss}


def child_sql() -> None:
    from ..services.exports import export_sql

    print(export_sql([]))


def child_export(db: str, out: str) -> None:
    from ..services import PayFlow
    from . import bigdb

    pf = PayFlow.open(db)
    session = pf.login(bigdb.ADMIN_EMAIL, bigdb.PASSWORD)
    started, cpu = time.perf_counter(), time.process_time()
    pf.export_transactions(session, out)
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}))


def child_pandas(db: str, out: str) -> None:
    """The simple way, for comparison: read everything into a DataFrame, write it out."""
    import pandas as pd

    from ..services.exports import export_sql

    started, cpu = time.perf_counter(), time.process_time()
    with sqlite3.connect(db) as conn:
        pd.read_sql(export_sql([]), conn).to_csv(out, index=False)
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}))


def child_report(db: str, runs: str) -> None:
    from ..clock import FrozenClock
    from ..services import PayFlow
    from . import bigdb

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
        for _ in range(int(runs)):
            started = time.perf_counter()
            pf.report(session, **kwargs)
            times.append(time.perf_counter() - started)
        figures[name] = statistics.median(times)
    print(json.dumps(figures))


def child_triggers(runs: str, inserts: str) -> None:
    """What the summary triggers cost a posting: raw inserts of successful rows
    into a fresh in-memory schema, with and without them, alternating."""
    from ..db import migrate

    def per_insert(keep: bool, n: int) -> float:
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
            times[keep].append(per_insert(keep, int(inserts)))
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


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def own_high_water_mb() -> int | None:
    """This process's peak RSS, which every child it starts counts in its own peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def measure(db: Path, work: Path, runs: int, inserts: int, shell: str | None, pandas: bool) -> dict:
    """The lean measuring process: every child, in order; raw figures as one JSON line.
    Progress goes out as text lines before it."""
    def say(text: str) -> None:
        print(text, flush=True)

    starter = own_high_water_mb()
    sql = run_child(child("sql"))[3].strip()
    base, call, whole = [], [], []
    for n in range(runs):
        if shell:
            base.append(baseline(shell, db, sql, work / "baseline.csv"))
        c, w = export(db, work / "export.csv")
        call.append(c)
        whole.append(w)
        say(f"  run {n + 1}/{runs}: export {w['wall']:.2f} s"
            + (f", sqlite3 -csv {base[-1]['wall']:.2f} s" if shell else ""))
    result = {"starter_mb": starter, "baseline": base, "call": call, "whole": whole,
              "exported_rows": count_lines(work / "export.csv") - 1,
              "baseline_rows": count_lines(work / "baseline.csv") - 1 if shell else None}
    if pandas:
        say("  pandas read_sql + to_csv, once ...")
        wall, cpu, rss, text = run_child(child("pandas", str(db), str(work / "pandas.csv")))
        result["pandas"] = {**json.loads(text), "rss": rss}
    result["report"] = json.loads(run_child(child("report", str(db), str(runs)))[3])
    result["direct_year"] = direct_year(db, runs)
    result["triggers"] = json.loads(run_child(child("triggers", str(runs), str(inserts)))[3])
    return result


def _measured(opts: BenchOptions, db: Path, runs: int, inserts: int, shell: str | None, pandas: bool) -> dict:
    argv = [sys.executable, "-m", MODULE, "measure", str(db), str(opts.workdir), str(runs), str(inserts),
            shell or "-", "pandas" if pandas else "-"]
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, text=True)
        result = None
        for text in proc.stdout:
            if text.startswith("{"):
                result = json.loads(text)
            else:
                opts.say(text.rstrip("\n"))
        if proc.wait() != 0 or result is None:
            errors.seek(0)
            raise RuntimeError(f"the export benchmark's measuring process failed ({proc.returncode}):"
                               f" {errors.read().decode().strip()}")
    return result


def _medians(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu")}


def _line(name: str, t: dict, ref: dict | None, rss: int | None) -> str:
    ratio = (lambda k: f"{t[k] / ref[k]:7.2f}x") if ref else (lambda k: " " * 8)
    peak = f"{rss:6d} MB" if rss is not None else ""
    return f"  {name:<38}{t['wall']:6.2f} s{ratio('wall')}{t['cpu']:7.2f} s{ratio('cpu')}{peak:>9}"


def _row(t: dict, ref: dict | None, rss: int | None = None) -> dict:
    row = {"wall_s": round(t["wall"], 3), "cpu_s": round(t["cpu"], 3)}
    if ref:
        row.update(ratio_wall=round(t["wall"] / ref["wall"], 3), ratio_cpu=round(t["cpu"] / ref["cpu"], 3))
    if rss is not None:
        row["peak_mb"] = rss
    return row


@benchmark("export", "CSV export of 1,000,000 transactions beside sqlite3 -csv (time, peak memory); the admin report")
def bench_export(opts: BenchOptions) -> BenchReport:
    from . import bigdb

    transactions, users, inserts = (2_000, 100, 2_000) if opts.quick else (1_000_000, 10_000, 20_000)
    runs = opts.repeat or (1 if opts.quick else 5)
    db = bigdb.shared_db(opts, transactions, users)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    conn.close()
    shell, pandas = sqlite3_shell(), pandas_wanted()
    if not shell:
        opts.say("  the sqlite3 shell is not installed: the baseline is skipped")
    raw = _measured(opts, db, runs, inserts, shell, pandas)

    ref = _medians(raw["baseline"]) if shell else None
    call, whole = _medians(raw["call"]), _medians(raw["whole"])
    base_peak = max(r["rss"] for r in raw["baseline"]) if shell else None
    whole_peak = max(r["rss"] for r in raw["whole"])
    lines = [f"  Database: {rows:,} transactions, {db.stat().st_size / 1e6:.0f} MB; {runs} runs each,"
             " alternating; medians.",
             f"  CSV export of {raw['exported_rows']:,} rows"
             + (f" (sqlite3 -csv: {raw['baseline_rows']:,})" if shell else ""),
             f"  {'':<38}{'wall':>8}{'ratio':>8}{'CPU':>9}{'ratio':>8}{'peak':>9}"]
    if ref:
        lines.append(_line("sqlite3 -csv, same SQL (baseline)", ref, None, base_peak))
    else:
        lines.append("  sqlite3 -csv: the sqlite3 shell is not installed, baseline skipped")
    lines.append(_line("export_transactions (the call)", call, ref, None))
    lines.append(_line("the whole process (start-up, login)", whole, ref, whole_peak))
    pandas_row = None
    if "pandas" in raw:
        lines.append(_line("pandas read_sql + to_csv (one run)", raw["pandas"], ref, raw["pandas"]["rss"]))
        pandas_row = _row(raw["pandas"], ref, raw["pandas"]["rss"])
    lines.append(f"  target: wall at most {TARGET_RATIO:g}x the baseline, peak under {TARGET_PEAK_MB} MB"
                 f" (each peak counts the {raw['starter_mb']} MB of the process that started it)")
    lines.append(f"  Report (pf.report, one process; target under {REPORT_TARGET_MS / 1000:g} s)")
    for name, seconds in raw["report"].items():
        lines.append(f"    {name:<36}{seconds * 1000:8.0f} ms")
    lines.append(f"    year grouped from transactions itself {raw['direct_year'] * 1000:6.0f} ms"
                 "   (what the summary table saves)")
    cost = raw["triggers"]
    lines.append("  Summary triggers, cost per successful posting (raw insert, in memory)")
    lines.append(f"    insert without / with the triggers  {cost['without']:5.1f} / {cost['with']:5.1f} us"
                 f"   (+{cost['with'] - cost['without']:.1f} us)")
    figures = {
        "transactions": rows, "users": users, "db_mb": round(db.stat().st_size / 1e6),
        "runs": runs, "exported_rows": raw["exported_rows"], "baseline_rows": raw["baseline_rows"],
        "baseline": _row(ref, None, base_peak) if ref else None,
        "export_call": _row(call, ref), "export_process": _row(whole, ref, whole_peak),
        "pandas": pandas_row, "starter_peak_mb": raw["starter_mb"],
        "target_ratio": TARGET_RATIO, "target_peak_mb": TARGET_PEAK_MB,
        "meets_target": (whole["wall"] / ref["wall"] <= TARGET_RATIO and whole_peak < TARGET_PEAK_MB)
        if ref else None,
        "report_ms": {name: round(s * 1000, 1) for name, s in raw["report"].items()},
        "report_target_ms": REPORT_TARGET_MS,
        "year_from_transactions_ms": round(raw["direct_year"] * 1000, 1),
        "trigger_insert_us": {k: round(v, 1) for k, v in cost.items()},
        "machine": machine(),
    }
    lines.append(f"  load average {figures['machine']['load_1min']} on {figures['machine']['cpus']} CPUs")
    return BenchReport("export", figures, lines)


def main(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "measure":
        db, work, runs, inserts, shell, pandas = rest
        result = measure(Path(db), Path(work), int(runs), int(inserts), None if shell == "-" else shell,
                         pandas == "pandas")
        print(json.dumps(result), flush=True)
        return 0
    what, *args = rest
    {"sql": child_sql, "export": child_export, "pandas": child_pandas, "triggers": child_triggers,
     "report": child_report}[what](*args)
    return 0


if __name__ == "__main__":  # the measuring process and its children
    sys.exit(main(sys.argv[1:]))
