"""Renewals through the service's renewal run, beside a raw-SQL baseline doing the same
row writes in the same run; then the service alone, traced, at two sizes, to show that
its memory does not grow with the number of subscriptions.

Both sides commit one transaction per renewal on WAL with synchronous=FULL, the
durability the service always runs with, so both mostly wait for the disk. A
shared disk's fsync time drifts from minute to minute, so the two sides take
turns, 1,000 renewals each, on two copies of one database: each median per
1,000 renewals is measured under the same conditions as the other's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from ..clock import FrozenClock, to_iso
from ..services import PayFlow
from ..services.ledger import new_reference, post_entry, system_account
from ..services.subscription_billing import charge_memo
from . import BenchOptions, BenchReport, benchmark
from .stats import machine, median, ratio

TARGET = 3.0  # the service within 3x of the baseline

T0 = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
RUN_AT = T0 + timedelta(days=31)
PRICE = 150_000
SLICE = 1_000
# Any argon2id hash will do: nobody logs in during the benchmark.
PW_HASH = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2htYXJrc2FsdA$h0mW0KgsbTG3M3vH0nN3i5w2ZCmHvB9Lr9c0S0dQbXA"


def build(path: Path, n: int) -> None:
    """N customers, each funded for one renewal, each with a Gold subscription due now."""
    pf = PayFlow.open(path, clock=FrozenClock(T0))
    conn = pf._conn()
    at = to_iso(T0)
    conn.execute("BEGIN IMMEDIATE")
    first_user = conn.execute("SELECT coalesce(max(id), 0) FROM users").fetchone()[0] + 1
    conn.executemany(
        "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, 'USER', ?)",
        [(first_user + i, f"c{i}@bench.test", f"Customer {i}", PW_HASH, at) for i in range(n)])
    first_account = conn.execute("SELECT coalesce(max(id), 0) FROM ledger_accounts").fetchone()[0] + 1
    conn.executemany("INSERT INTO ledger_accounts (id, kind, currency, name) VALUES (?, 'WALLET', 'NGN', ?)",
                     [(first_account + i, f"Wallet {i}") for i in range(n)])
    conn.executemany("INSERT INTO wallets (user_id, account_id, created_at) VALUES (?, ?, ?)",
                     [(first_user + i, first_account + i, at) for i in range(n)])
    cash = system_account(conn, "CASH_CLEARING", "NGN")
    post_entry(conn, T0, "DEPOSIT", "Benchmark funding",
               [(first_account + i, PRICE) for i in range(n)] + [(cash, -PRICE * n)])
    plan = conn.execute("INSERT INTO subscription_plans (name, price, duration_days, created_at, updated_at)"
                        " VALUES ('Gold', ?, 30, ?, ?)", (PRICE, at, at)).lastrowid
    end = to_iso(T0 + timedelta(days=30))
    conn.executemany(
        "INSERT INTO user_subscriptions (user_id, plan_id, status, anchor_at, current_period_start,"
        " current_period_end, next_renewal_at, created_at, updated_at) VALUES (?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?)",
        [(first_user + i, plan, at, at, end, end, at, at) for i in range(n)])
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pf.close()


def baseline_run(db: Path, tick: Callable[[], None]) -> int:
    """The same rows written with plain SQL: no checks, no reads of state, no views."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    revenue = conn.execute("INSERT INTO ledger_accounts (kind, currency, name)"
                           " VALUES ('SUBSCRIPTION_REVENUE', 'NGN', 'Revenue')").lastrowid
    now = to_iso(RUN_AT)
    start, end = T0 + timedelta(days=30), T0 + timedelta(days=60)
    period_start, period_end, memo = to_iso(start), to_iso(end), charge_memo("Gold", start, end)
    prev_hash, done, after = "0" * 64, 0, 0
    while True:
        batch = conn.execute(
            "SELECT s.id, w.id, w.account_id FROM user_subscriptions s JOIN wallets w ON w.user_id = s.user_id"
            " WHERE s.id > ? AND +s.status = 'ACTIVE' AND +s.next_renewal_at <= ? ORDER BY s.id LIMIT 500",
            (after, now)).fetchall()
        if not batch:
            conn.close()
            return done
        for sub_id, wallet_id, account_id in batch:
            tick()
            # The values the service writes (random references, 64-hex hashes), so both
            # sides touch their indexes alike; only the logic around the writes is missing.
            reference = new_reference("SUBSCRIPTION")
            digest = hashlib.sha256(reference.encode()).hexdigest()
            conn.execute("BEGIN IMMEDIATE")
            entry = conn.execute("INSERT INTO journal_entries (kind, description, created_at, prev_hash, hash)"
                                 " VALUES ('SUBSCRIPTION', ?, ?, ?, ?)",
                                 (f"Subscription {reference}", now, prev_hash, digest)).lastrowid
            prev_hash = digest
            conn.executemany("INSERT INTO postings (entry_id, account_id, amount) VALUES (?, ?, ?)",
                             [(entry, account_id, -PRICE), (entry, revenue, PRICE)])
            tx = conn.execute(
                "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
                " memo, journal_entry_id, created_at, updated_at)"
                " VALUES (?, 'SUBSCRIPTION', 'DEBIT', ?, 'NGN', 'SUCCESS', ?, ?, ?, ?, ?)",
                (wallet_id, PRICE, reference, memo, entry, now, now)).lastrowid
            conn.execute("INSERT INTO subscription_charges (subscription_id, period_index, period_start,"
                         " period_end, amount, transaction_id, created_at) VALUES (?, 1, ?, ?, ?, ?, ?)",
                         (sub_id, period_start, period_end, PRICE, tx, now))
            conn.execute("UPDATE user_subscriptions SET current_period_start = ?, current_period_end = ?,"
                         " next_renewal_at = ?, updated_at = ? WHERE id = ?",
                         (period_start, period_end, period_end, now, sub_id))
            conn.execute("COMMIT")
            done += 1
        after = batch[-1][0]


