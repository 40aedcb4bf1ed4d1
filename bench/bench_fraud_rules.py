"""What the fraud rules cost a transfer: transfers per second through the service with
every rule enabled, beside the same service with every rule disabled, in the same run.

    .venv/bin/python bench/bench_fraud_rules.py [--transfers 300] [--rounds 5] [--history 20000]

Rounds alternate (rules on, rules off) so both see the same disk and the same
growing history; the figures are medians. ``--history`` first writes that many
settled transfers for the hot wallets today (raw rows, like an import), so the
windows the rules read are not trivially small.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from payflow_tui.clock import to_iso  # noqa: E402
from payflow_tui.services import PayFlow  # noqa: E402
from payflow_tui.services.ledger import insert_transaction, new_reference, post_entry  # noqa: E402

PASSWORD = "benchmark-password"
USERS = 8


def setup(path: Path, history: int):
    pf = PayFlow.open(path, password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    pf.create_first_admin("admin@bench.test", "Admin", PASSWORD)
    admin = pf.login("admin@bench.test", PASSWORD)
    pf.create_user(admin, "teller@bench.test", "Teller", PASSWORD, "TELLER")
    teller = pf.login("teller@bench.test", PASSWORD)
    sessions = []
    for i in range(USERS):
        pf.create_user(admin, f"u{i}@bench.test", f"User {i}", PASSWORD)
        tx = pf.request_deposit(admin, 10_000_000_000, for_email=f"u{i}@bench.test")
        pf.confirm_deposit(teller, tx.reference)
        sessions.append(pf.login(f"u{i}@bench.test", PASSWORD))
    if history:
        _history(pf, history)
    return pf, admin, sessions


def _history(pf: PayFlow, count: int) -> None:
    with pf._write() as conn:
        wallets = conn.execute("SELECT w.* FROM wallets w JOIN users u ON u.id = w.user_id"
                               " WHERE u.email LIKE 'u%'").fetchall()
        now = pf._now(conn)
        for n in range(count):
            a, b = random.sample(wallets, 2)
            ref = new_reference("TRANSFER")
            entry = post_entry(conn, now, "TRANSFER", f"Transfer {ref}", [(a["account_id"], -1), (b["account_id"], 1)])
            common = dict(type="TRANSFER", amount=1, status="SUCCESS", at=now, actor_id=a["user_id"],
                          transfer_ref=ref, journal_entry_id=entry)
            insert_transaction(conn, wallet=a, direction="DEBIT", reference=f"{ref}-D",
                               counterparty_wallet_id=b["id"], **common)
            insert_transaction(conn, wallet=b, direction="CREDIT", reference=f"{ref}-C",
                               counterparty_wallet_id=a["id"], **common)


def set_all(pf: PayFlow, admin, enabled: bool) -> None:
    for rule in pf.list_rules(admin):
        if rule.enabled != enabled:
            pf.set_rule(admin, rule.code, enabled=enabled)


def round_rate(pf: PayFlow, sessions, n: int) -> float:
    pairs = [random.sample(range(USERS), 2) for _ in range(n)]
    start = time.perf_counter()
    for a, b in pairs:
        pf.transfer(sessions[a], f"u{b}@bench.test", random.randint(1, 1_000))
    return n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transfers", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--history", type=int, default=20_000)
    args = ap.parse_args()
    random.seed(7)
    with tempfile.TemporaryDirectory() as tmp:
        pf, admin, sessions = setup(Path(tmp) / "bench.db", args.history)
        on, off = [], []
        for _ in range(args.rounds):
            admin = pf.login("admin@bench.test", PASSWORD)  # sessions idle out between rounds
            sessions = [pf.login(f"u{i}@bench.test", PASSWORD) for i in range(USERS)]
            set_all(pf, admin, True)
            on.append(round_rate(pf, sessions, args.transfers))
            set_all(pf, admin, False)
            off.append(round_rate(pf, sessions, args.transfers))
        set_all(pf, admin, True)
        assert pf.verify().ok
        pf.close()
    with_rules, without = statistics.median(on), statistics.median(off)
    print(f"transfers/s, rules on  (median of {args.rounds}): {with_rules:8.1f}")
    print(f"transfers/s, rules off (median of {args.rounds}): {without:8.1f}   <- baseline, same run")
    print(f"ratio on/off: {with_rules / without:.2f}   (history: {args.history} transfers today)")


if __name__ == "__main__":
    main()
