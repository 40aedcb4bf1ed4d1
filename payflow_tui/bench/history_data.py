"""A large sandbox ledger for the app benchmarks, written with raw SQL in bulk.

Going through the services would take hours for a million rows (one argon2
hash per user, one BEGIN IMMEDIATE per movement), so this writes the same
rows the services would: users and wallets, balanced hash-chained journal
entries with their postings (the posting trigger moves the balances, the
CHECK keeps them non-negative), and the transaction rows people read. One
wallet (``HEAVY_EMAIL``) holds a large share of the rows, so the benchmarks
can page a wallet with very many transactions.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher

from ..clock import to_iso
from ..services import PayFlow
from ..services.chain import journal_hash

PASSWORD = "bench-password-1"
ADMIN_EMAIL = "admin@bench.test"
HEAVY_EMAIL = "heavy@bench.test"
LIGHT_EMAIL = "user00042@bench.test"
END = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
SPAN = timedelta(days=365)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A bijection of the counter onto 10 base-32 digits, so references look random yet never repeat.
_SPACE = 32 ** 10
_MULT = 0x9E3779B97F4A7C15 % _SPACE | 1


def reference_body(n: int) -> str:
    x = (n * _MULT) % _SPACE
    return "".join(_ALPHABET[(x >> (5 * i)) & 31] for i in range(9, -1, -1))


@dataclass
class Generated:
    path: Path
    users: int
    transactions: int
    seconds: float


def generate(path: str | Path, *, users: int = 2000, transactions: int = 1_000_000,
             heavy_share: float = 0.2, seed: int = 7) -> Generated:
    """Create a new sandbox database at ``path`` holding about ``transactions`` rows."""
    started = time.perf_counter()
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; the generator only writes a new database.")
    pf = PayFlow.open(path, sandbox=True)
    conn = pf._conn()
    rng = random.Random(seed)
    # One hash for every bench login: hashing 2,000 passwords would dominate the run.
    pw_hash = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(PASSWORD)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    wallets = _people(conn, users, pw_hash)
    cash = conn.execute("INSERT INTO ledger_accounts (kind, currency, name)"
                        " VALUES ('CASH_CLEARING', 'NGN', 'Cash clearing (NGN)')").lastrowid
    conn.execute("COMMIT")
    heavy = wallets[HEAVY_EMAIL]
    customers = [w for e, w in wallets.items() if e.startswith("user") or e == HEAVY_EMAIL]
    written = _movements(conn, rng, customers, heavy, cash, transactions, heavy_share)
    conn.execute("PRAGMA synchronous = FULL")
    pf.close()
    return Generated(path, users, written, time.perf_counter() - started)


def _people(conn, users: int, pw_hash: str) -> dict[str, tuple[int, int]]:
    """Users with their wallets; returns email -> (wallet id, ledger account id)."""
    created = to_iso(END - SPAN - timedelta(days=1))
    people = [(ADMIN_EMAIL, "Bench Admin", "ADMIN"), ("teller@bench.test", "Bench Teller", "TELLER"),
              (HEAVY_EMAIL, "Heavy Trader", "USER")]
    people += [(f"user{i:05d}@bench.test", f"Customer {i:05d}", "USER") for i in range(users - len(people))]
    wallets = {}
    for email, name, role in people:
        user_id = conn.execute(
            "INSERT INTO users (email, name, password_hash, role, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", (email, name, pw_hash, role, created, created)).lastrowid
        account = conn.execute("INSERT INTO ledger_accounts (kind, currency, name) VALUES ('WALLET', 'NGN', ?)",
                               (f"Wallet of {email}",)).lastrowid
        wallet = conn.execute("INSERT INTO wallets (user_id, account_id, currency, created_at)"
                              " VALUES (?, ?, 'NGN', ?)", (user_id, account, created)).lastrowid
        wallets[email] = (wallet, account)
    return wallets


def _movements(conn, rng, customers, heavy, cash, target: int, heavy_share: float) -> int:
    balances = {w: 0 for w, _ in customers}
    step = SPAN / target
    entry_id, prev = 0, "0" * 64
    n = 0
    tx_rows: list[tuple] = []
    entries: list[tuple] = []
    postings: list[tuple] = []

    def flush() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO journal_entries (id, kind, description, created_at, prev_hash, hash)"
                         " VALUES (?,?,?,?,?,?)", entries)
        conn.executemany("INSERT INTO postings (entry_id, account_id, amount) VALUES (?,?,?)", postings)
        conn.executemany(
            "INSERT INTO transactions (wallet_id, type, direction, amount, currency, status, reference,"
            " transfer_ref, counterparty_wallet_id, memo, failure_code, failure_reason, journal_entry_id,"
            " actor_user_id, created_at, updated_at) VALUES (?,?,?,?,'NGN',?,?,?,?,?,?,?,?,NULL,?,?)",
            tx_rows)
        conn.execute("COMMIT")
        entries.clear(), postings.clear(), tx_rows.clear()

    def post(kind: str, description: str, at: str, legs: list[tuple[int, int]]) -> int:
        nonlocal entry_id, prev
        entry_id += 1
        digest = journal_hash(prev, entry_id, kind, description, at, legs)
        entries.append((entry_id, kind, description, at, prev, digest))
        postings.extend((entry_id, account, amount) for account, amount in legs)
        prev = digest
        return entry_id

    while n < target:
        at_dt = END - SPAN + step * n
        at = to_iso(at_dt)
        wallet, account = heavy if rng.random() < heavy_share else rng.choice(customers)
        roll = rng.random()
        amount = rng.randrange(100, 5_000_000, 50)
        if roll < 0.40 or balances[wallet] < 10_000:
            ref = f"DEP-{reference_body(n)}"
            status = "SUCCESS" if rng.random() < 0.96 else rng.choice(("PENDING", "FAILED"))
            if status == "PENDING" and at_dt < END - timedelta(hours=20):
                status = "FAILED"
            entry = None
            if status == "SUCCESS":
                entry = post("DEPOSIT", f"Deposit {ref}", at, [(cash, -amount), (account, amount)])
                balances[wallet] += amount
            reason = "Expired: not confirmed within 24 h" if status == "FAILED" else None
            tx_rows.append((wallet, "DEPOSIT", "CREDIT", amount, status, ref, None, None, None,
                            "EXPIRED" if reason else None, reason, entry, at, at))
            n += 1
        elif roll < 0.55:
            ref = f"WDR-{reference_body(n)}"
            if amount <= balances[wallet]:
                entry = post("WITHDRAWAL", f"Withdrawal {ref}", at, [(account, -amount), (cash, amount)])
                balances[wallet] -= amount
                tx_rows.append((wallet, "WITHDRAWAL", "DEBIT", amount, "SUCCESS", ref, None, None, None,
                                None, None, entry, at, at))
            else:
                tx_rows.append((wallet, "WITHDRAWAL", "DEBIT", amount, "FAILED", ref, None, None, None,
                                "INSUFFICIENT_FUNDS", "Insufficient funds.", None, at, at))
            n += 1
        else:
            other, other_account = rng.choice(customers)
            if other == wallet:
                continue
            tref = f"TRF-{reference_body(n)}"
            memo = rng.choice((None, None, "rent", "school fees", "groceries", "thanks"))
            amount = min(amount, balances[wallet])
            if amount <= 0:
                continue
            entry = post("TRANSFER", f"Transfer {tref}", at, [(account, -amount), (other_account, amount)])
            balances[wallet] -= amount
            balances[other] += amount
            tx_rows.append((wallet, "TRANSFER", "DEBIT", amount, "SUCCESS", f"{tref}-D", tref, other, memo,
                            None, None, entry, at, at))
            tx_rows.append((other, "TRANSFER", "CREDIT", amount, "SUCCESS", f"{tref}-C", tref, wallet, memo,
                            None, None, entry, at, at))
            n += 2
        if len(tx_rows) >= 50_000:
            flush()
    flush()
    return n


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    args = parser.parse_args()
    made = generate(args.path, users=args.users, transactions=args.transactions)
    print(f"{made.transactions:,} transactions for {made.users:,} users in {made.path}"
          f" ({made.seconds:.0f} s)")


if __name__ == "__main__":
    main()
