"""A large PayFlow database for benchmarks, built with raw SQL in seconds.

The schema comes from ``PayFlow.open`` (so every migration and trigger is
there); the rows are generated inside SQLite by recursive CTEs, spread over
the year before ``END``: deposits (a few pending or rejected), withdrawals,
transfers (two rows each), subscription charges (some failed renewals),
plans and subscriptions. One admin can log in with ``PASSWORD``.

Benchmarks take it with ``shared_db(options, transactions)``: built once per
``payflow bench`` run into the shared directory, whichever benchmark asks first.
Alone:

    python -m payflow_tui.bench.bigdb /tmp/big.db --transactions 1000000
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher

from ..clock import FrozenClock
from ..services import PayFlow
from . import BenchOptions

ADMIN_EMAIL = "admin@bench.test"
PASSWORD = "bench-password-1"
END = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
SPAN_SECONDS = 365 * 24 * 3600
FAST_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Of every 10 movements: 4 deposits, 2 withdrawals, 3 transfers, 1 subscription charge.
_KIND = ("CASE m % 10 WHEN 0 THEN 'DEPOSIT' WHEN 1 THEN 'DEPOSIT' WHEN 2 THEN 'DEPOSIT'"
         " WHEN 3 THEN 'WITHDRAWAL' WHEN 4 THEN 'WITHDRAWAL' WHEN 5 THEN 'TRANSFER'"
         " WHEN 6 THEN 'TRANSFER' WHEN 7 THEN 'TRANSFER' WHEN 8 THEN 'SUBSCRIPTION'"
         " ELSE 'DEPOSIT' END")


def movements_for(transactions: int) -> int:
    """How many movements make at least ``transactions`` rows: a successful
    transfer is two rows, a refused one (see ``_movements``) only one."""
    rows = m = 0
    while rows < transactions:
        m += 1
        rows += 2 if m % 10 in (5, 6, 7) and m % 53 != 0 else 1
    return m


def build(path: str | Path, *, transactions: int = 1_000_000, users: int = 10_000) -> dict:
    """Create ``path`` afresh and fill it; returns counts and the build time."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    pf = PayFlow.open(path, clock=FrozenClock(END), password_hasher=FAST_HASHER)
    pf.create_first_admin(ADMIN_EMAIL, "Bench Admin", PASSWORD)
    pf.close()

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    movements = movements_for(transactions)
    start_unix = int(END.timestamp()) - SPAN_SECONDS
    conn.execute("BEGIN")
    _users_and_wallets(conn, users)
    _movements(conn, movements, users, start_unix)
    _subscriptions(conn, users, start_unix)
    conn.execute("COMMIT")
    count = conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    return {"transactions": count, "users": users, "seconds": time.perf_counter() - started}


def shared_db(options: BenchOptions, transactions: int, users: int = 10_000) -> Path:
    """The database of that size in ``options.shared``, built the first time it is asked for.

    Read it in place; a benchmark that writes (an export from the app lands beside
    the database) copies it into its own workdir first."""
    folder = options.shared or options.workdir
    path = folder / f"bigdb-{transactions}-{users}users.db"
    if not path.exists():
        options.say(f"  building {transactions:,} transactions, {users:,} users (once for this run) ...")
        # Built under another name: a build that fails half-way is not taken for a whole one.
        partial = folder / f"{path.name}.partial"
        made = build(partial, transactions=transactions, users=users)
        os.replace(partial, path)
        options.say(f"  built {made['transactions']:,} transactions in {made['seconds']:.1f} s")
    return path


def _users_and_wallets(conn: sqlite3.Connection, users: int) -> None:
    created = "2025-01-01T00:00:00.000000+00:00"
    conn.execute(
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ?)"
        " INSERT INTO users (email, name, password_hash, role, created_at)"
        " SELECT printf('user%06d@bench.test', n), printf('Customer %d', n),"
        " '$argon2id$v=19$no-login', 'USER', ? FROM s",
        (users, created),
    )
    conn.execute(
        "INSERT INTO ledger_accounts (kind, currency, name)"
        " SELECT 'WALLET', 'NGN', 'Wallet of ' || email FROM users WHERE id NOT IN"
        " (SELECT user_id FROM wallets) ORDER BY id"
    )
    conn.execute(
        "INSERT INTO wallets (user_id, account_id, balance, currency, created_at)"
        " SELECT u.id, a.id, (u.id * 2654435761) % 900000000, 'NGN', ?"
        " FROM users u JOIN ledger_accounts a ON a.name = 'Wallet of ' || u.email"
        " WHERE u.id NOT IN (SELECT user_id FROM wallets)",
        (created,),
    )


