"""Transfers per second through the service, beside a raw-sqlite3 baseline; 1 and 4 processes.

Both sides run on databases made by ``PayFlow.open`` (the same schema, indexes
and triggers), on connections with the same pragmas (``db.connect``: WAL,
synchronous=FULL, foreign keys, busy timeout), with one durable commit per
transfer. The baseline writes exactly the rows a transfer writes (1 journal
entry, 2 postings whose trigger makes the 2 balance updates, 2 transaction
rows, and the 2 outbox events, transfer.sent and transfer.received, that
feed notifications and webhooks) and nothing else: none of the service's
session and role checks, reads, refusal rules, hash chaining or result
loading. The ratio service/baseline is what that logic costs.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher

from ..clock import to_iso
from ..db.connection import connect
from ..services import PayFlow
from . import BenchOptions, BenchReport, benchmark
from .stats import fmt_rate, machine, median, rate, ratio

HOT_WALLETS = 8
FUNDING = 10_000_000 * 100  # ₦10,000,000.00 each: no transfer is ever refused for funds
PASSWORD = "bench-password-1"
# OWASP's minimum argon2id cost: logins happen before the clock starts, so this only speeds set-up.
_HASHER = dict(time_cost=2, memory_cost=19 * 1024, parallelism=1)
TARGET = 0.5


def hot_emails() -> list[str]:
    return [f"hot{k}@bench.example" for k in range(HOT_WALLETS)]


def make_ledger(path: Path) -> None:
    """A fresh ledger with HOT_WALLETS funded account holders (set up through the service)."""
    pf = PayFlow.open(path, password_hasher=PasswordHasher(**_HASHER))
    try:
        pf.create_first_admin("admin@bench.example", "Bench Admin", PASSWORD)
        admin = pf.login("admin@bench.example", PASSWORD)
        for k, email in enumerate(hot_emails()):
            pf.create_user(admin, email, f"Hot Wallet {k}", PASSWORD, "USER")
            pf.confirm_deposit(admin, pf.request_deposit(admin, FUNDING, for_email=email).reference)
    finally:
        pf.close()


def _plan(count: int, seed: int) -> list[tuple[int, int, int]]:
    rng = random.Random(seed)
    plan = []
    for _ in range(count):
        sender = rng.randrange(HOT_WALLETS)
        recipient = (sender + 1 + rng.randrange(HOT_WALLETS - 1)) % HOT_WALLETS
        plan.append((sender, recipient, rng.randrange(100, 10_000)))
    return plan


class ServiceSide:
    """Transfers through ``pf.transfer``: everything a customer's transfer does."""

    def __init__(self, path: Path, count: int, seed: int, tag: str) -> None:
        self.pf = PayFlow.open(path, password_hasher=PasswordHasher(**_HASHER))
        self.emails = hot_emails()
        self.sessions = [self.pf.login(e, PASSWORD) for e in self.emails]
        self.plan = _plan(count, seed)

    def run(self) -> None:
        pf, sessions, emails = self.pf, self.sessions, self.emails
        for sender, recipient, amount in self.plan:
            pf.transfer(sessions[sender], emails[recipient], amount)

    def close(self) -> None:
        self.pf.close()