class Turns:
    """Two runners taking turns, ``slice`` renewals each, timing each of their slices."""

    def __init__(self, slice: int = SLICE) -> None:
        self.slice = slice
        self.cond = threading.Condition()
        self.owner = "baseline"
        self.finished: set[str] = set()
        self.slices: dict[str, list[float]] = {"baseline": [], "service": []}
        self.rss_mib: dict[int, float] = {}

    def ticker(self, side: str) -> Callable[[], None]:
        state = {"count": 0, "since": None}

        def tick() -> None:
            if state["since"] is None:
                self._wait_turn(side)
                state["since"] = time.perf_counter()
            if state["count"] and state["count"] % self.slice == 0:
                self.slices[side].append(time.perf_counter() - state["since"])
                if side == "service":
                    self.rss_mib[state["count"]] = _rss_mib()
                self._pass(side)
                state["since"] = time.perf_counter()
            state["count"] += 1

        return tick

    def _wait_turn(self, side: str) -> None:
        with self.cond:
            self.cond.wait_for(lambda: self.owner == side)

    def _pass(self, side: str) -> None:
        other = "service" if side == "baseline" else "baseline"
        with self.cond:
            if other not in self.finished:
                self.owner = other
                self.cond.notify_all()
            self.cond.wait_for(lambda: self.owner == side)

    def done(self, side: str) -> None:
        with self.cond:
            self.finished.add(side)
            self.owner = "service" if side == "baseline" else "baseline"
            self.cond.notify_all()


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed_run(template: Path, workdir: Path, n: int, slice: int = SLICE) -> dict:
    service_db, baseline_db = workdir / "service.db", workdir / "baseline.db"
    shutil.copy(template, service_db)
    shutil.copy(template, baseline_db)
    turns = Turns(slice)
    results: dict[str, object] = {}

    def service() -> None:
        pf = PayFlow.open(service_db, clock=FrozenClock(RUN_AT))
        try:
            results["service"] = pf.run_renewals(keep_alive=turns.ticker("service"))
            results["verified"] = pf.verify().ok
        finally:
            pf.close()
            turns.done("service")

    def baseline() -> None:
        try:
            results["baseline"] = baseline_run(baseline_db, turns.ticker("baseline"))
        finally:
            turns.done("baseline")

    threads = [threading.Thread(target=baseline), threading.Thread(target=service)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    charged = results["service"].charged if "service" in results else None
    if charged != n or results.get("baseline") != n or not results.get("verified"):
        raise SystemExit(f"benchmark run went wrong: {results}")
    return {"slices": turns.slices, "rss_mib": turns.rss_mib, "elapsed": elapsed}


def child_memory(db: str) -> dict:
    """The service alone on its own copy, traced: the peak memory its run allocated."""
    pf = PayFlow.open(db, clock=FrozenClock(RUN_AT))
    tracemalloc.start()
    result = pf.run_renewals()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    pf.close()
    return {"charged": result.charged, "peak_bytes": peak}


def memory_run(template: Path, workdir: Path) -> dict:
    db = workdir / "memory.db"
    shutil.copy(template, db)
    out = subprocess.run([sys.executable, "-m", "payflow_tui.bench.renewals", "--memory-child", str(db)],
                         capture_output=True, text=True, check=True)
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
    return json.loads(out.stdout)



@benchmark("renewals", "a renewal run over 100,000 due subscriptions: service vs raw SQL; memory at two sizes")
def bench_renewals(opts: BenchOptions) -> BenchReport:
    n, slice, sizes = (2_000, 100, (200, 2_000)) if opts.quick else (100_000, SLICE, (1_000, 10_000))
    memory = {}
    for size in sizes:
        template = opts.workdir / f"template-{size}.db"
        build(template, size)
        memory[size] = memory_run(template, opts.workdir)["peak_bytes"]
        template.unlink()
        opts.say(f"  traced peak of the service's run alone over {size:,} subscriptions: {memory[size] / 1024:,.0f} KiB")
    template = opts.workdir / "template.db"
    build(template, n)
    opts.say(f"  {n:,} due subscriptions built; the timed run takes turns every {slice:,} renewals")
    timed = timed_run(template, opts.workdir, n, slice)
    base, serv = median(timed["slices"]["baseline"]), median(timed["slices"]["service"])
    r = ratio(serv, base)
    rss = timed["rss_mib"]
    first, last = min(rss), max(rss)
    per = 1000 / slice
    figures = {
        "subscriptions": n, "slice": slice, "slices": len(timed["slices"]["service"]),
        "baseline_ms_per_1000": round(base * per * 1000, 1), "service_ms_per_1000": round(serv * per * 1000, 1),
        "ratio": round(r, 3), "target": TARGET, "meets_target": r <= TARGET,
        "traced_peak_kib": {str(k): round(v / 1024, 1) for k, v in memory.items()},
        "rss_mib": {str(first): round(rss[first], 1), str(last): round(rss[last], 1)},
        "machine": machine(),
    }
    (small, a), (large, b) = sorted(memory.items())
    lines = [
        f"  {n:,} due subscriptions, one durable commit per renewal, medians per 1,000 renewals:",
        f"    baseline (raw SQL, same row writes)  {figures['baseline_ms_per_1000']:>9,.0f} ms",
        f"    service  (run_renewals)              {figures['service_ms_per_1000']:>9,.0f} ms",
        f"    ratio service/baseline               {r:>9.2f}    (target <= {TARGET:g})",
        f"    memory: traced peak {a / 1024:,.0f} KiB at {small:,} subscriptions, {b / 1024:,.0f} KiB at"
        f" {large:,}; process RSS {rss[first]:.1f} MiB after {first:,} renewals, {rss[last]:.1f} MiB after {last:,}",
        f"    load average {figures['machine']['load_1min']} on {figures['machine']['cpus']} CPUs",
    ]
    return BenchReport("renewals", figures, lines)


if __name__ == "__main__":  # the traced child of memory_run
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-child", required=True)
    print(json.dumps(child_memory(parser.parse_args().memory_child)))
