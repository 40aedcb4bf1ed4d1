"""How long `payflow demo` takes to fill a fresh sandbox (target: a million rows well under a minute)."""

from __future__ import annotations

import resource
import time

from argon2 import PasswordHasher

from ..services import PayFlow
from . import BenchOptions, BenchReport, benchmark
from .stats import machine, median

TARGET_SECONDS = 60.0


def _cpu() -> float:
    """CPU seconds of this process and its ended children: a large demo simulates in a child."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@benchmark("demo", "seconds for `payflow demo` to write 1,000,000 transaction rows into a fresh sandbox")
def bench_demo(opts: BenchOptions) -> BenchReport:
    users, rows = (20, 500) if opts.quick else (10_000, 1_000_000)
    repeat = opts.repeat or 1
    walls, cpus = [], []
    for rep in range(repeat):
        path = opts.workdir / f"demo{rep}.db"
        pf = PayFlow.open(path, sandbox=True, password_hasher=PasswordHasher())
        try:
            wall, cpu = time.perf_counter(), _cpu()
            summary = pf.demo(users, rows, seed=rep)
            walls.append(time.perf_counter() - wall)
            cpus.append(_cpu() - cpu)
            # verify() reads the whole ledger (minutes for a million rows): the tests check
            # demo data with it; here only a quick smoke run does.
            ok = pf.verify().ok if opts.quick else None
        finally:
            pf.close()
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        checked = "" if ok is None else f"; verify {'ok' if ok else 'FAILED'}"
        opts.say(f"  run {rep + 1}/{repeat}: {walls[-1]:.1f} s wall, {cpus[-1]:.1f} s CPU{checked}")
    wall, cpu = median(walls), median(cpus)
    figures = {"users": users, "transactions": summary.transactions, "journal_entries": summary.journal_entries,
               "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
               "rows_per_s": round(summary.transactions / wall) if wall else 0,
               "target_seconds": TARGET_SECONDS, "runs": repeat, "machine": machine()}
    lines = [
        f"  {summary.transactions:,} transaction rows, {summary.journal_entries:,} journal entries,"
        f" {users:,} users: median {wall:.1f} s wall ({cpu:.1f} s CPU over both processes),"
        f" {figures['rows_per_s']:,} rows/s; target well under {TARGET_SECONDS:.0f} s;"
        f" load average {figures['machine']['load_1min']} on {figures['machine']['cpus']} CPUs",
    ]
    return BenchReport("demo", figures, lines)