def _movements(conn: sqlite3.Connection, movements: int, users: int, start_unix: int) -> None:
    # The first wallet is the admin's; customers' wallets follow it.
    base = ("WITH RECURSIVE s(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM s WHERE m < :movements),"
            " g AS (SELECT m, " + _KIND + " AS kind,"
            " 2 + (m * 2654435761) % :users AS wallet,"
            " 2 + ((m * 2654435761) % :users + 1 + (m * 40503) % (:users - 1)) % :users AS other,"
            " 100 * (1 + (m * 7919) % 50000) AS amount,"
            " strftime('%Y-%m-%dT%H:%M:%S', :start + m * :span / :movements, 'unixepoch')"
            "   || printf('.%06d+00:00', (m * 7919) % 1000000) AS at,"
            " CASE WHEN m % 10 IN (0, 1, 2, 9) AND m % 97 = 0 THEN 'FAILED'"
            "      WHEN m % 10 = 8 AND m % 7 = 0 THEN 'FAILED'"
            "      WHEN m % 10 IN (3, 4, 5, 6, 7) AND m % 53 = 0 THEN 'FAILED'"
            "      ELSE 'SUCCESS' END AS status FROM s)")
    params = {"movements": movements, "users": users, "start": start_unix, "span": SPAN_SECONDS}
    conn.execute(
        base + " INSERT INTO journal_entries (id, kind, description, created_at, prev_hash, hash)"
        " SELECT m, kind, kind || ' ' || m, at, '', 'bench-' || m FROM g WHERE status = 'SUCCESS'",
        params,
    )
    prefix = "CASE kind WHEN 'DEPOSIT' THEN 'DEP' WHEN 'WITHDRAWAL' THEN 'WDR' WHEN 'TRANSFER' THEN 'TRF' ELSE 'SUB' END"
    conn.execute(
        base + " INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
        " transfer_ref, counterparty_wallet_id, memo, failure_code, failure_reason, journal_entry_id,"
        " actor_user_id, created_at, updated_at)"
        " SELECT wallet, kind, CASE kind WHEN 'DEPOSIT' THEN 'CREDIT' ELSE 'DEBIT' END, amount, 'NGN',"
        " status, printf('%s-%010d', " + prefix + ", m) || CASE kind WHEN 'TRANSFER' THEN '-D' ELSE '' END,"
        " CASE kind WHEN 'TRANSFER' THEN printf('TRF-%010d', m) END,"
        " CASE kind WHEN 'TRANSFER' THEN other END,"
        " CASE WHEN m % 5 = 0 THEN 'Invoice ' || m || ', \"March\", thanks' END,"
        " CASE status WHEN 'FAILED' THEN CASE kind WHEN 'DEPOSIT' THEN 'REJECTED' ELSE 'INSUFFICIENT_FUNDS' END END,"
        " CASE status WHEN 'FAILED' THEN 'Insufficient funds: the balance is short.' END,"
        " CASE status WHEN 'SUCCESS' THEN m END, wallet, at, at FROM g",
        params,
    )
    conn.execute(
        base + " INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
        " transfer_ref, counterparty_wallet_id, memo, journal_entry_id, actor_user_id, created_at, updated_at)"
        " SELECT other, 'TRANSFER', 'CREDIT', amount, 'NGN', 'SUCCESS', printf('TRF-%010d-C', m),"
        " printf('TRF-%010d', m), wallet, CASE WHEN m % 5 = 0 THEN 'Invoice ' || m || ', \"March\", thanks' END,"
        " m, wallet, at, at FROM g WHERE kind = 'TRANSFER' AND status = 'SUCCESS'",
        params,
    )


def _subscriptions(conn: sqlite3.Connection, users: int, start_unix: int) -> None:
    at = "2025-03-01T00:00:00.000000+00:00"
    plans = [("Basic", 150000, 30), ("Plus", 350000, 30), ("Premium", 900000, 30), ("Annual", 3500000, 365)]
    conn.executemany(
        "INSERT INTO subscription_plans (name, price, duration_days, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)", [(n, p, d, at, at) for n, p, d in plans],
    )
    conn.execute(
        "INSERT INTO user_subscriptions (user_id, plan_id, status, anchor_at, current_period_start,"
        " current_period_end, next_renewal_at, created_at, updated_at)"
        " SELECT id, CASE WHEN id % 10 < 5 THEN 2 WHEN id % 10 < 8 THEN 1 WHEN id % 10 < 9 THEN 3 ELSE 4 END,"
        " CASE WHEN id % 11 = 0 THEN 'SUSPENDED' WHEN id % 13 = 0 THEN 'EXPIRED' ELSE 'ACTIVE' END,"
        " ?, ?, '2026-03-20T00:00:00.000000+00:00', '2026-03-20T00:00:00.000000+00:00', ?, ?"
        " FROM users WHERE role = 'USER' AND id % 2 = 0",
        (at, at, at, at),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args(argv)
    result = build(args.path, transactions=args.transactions, users=args.users)
    print(f"{result['transactions']:,} transactions, {result['users']:,} users"
          f" in {result['seconds']:.1f} s -> {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
