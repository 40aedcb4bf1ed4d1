"""Renewal run benchmark: the service's run over N due subscriptions beside a raw-SQL
baseline doing the same row writes, in the same run; then the service at a tenth of N
to show that its memory does not grow with the number of subscriptions.

    .venv/bin/python bench/renewals.py                  # N = 100,000
    .venv/bin/python bench/renewals.py --n 20000        # quicker

Both sides commit one transaction per renewal on WAL with synchronous=FULL (the
durability the service always runs with), and both run under tracemalloc, which
gives the peak memory the run allocated. Each measurement runs in a fresh
process so its peak RSS is its own. The medians are per 1,000 renewals.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

from payflow_tui.clock import FrozenClock, to_iso
from payflow_tui.services import PayFlow
from payflow_tui.services.ledger import post_entry, system_account

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
    first_user = (conn.execute("SELECT coalesce(max(id), 0) FROM users").fetchone()[0]) + 1
    conn.executemany(
        "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, 'USER', ?)",
        [(first_user + i, f"c{i}@bench.test", f"Customer {i}", PW_HASH, at) for i in range(n)])
    first_account = conn.execute("SELECT coalesce(max(id), 0) FROM ledger_accounts").fetchone()[0] + 1
    conn.executemany("INSERT INTO ledger_accounts (id, kind, currency, name) VALUES (?, 'WALLET', 'NGN', ?)",
                     [(first_account + i, f"Wallet {i}") for i in range(n)])
    conn.executemany("INSERT INTO wallets (user_id, account_id, created_at) VALUES (?, ?, ?)",
                     [(first_user + i, first_account + i, at) for i in range(n)])
    cash = system_account(conn, "CASH_CLEARING", "NGN")
    legs = [(first_account + i, PRICE) for i in range(n)] + [(cash, -PRICE * n)]
    post_entry(conn, T0, "DEPOSIT", "Benchmark funding", legs)
    plan = conn.execute("INSERT INTO subscription_plans (name, price, duration_days, created_at, updated_at)"
                        " VALUES ('Gold', ?, 30, ?, ?)", (PRICE, at, at)).lastrowid
    start, end = T0, to_iso(T0 + timedelta(days=30))
    conn.executemany(
        "INSERT INTO user_subscriptions (user_id, plan_id, status, anchor_at, current_period_start,"
        " current_period_end, next_renewal_at, created_at, updated_at) VALUES (?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?)",
        [(first_user + i, plan, to_iso(start), to_iso(start), end, end, at, at) for i in range(n)])
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pf.close()


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_service(db: str) -> dict:
    pf = PayFlow.open(db, clock=FrozenClock(RUN_AT))
    marks = [time.perf_counter()]
    seen = [0]

    def keep_alive() -> None:
        seen[0] += 1
        if seen[0] % SLICE == 0:
            marks.append(time.perf_counter())

    tracemalloc.start()
    started = time.perf_counter()
    result = pf.run_renewals(keep_alive=keep_alive)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ok = pf.verify().ok
    pf.close()
    return {"elapsed": elapsed, "slices": _slices(marks), "charged": result.charged, "errors": result.errors,
            "peak_bytes": peak, "rss_kib": _rss_kib(), "verified": ok}


def child_baseline(db: str) -> dict:
    """The same rows written with plain SQL: no checks, no hash chain, no views."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    revenue = conn.execute("INSERT INTO ledger_accounts (kind, currency, name)"
                           " VALUES ('SUBSCRIPTION_REVENUE', 'NGN', 'Revenue')").lastrowid
    now = to_iso(RUN_AT)
    period_start, period_end = to_iso(T0 + timedelta(days=30)), to_iso(T0 + timedelta(days=60))
    marks, done, after = [time.perf_counter()], 0, 0
    tracemalloc.start()
    started = time.perf_counter()
    while True:
        batch = conn.execute(
            "SELECT s.id, w.id, w.account_id FROM user_subscriptions s JOIN wallets w ON w.user_id = s.user_id"
            " WHERE s.id > ? AND +s.status = 'ACTIVE' AND +s.next_renewal_at <= ? ORDER BY s.id LIMIT 500",
            (after, now)).fetchall()
        if not batch:
            break
        for sub_id, wallet_id, account_id in batch:
            conn.execute("BEGIN IMMEDIATE")
            entry = conn.execute("INSERT INTO journal_entries (kind, description, created_at, prev_hash, hash)"
                                 " VALUES ('SUBSCRIPTION', ?, ?, '', ?)",
                                 (f"Subscription B-{sub_id}", now, f"b{sub_id}")).lastrowid
            conn.executemany("INSERT INTO postings (entry_id, account_id, amount) VALUES (?, ?, ?)",
                             [(entry, account_id, -PRICE), (entry, revenue, PRICE)])
            tx = conn.execute(
                "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
                " memo, journal_entry_id, created_at, updated_at)"
                " VALUES (?, 'SUBSCRIPTION', 'DEBIT', ?, 'NGN', 'SUCCESS', ?, 'Gold', ?, ?, ?)",
                (wallet_id, PRICE, f"B-{sub_id}", entry, now, now)).lastrowid
            conn.execute("INSERT INTO subscription_charges (subscription_id, period_index, period_start, period_end,"
                         " amount, transaction_id, created_at) VALUES (?, 1, ?, ?, ?, ?, ?)",
                         (sub_id, period_start, period_end, PRICE, tx, now))
            conn.execute("UPDATE user_subscriptions SET current_period_start = ?, current_period_end = ?,"
                         " next_renewal_at = ?, updated_at = ? WHERE id = ?",
                         (period_start, period_end, period_end, now, sub_id))
            conn.execute("COMMIT")
            done += 1
            if done % SLICE == 0:
                marks.append(time.perf_counter())
        after = batch[-1][0]
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    conn.close()
    return {"elapsed": elapsed, "slices": _slices(marks), "charged": done, "errors": 0,
            "peak_bytes": peak, "rss_kib": _rss_kib(), "verified": True}