class BaselineSide:
    """The same row writes with raw sqlite3 and no logic: ids, times and hashes made up front."""

    def __init__(self, path: Path, count: int, seed: int, tag: str) -> None:
        self.conn = connect(path)
        rows = self.conn.execute(
            "SELECT w.id, w.account_id, w.currency, w.user_id FROM wallets w JOIN users u ON u.id = w.user_id"
            " WHERE u.email LIKE 'hot%@bench.example' ORDER BY u.email").fetchall()
        self.wallets = [(r[0], r[1]) for r in rows]
        self.users = [r[3] for r in rows]
        self.currency = rows[0][2]
        self.plan = _plan(count, seed)
        self.tag = tag
        self.at = to_iso(datetime.now(timezone.utc))
        self._events_made = self._events()

    def _events(self) -> list[list[tuple]]:
        """Each transfer's two outbox rows, made before the clock starts (random event ids,
        as the service makes them; payloads of the same shape)."""
        import json

        from ..money import to_major_str
        from ..services.outbox import new_event_id

        events = []
        for n, (sender, recipient, amount) in enumerate(self.plan):
            ref = f"B{self.tag}-{n}"
            payload = {"amount": to_major_str(amount), "currency": self.currency,
                       "memo": None, "transfer_ref": ref}
            events.append([
                (new_event_id(), "transfer.sent", self.users[sender],
                 json.dumps({**payload, "to": f"hot{recipient}@bench.example"}, sort_keys=True), self.at),
                (new_event_id(), "transfer.received", self.users[recipient],
                 json.dumps({**payload, "sender": f"hot{sender}@bench.example"}, sort_keys=True), self.at),
            ])
        return events

    def run(self) -> None:
        conn, wallets, at, tag, cur = self.conn, self.wallets, self.at, self.tag, self.currency
        events = self._events_made
        for n, (sender, recipient, amount) in enumerate(self.plan):
            (s_wallet, s_account), (r_wallet, r_account) = wallets[sender], wallets[recipient]
            ref = f"B{tag}-{n}"
            conn.execute("BEGIN IMMEDIATE")
            entry = conn.execute(
                "INSERT INTO journal_entries (kind, description, created_at, prev_hash, hash)"
                " VALUES ('TRANSFER', ?, ?, '', ?)", (f"Transfer {ref}", at, ref)).lastrowid
            conn.executemany("INSERT INTO postings (entry_id, account_id, amount) VALUES (?, ?, ?)",
                             [(entry, s_account, -amount), (entry, r_account, amount)])
            for wallet, direction, suffix, other in ((s_wallet, "DEBIT", "D", r_wallet),
                                                     (r_wallet, "CREDIT", "C", s_wallet)):
                conn.execute(
                    "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
                    " transfer_ref, counterparty_wallet_id, journal_entry_id, created_at, updated_at)"
                    " VALUES (?, 'TRANSFER', ?, ?, ?, 'SUCCESS', ?, ?, ?, ?, ?, ?)",
                    (wallet, direction, amount, cur, f"{ref}-{suffix}", ref, other, entry, at, at))
            conn.executemany(
                "INSERT INTO outbox (event_id, type, user_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                events[n])
            conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


SIDES = {"service": ServiceSide, "baseline": BaselineSide}


def _one_process(side: str, path: Path, count: int, seed: int, tag: str) -> float:
    runner = SIDES[side](path, count, seed, tag)
    try:
        started = time.perf_counter()
        runner.run()
        return time.perf_counter() - started
    finally:
        runner.close()


def _worker(side: str, path: str, count: int, seed: int, tag: str, barrier, results) -> None:
    try:
        runner = SIDES[side](Path(path), count, seed, tag)
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))
        time.sleep(0.5)  # let the queue's feeder thread deliver it before the parent wakes
        barrier.abort()
        return
    try:
        barrier.wait()
        runner.run()
        results.put(("ok", count))
    except BaseException as exc:  # reported, and counted against the run
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        runner.close()


