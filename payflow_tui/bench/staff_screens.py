"""How fast the staff screens open and page on a large ledger.

    .venv/bin/payflow bench staff-screens [--repeat 5]

Builds two databases in its own directory: a small one (the baseline, 1,000
transactions) and a large one (1,000,000, with a fifth as many audit entries), then opens the all-transactions screen (with
and without filters), pages it, and opens the audit log and the pending
deposits queue on each, headless at 100x30; then times the service calls
behind them alone. Prints medians and the ratio large/small; asserts nothing
(timings depend on the machine). Targets on the large one: a screen open
under 0.5 s, a page step under 0.1 s.

The large database is filled with direct inserts: realistic shapes (mostly
successful deposits, withdrawals and transfers, a few failures, a short
pending queue), not a balanced ledger, since only reading is measured. No
other benchmark reads this shape, so it is built here rather than shared.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher

from ..clock import FrozenClock, to_iso
from ..services import PayFlow
from . import BenchOptions, BenchReport, benchmark
from . import screen_timing as timing
from .stats import machine

PASSWORD = "correct-horse-battery"
START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
FAST = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
CUSTOMERS = 50
BASELINE_ROWS = 1_000
OPENS = ("all transactions: open", "audit log: open", "pending deposits: open")
PAGE_STEPS = ("all transactions: next page", "all transactions: next page again")
TARGET_OPEN_S = 0.5
TARGET_STEP_S = 0.1


def build(path: Path, rows: int, clock: FrozenClock) -> tuple[PayFlow, object]:
    pf = PayFlow.open(path, clock=clock, password_hasher=FAST)
    pf.create_first_admin("admin@bank.test", "Ada Admin", PASSWORD)
    admin = pf.login("admin@bank.test", PASSWORD)
    for n in range(CUSTOMERS):
        pf.create_user(admin, f"customer{n:03d}@bank.test", f"Customer {n:03d}", PASSWORD, "USER")
    conn = pf._conn()
    wallets = [r[0] for r in conn.execute("SELECT id FROM wallets")]
    rng = random.Random(7)
    conn.execute("BEGIN IMMEDIATE")
    entry = conn.execute(
        "INSERT INTO journal_entries (kind, description, created_at, prev_hash, hash)"
        " VALUES ('BENCH', 'bench rows', ?, ?, ?)", (to_iso(START), "0" * 64, "f" * 64)).lastrowid
    first = START - timedelta(days=365)
    step = timedelta(days=365) / max(rows, 1)
    batch = []
    for i in range(rows):
        kind = rng.choices(("DEPOSIT", "WITHDRAWAL", "TRANSFER"), (5, 3, 4))[0]
        pending = kind == "DEPOSIT" and i > rows - 40
        status = "PENDING" if pending else ("FAILED" if rng.random() < 0.03 else "SUCCESS")
        at = to_iso(first + step * i)
        batch.append((rng.choice(wallets), kind, "CREDIT" if kind == "DEPOSIT" else "DEBIT",
                      rng.randint(100, 5_000_000), status, f"B{i:011d}",
                      f"T{i:011d}" if kind == "TRANSFER" else None,
                      "bench failure" if status == "FAILED" else None,
                      entry if status == "SUCCESS" else None, at, at))
        if len(batch) == 50_000:
            _insert(conn, batch)
            batch.clear()
    _insert(conn, batch)
    users = [r[0] for r in conn.execute("SELECT id FROM users")]
    actions = ("LOGIN", "LOGIN", "LOGIN", "DEPOSIT_CONFIRMED", "LOGIN_FAILED", "SETTING_CHANGED")
    last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.executemany(
        "INSERT INTO audit_log (id, at, actor_user_id, action, subject_user_id, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, '{}', ?, ?)",
        [(last + 1 + i, to_iso(first + step * i * 5), rng.choice(users), rng.choice(actions),
          rng.choice(users), "0" * 64, f"{i:064x}") for i in range(rows // 5)])
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    return pf, pf.login("admin@bank.test", PASSWORD)


def _insert(conn, batch) -> None:
    conn.executemany(
        "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
        " transfer_ref, failure_reason, journal_entry_id, created_at, updated_at)"
        " VALUES (?,?,?,?,'NGN',?,?,?,?,?,?,?)", batch)


async def measure(pf: PayFlow, admin, repeat: int) -> dict[str, list[float]]:
    from ..tui.screens.all_transactions import AllTransactionsScreen
    from ..tui.screens.audit_log import AuditLogScreen
    from ..tui.screens.pending_deposits import PendingDepositsScreen
    from ..tui.widgets.tx_table import TransactionTable

    times: dict[str, list[float]] = {}
    async with timing.signed_in(pf, admin) as (app, _):
        async def timed(name: str, action, done=None) -> None:
            # Until the screen's work is finished and drawn (see payflow_tui/bench/screen_timing).
            if done is None:
                await timing.timed(times.setdefault(name, []), app, action)
                return
            started = time.perf_counter()
            action()
            await timing.until(app, done)
            times.setdefault(name, []).append(time.perf_counter() - started)

        def new_page(table):
            before = table.page
            return lambda: table.page is not before and not table.is_loading

        for _ in range(repeat):
            await timed("all transactions: open", lambda: app.push_screen(AllTransactionsScreen()))
            screen = app.screen
            table = screen.query_one(TransactionTable)
            await timed("all transactions: next page", table.action_next_page, new_page(table))
            await timed("all transactions: next page again", table.action_next_page, new_page(table))
            for label, widget_id, value in (("type DEPOSIT", "#tx-type", "DEPOSIT"),
                                            ("status FAILED", "#tx-status", "FAILED")):
                def pick(widget_id=widget_id, value=value) -> None:
                    screen.query_one(widget_id).value = value
                await timed(f"all transactions: filter {label}", pick, new_page(table))
            screen.query_one("#tx-type").clear()
            screen.query_one("#tx-status").clear()
            await timing.settle(app)
            for label, field, text in (("email", "#tx-email", "customer007@bank.test"),
                                       ("reference prefix", "#tx-ref", "B0000000001"),
                                       ("from date", "#tx-from", "2025-06-01")):
                def typed(field=field, text=text) -> None:
                    screen.query_one(field).value = text
                    screen._apply()
                await timed(f"all transactions: filter {label}", typed, new_page(table))
                assert table._rows, f"the {label} filter should match"
                screen.query_one(field).value = ""
            app.pop_screen()
            await timing.settle(app)

            await timed("audit log: open", lambda: app.push_screen(AuditLogScreen()))
            app.pop_screen()
            await timing.settle(app)

            await timed("pending deposits: open", lambda: app.push_screen(PendingDepositsScreen()))
            app.pop_screen()
            await timing.settle(app)
    return times


def service_times(pf: PayFlow, admin, repeat: int) -> dict[str, list[float]]:
    """The database part alone: each screen's service call, timed directly."""
    day = datetime(2025, 6, 1, tzinfo=timezone.utc)
    calls = {
        "all_transactions()": lambda: pf.all_transactions(admin),
        "all_transactions(status=SUCCESS)": lambda: pf.all_transactions(admin, status="SUCCESS"),
        "all_transactions(status=PENDING)": lambda: pf.all_transactions(admin, status="PENDING"),
        "all_transactions(type=SUBSCRIPTION)": lambda: pf.all_transactions(admin, type="SUBSCRIPTION"),
        "all_transactions(search=prefix)": lambda: pf.all_transactions(admin, search="B0000000001"),
        "all_transactions(date_from=...)": lambda: pf.all_transactions(admin, date_from=day),
        "audit_entries()": lambda: pf.audit_entries(admin),
        "audit_entries(action=LOGIN)": lambda: pf.audit_entries(admin, action="LOGIN"),
        "audit_entries(action=rare)": lambda: pf.audit_entries(admin, action="WALLET_FROZEN"),
        "pending_deposits()": lambda: pf.pending_deposits(admin),
    }
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times.setdefault(name, []).append(time.perf_counter() - started)
    return times