def _slices(marks: list[float]) -> list[float]:
    return [b - a for a, b in zip(marks, marks[1:])]


def measure(kind: str, template: Path, workdir: Path) -> dict:
    db = workdir / f"{kind}.db"
    shutil.copy(template, db)
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db)],
                         capture_output=True, text=True, check=True)
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="due subscriptions (default 100,000)")
    parser.add_argument("--child", choices=("service", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps((child_service if args.child == "service" else child_baseline)(args.db)))
        return 0
    small = max(SLICE, args.n // 10)
    with tempfile.TemporaryDirectory(prefix="payflow-bench-") as tmp:
        workdir = Path(tmp)
        figures = {}
        for n in (args.n, small):
            template = workdir / f"template-{n}.db"
            build(template, n)
            kinds = ("baseline", "service") if n == args.n else ("service",)
            for kind in kinds:
                figures[(kind, n)] = measure(kind, template, workdir)
                if figures[(kind, n)]["charged"] != n or not figures[(kind, n)]["verified"]:
                    raise SystemExit(f"{kind} at {n}: {figures[(kind, n)]}")
            template.unlink()
    report(figures, args.n, small)
    return 0


def report(figures: dict, n: int, small: int) -> None:
    base, serv, serv_small = figures[("baseline", n)], figures[("service", n)], figures[("service", small)]
    print(f"Renewal run over {n:,} due subscriptions: one transaction per renewal, WAL, synchronous=FULL.")
    print(f"{'':18}{'total s':>10}{'median ms/1,000':>18}{'renewals/s':>12}{'traced peak':>14}{'peak RSS':>12}")
    for name, fig in (("raw-SQL baseline", base), ("service", serv)):
        median = statistics.median(fig["slices"]) * 1000
        print(f"{name:18}{fig['elapsed']:>10.1f}{median:>18.1f}{n / fig['elapsed']:>12.0f}"
              f"{_kib(fig['peak_bytes']):>14}{fig['rss_kib'] / 1024:>9.1f} MiB")
    ratio = statistics.median(serv["slices"]) / statistics.median(base["slices"])
    verdict = "within" if ratio <= 3 else "OUTSIDE"
    print(f"service / baseline (median per 1,000 renewals): {ratio:.2f}x ({verdict} the 3x target)")
    print(f"service memory during the run (tracemalloc peak): {_kib(serv_small['peak_bytes'])} at {small:,}"
          f" subscriptions, {_kib(serv['peak_bytes'])} at {n:,} ({n // small}x as many);"
          f" peak RSS {serv_small['rss_kib'] / 1024:.1f} MiB and {serv['rss_kib'] / 1024:.1f} MiB")


def _kib(n_bytes: int) -> str:
    return f"{n_bytes / 1024:,.0f} KiB"


if __name__ == "__main__":
    raise SystemExit(main())