def _many_processes(side: str, path: Path, processes: int, count: int, seed: int, tag: str) -> float:
    """Wall time from the moment all processes are ready until the last one finishes."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes + 1), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(side, str(path), count, seed + k, f"{tag}p{k}", barrier, results))
             for k in range(processes)]
    for p in procs:
        p.start()
    try:
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            reasons = []
            while not results.empty():
                reasons.append(results.get()[1])
            raise RuntimeError(f"{side}: the worker processes did not start: "
                               f"{reasons[0] if reasons else 'no answer within 120 s'}") from None
        started = time.perf_counter()
        outcomes = [results.get(timeout=600) for _ in procs]
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
    errors = [detail for status, detail in outcomes if status != "ok"]
    if errors:
        raise RuntimeError(f"{side}: {len(errors)} process(es) failed: {errors[0]}")
    return elapsed


def _check(path: Path, baseline: bool) -> str:
    """After the timing: the ledger verifies and the hot wallets still hold all the money."""
    pf = PayFlow.open(path, password_hasher=PasswordHasher(**_HASHER))
    try:
        report = pf.verify()
        admin = pf.login("admin@bench.example", PASSWORD)
        total = sum(u.balance for u in pf.list_users(admin, search="@bench.example", role="USER").items)
    finally:
        pf.close()
    # The baseline writes no hash chain, so only the service's ledger is held to it.
    problems = [p for p in report.problems if not (baseline and p.startswith("journal chain"))]
    if total != HOT_WALLETS * FUNDING:
        problems.append("money not conserved")
    return "ok" if not problems else f"FAILED ({'; '.join(problems[:3])})"


def _compare(opts: BenchOptions, name: str, processes: int, count: int, repeat: int) -> BenchReport:
    paths = {side: opts.workdir / f"{side}.db" for side in SIDES}
    for path in paths.values():
        make_ledger(path)
    rates: dict[str, list[float]] = {side: [] for side in SIDES}
    total = count * processes
    for rep in range(repeat):
        # Alternate who goes first so drift in the machine's load favours neither side.
        order = ("baseline", "service") if rep % 2 == 0 else ("service", "baseline")
        for side in order:
            tag = f"r{rep}"
            if processes == 1:
                seconds = _one_process(side, paths[side], count, 1000 + rep, tag)
            else:
                seconds = _many_processes(side, paths[side], processes, count, 1000 + rep * 10, tag)
            rates[side].append(rate(total, seconds))
        opts.say(f"  run {rep + 1}/{repeat}: baseline {fmt_rate(rates['baseline'][-1])},"
                 f" service {fmt_rate(rates['service'][-1])}")
    base, serv = median(rates["baseline"]), median(rates["service"])
    checks = {side: _check(path, side == "baseline") for side, path in paths.items()}
    r = ratio(serv, base)
    figures = {
        "processes": processes, "transfers_per_run": total, "runs": repeat,
        "baseline_per_s": round(base, 1), "service_per_s": round(serv, 1), "ratio": round(r, 3),
        "target": TARGET, "meets_target": r >= TARGET,
        "baseline_runs": [round(x, 1) for x in rates["baseline"]],
        "service_runs": [round(x, 1) for x in rates["service"]],
        "verify": checks, "machine": machine(),
    }
    lines = [
        f"  {processes} process(es) x {count} transfers, {repeat} runs, medians:",
        f"    baseline (raw sqlite3, same row writes)  {fmt_rate(base):>10}",
        f"    service  (pf.transfer)                   {fmt_rate(serv):>10}",
        f"    ratio service/baseline                   {r:>10.2f}   (target >= {TARGET})",
        f"    ledgers afterwards: baseline {checks['baseline']}, service {checks['service']};"
        f" load average {figures['machine']['load_1min']} on {figures['machine']['cpus']} CPUs",
    ]
    return BenchReport(name, figures, lines)


@benchmark("transfers", "transfers/s, one process, one durable commit each: service vs raw sqlite3")
def bench_transfers(opts: BenchOptions) -> BenchReport:
    count = 10 if opts.quick else 300
    return _compare(opts, "transfers", 1, count, opts.repeat or (1 if opts.quick else 7))


@benchmark("transfers-4proc", "transfers/s, 4 processes at once on a few hot wallets: service vs raw sqlite3")
def bench_transfers_4proc(opts: BenchOptions) -> BenchReport:
    count = 5 if opts.quick else 150
    return _compare(opts, "transfers-4proc", 4, count, opts.repeat or (1 if opts.quick else 5))