def report(title: str, rows: int, results: dict[str, dict[str, list[float]]], scale: float,
           unit: str) -> tuple[list[str], dict[str, dict[str, float]]]:
    """The table's lines, and per step the medians (in ``unit``) and the ratio."""
    lines = ["", f"  {title}", f"  {'step':<44}{f'{BASELINE_ROWS:,} rows':>12}{rows:>12,}{'ratio':>8}   ({unit})"]
    figures = {}
    for name, small in results["baseline"].items():
        base, big = statistics.median(small), statistics.median(results["large"][name])
        lines.append(f"  {name:<44}{base * scale:>12.3f}{big * scale:>12.3f}{big / base:>8.1f}")
        figures[name] = {"small": round(base * scale, 4), "large": round(big * scale, 4),
                         "ratio": round(big / base, 2)}
    return lines, figures


@benchmark("staff-screens", "the staff screens on 1,000,000 transactions beside 1,000: all transactions"
           " (open, page steps, filters), the audit log, the pending deposits")
def bench_staff_screens(opts: BenchOptions) -> BenchReport:
    rows = 2_000 if opts.quick else 1_000_000
    repeat = opts.repeat or (1 if opts.quick else 5)
    databases = {}
    try:
        for label, size in (("baseline", BASELINE_ROWS), ("large", rows)):
            started = time.perf_counter()
            databases[label] = build(opts.workdir / f"{label}.db", size, FrozenClock(START))
            opts.say(f"  built {label} database: {size:,} transactions in {time.perf_counter() - started:.1f} s")
        # Alternate the two databases run by run, so a busy machine slows both alike.
        results: dict[str, dict[str, list[float]]] = {"baseline": {}, "large": {}}
        for n in range(repeat):
            for label, (pf, admin) in databases.items():
                for name, times in asyncio.run(measure(pf, admin, 1)).items():
                    results[label].setdefault(name, []).extend(times)
            opts.say(f"  run {n + 1}/{repeat}: all transactions open"
                     f" {results['baseline']['all transactions: open'][-1]:.3f} s (baseline),"
                     f" {results['large']['all transactions: open'][-1]:.3f} s (large)")
        services = {label: service_times(pf, admin, repeat * 4) for label, (pf, admin) in databases.items()}
    finally:
        for pf, _ in databases.values():
            pf.close()
    screen_lines, screens = report(
        f"screens, medians of {repeat} runs, headless at 100x30 (open or step until drawn)",
        rows, results, 1, "seconds")
    service_lines, calls = report(f"service calls alone, medians of {repeat * 4} calls", rows, services, 1000, "ms")
    figures = {
        "transactions": rows, "baseline_transactions": BASELINE_ROWS, "runs": repeat,
        "screens_s": screens, "services_ms": calls,
        "target_open_s": TARGET_OPEN_S, "target_page_step_s": TARGET_STEP_S,
        "meets_target": all(screens[name]["large"] < TARGET_OPEN_S for name in OPENS)
        and all(screens[name]["large"] < TARGET_STEP_S for name in PAGE_STEPS),
        "machine": machine(),
    }
    lines = screen_lines + service_lines + [
        "",
        f"  targets on {rows:,} rows: a screen open under {TARGET_OPEN_S:g} s, a page step under {TARGET_STEP_S:g} s",
        f"  load average {figures['machine']['load_1min']} on {figures['machine']['cpus']} CPUs",
    ]
    return BenchReport("staff-screens", figures, lines)
