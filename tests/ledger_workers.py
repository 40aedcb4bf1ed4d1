"""Functions run in child processes (multiprocessing, spawn) by the concurrency tests.

Each opens its own PayFlow on the shared file and reports what it met, so the
parent can tell business refusals from unhandled errors such as "database is locked".
"""

from __future__ import annotations

import random
import sys
import traceback

from argon2 import PasswordHasher

PASSWORD = "correct-horse-battery"
FAST = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def open_pf(path):
    from payflow_tui.services import PayFlow

    return PayFlow.open(path, password_hasher=FAST)


def duplicate_transfer(path, email, to_email, amount, key, barrier, results) -> None:
    """Log in, wait for the others, then send the same keyed transfer as they do."""
    from payflow_tui.services import errors as E

    pf = open_pf(path)
    try:
        session = pf.login(email, PASSWORD)
        barrier.wait(timeout=240)
        try:
            results.put(("ok", pf.transfer(session, to_email, amount, key=key).transfer_ref))
        except E.PayFlowError as exc:
            results.put(("refused", exc.code))
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put(("error", traceback.format_exc()))
    finally:
        pf.close()


def transfer_storm(path, email, peers, rounds, seed, barrier, results) -> None:
    """Send ``rounds`` random transfers to ``peers``; report counts and any unexpected error."""
    from payflow_tui.services import errors as E

    rng = random.Random(seed)
    sent = refused = 0
    errors: list[str] = []
    pf = open_pf(path)
    try:
        session = pf.login(email, PASSWORD)
        barrier.wait(timeout=240)
        for i in range(rounds):
            to = rng.choice(peers)
            try:
                pf.transfer(session, to, rng.randint(1, 5_000), key=f"{email}:{seed}:{i}")
                sent += 1
            except (E.InsufficientFunds, E.WalletFrozen) as exc:
                refused += 1
                del exc
            except Exception as exc:  # noqa: BLE001 - every other error is a finding
                errors.append(f"{type(exc).__name__}: {exc}")
    except Exception:  # noqa: BLE001
        errors.append(traceback.format_exc())
    finally:
        pf.close()
    results.put((email, sent, refused, errors))


def crash_writer(path: str, email: str, to_email: str) -> None:
    """Transfer forever, printing each committed transfer's reference; killed from outside."""
    pf = open_pf(path)
    session = pf.login(email, PASSWORD)
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        result = pf.transfer(session, to_email, 1 + n % 7, memo=f"crash test {n}")
        print(result.transfer_ref, flush=True)


if __name__ == "__main__":
    crash_writer(*sys.argv[1:4])
