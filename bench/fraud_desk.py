"""What the fraud desk costs on a bank with many alerts and a long audit log.

    .venv/bin/python bench/fraud_desk.py [--alerts 100000] [--audit 100000] [--repeat 7]

Builds two databases in a temporary folder: a small one (the baseline: 100 alerts,
1,000 audit rows) and a large one (``--alerts`` alerts, about one in a
hundred unresolved, and ``--audit`` hash-chained audit rows). On each it times, as medians:

- the counter's look, what the app does for a signed-in admin whenever the database
  changes (``open_alert_counts`` then, with nothing new, no ``alerts_since``), beside
  ``data_version``, the poll every terminal runs every 2 s anyway;
- the alert queue's first page and its tenth page (``list_alerts``, 50 rows);
- opening the queue headless at 100x30, from the key press to the rows on screen;
- walking the audit chain (``audit_chain_status``), the audit screen's `v`.

Prints the figures and the ratio large/small; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402

from payflow_tui.clock import FrozenClock, to_iso  # noqa: E402
from payflow_tui.services import PayFlow  # noqa: E402
from payflow_tui.services.rule_defs import RULES, SEVERITIES  # noqa: E402
from payflow_tui.tui.app import create_app  # noqa: E402

PASSWORD = "correct-horse-battery"
START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
FAST = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
CUSTOMERS = 200


def build(path: Path, alerts: int, audit: int, clock: FrozenClock) -> tuple[PayFlow, object]:
    pf = PayFlow.open(path, clock=clock, password_hasher=FAST)
    pf.create_first_admin("admin@bank.test", "Ada Admin", PASSWORD)
    admin = pf.login("admin@bank.test", PASSWORD)
    with pf._write() as conn:
        for n in range(CUSTOMERS):
            conn.execute("INSERT INTO users (email, name, password_hash, role, status, created_at)"
                         " VALUES (?, ?, '$argon2id$bench', 'USER', 'ACTIVE', ?)",
                         (f"c{n:04d}@bank.test", f"Customer {n:04d}", to_iso(START)))
        users = [r[0] for r in conn.execute("SELECT id FROM users WHERE role = 'USER'")]
        rng = random.Random(5)
        first = START - timedelta(days=365)
        step = timedelta(days=365) / max(alerts, 1)
        rows = []
        for i in range(alerts):
            at = to_iso(first + step * i)
            status = "OPEN" if rng.random() < 0.005 else ("ACKNOWLEDGED" if rng.random() < 0.005 else "RESOLVED")
            done = status != "OPEN"
            rows.append((rng.choice(list(RULES)), rng.choices(SEVERITIES, (1, 10, 30, 20))[0],
                         rng.choice(users), "bench alert", status, at, at,
                         admin.user_id if done else None, at if done else None,
                         admin.user_id if status == "RESOLVED" else None,
                         at if status == "RESOLVED" else None,
                         "checked" if status == "RESOLVED" else None))
        conn.executemany(
            "INSERT INTO alerts (rule, severity, user_id, summary, status, created_at, updated_at,"
            " acknowledged_by, acknowledged_at, resolved_by, resolved_at, resolution_note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        for i in range(audit):  # through the service, so the chain is real
            pf._audit(conn, "LOGIN", actor_id=rng.choice(users), subject_user_id=rng.choice(users), n=i)
    return pf, pf.login("admin@bank.test", PASSWORD)


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def counter_look(pf, admin) -> None:
    counts = pf.open_alert_counts(admin)
    pf.alerts_since(admin, counts.latest_id, min_severity="CRITICAL")


def tenth_page(pf, admin) -> None:
    cursor = None
    for _ in range(10):
        cursor = pf.list_alerts(admin, limit=50, after=cursor).next_cursor


async def open_queue(pf, admin) -> float:
    from payflow_tui.tui.screens.alerts import AlertsScreen

    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        app.signed_in(admin)
        await app.workers.wait_for_complete()
        await pilot.pause()
        t = time.perf_counter()
        app.push_screen(AlertsScreen())
        while not (isinstance(app.screen, AlertsScreen) and app.screen.alerts.loaded):
            await pilot.pause(0.005)
        return (time.perf_counter() - t) * 1000


def measure(pf, admin, repeat: int) -> dict:
    open_ms = [asyncio.run(open_queue(pf, admin)) for _ in range(max(3, repeat // 2))]
    return {
        "data_version poll": median_ms(pf.data_version, repeat * 20),
        "counter look": median_ms(lambda: counter_look(pf, admin), repeat * 5),
        "queue page 1": median_ms(lambda: pf.list_alerts(admin, limit=50), repeat),
        "queue page 10": median_ms(lambda: tenth_page(pf, admin), repeat) / 10,
        "open the queue screen": statistics.median(open_ms),
        "audit chain walk": median_ms(lambda: pf.audit_chain_status(admin), max(3, repeat // 2)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--audit", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    clock = FrozenClock(START)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        small, small_admin = build(Path(tmp) / "small.db", 100, 1_000, clock)
        large, large_admin = build(Path(tmp) / "large.db", args.alerts, args.audit, clock)
        print(f"built in {time.perf_counter() - t:.1f} s: {args.alerts:,} alerts and"
              f" {args.audit:,} audit rows (large) against 100 and 1,000 (small)")
        base = measure(small, small_admin, args.repeat)
        big = measure(large, large_admin, args.repeat)
    print(f"{'median ms':<24}{'small':>10}{'large':>10}{'ratio':>8}")
    for name in base:
        print(f"{name:<24}{base[name]:>10.2f}{big[name]:>10.2f}{big[name] / base[name]:>7.1f}x")
    print(json.dumps({"small": base, "large": big}))


if __name__ == "__main__":
    main()
