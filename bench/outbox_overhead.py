"""What the outbox and the step-up check cost a transfer.

Transfers per second through the full service (two outbox events and a
step-up check inside every transfer's transaction) beside the same service
with those two hooks reduced to the core's no-ops, in the same run, on the
same kind of file. Prints medians of several rounds and their ratio.

    .venv/bin/python bench/outbox_overhead.py [--transfers 300] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

from payflow_tui.services import PayFlow
from payflow_tui.services.base import ServiceBase

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
PASSWORD = "bench-password-123"


class WithoutNotify(PayFlow):
    """The baseline: no outbox row and no step-up check in the transaction."""

    _emit = ServiceBase._emit
    _check_step_up = ServiceBase._check_step_up


def one_round(cls, folder: Path, n: int) -> float:
    pf = cls.open(folder / f"{cls.__name__}-{time.monotonic_ns()}.db", password_hasher=HASHER)
    try:
        pf.create_first_admin("admin@bench.test", "Admin", PASSWORD)
        admin = pf.login("admin@bench.test", PASSWORD)
        pf.create_user(admin, "teller@bench.test", "Teller", PASSWORD, "TELLER")
        pf.create_user(admin, "a@bench.test", "A", PASSWORD)
        pf.create_user(admin, "b@bench.test", "B", PASSWORD)
        teller, a = pf.login("teller@bench.test", PASSWORD), pf.login("a@bench.test", PASSWORD)
        pf.confirm_deposit(teller, pf.request_deposit(a, 10_000_000).reference)
        start = time.perf_counter()
        for _ in range(n):
            pf.transfer(a, "b@bench.test", 100)
        return n / (time.perf_counter() - start)
    finally:
        pf.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        full, base = [], []
        for _ in range(args.rounds):  # interleaved, so machine load falls on both alike
            base.append(one_round(WithoutNotify, folder, args.transfers))
            full.append(one_round(PayFlow, folder, args.transfers))
    b, f = statistics.median(base), statistics.median(full)
    print(f"baseline (no outbox, no step-up): {b:8.1f} transfers/s (median of {args.rounds})")
    print(f"with outbox and step-up:          {f:8.1f} transfers/s (median of {args.rounds})")
    print(f"ratio: {f / b:.2f}")


if __name__ == "__main__":
    main()
