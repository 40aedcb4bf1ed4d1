"""Running the demo's simulation in a process of its own while this one writes.

A large demo is two jobs of about the same size: the simulation (pure Python)
and SQLite's inserts. Two threads cannot share that work, because the GIL hands
the writing thread its turn back only once per switch interval; two processes
can. The child makes the batches and sends them down a pipe; the parent, which
holds the write transaction, writes each as it arrives. A pipe that fills up
blocks the child, so at most a couple of batches are ever in memory.

The builder is deterministic, so a seed gives the same rows either way.
"""

from __future__ import annotations

import random
from typing import Callable

from .demo_builder import DemoBuilder, DemoStart

# Below this many transactions starting a process costs more than it saves.
PROCESS_FROM = 100_000
_DONE, _FAILED = "done", "failed"


class DemoBuildFailed(RuntimeError):
    """The simulation stopped before it finished; nothing it made is kept."""


def _child(start: DemoStart, rng: random.Random, users: int, transactions: int, pipe) -> None:
    try:
        result = DemoBuilder(start, rng, pipe.send).build(users, transactions)
        pipe.send((_DONE, result))
    except BaseException as exc:  # told to the parent, which raises it where the transaction can roll back
        try:
            pipe.send((_FAILED, f"{type(exc).__name__}: {exc}"))
        except OSError:  # the parent is gone: nobody to tell
            pass
    finally:
        pipe.close()


def build(start: DemoStart, rng: random.Random, write: Callable[[tuple], None],
          users: int, transactions: int) -> dict:
    """Make the demo's rows and hand each batch to ``write``; returns the builder's summary."""
    if transactions < PROCESS_FROM:
        return DemoBuilder(start, rng, write).build(users, transactions)
    import multiprocessing  # here, not at the top: only a large demo needs it

    # spawn, not fork: the caller may have threads (a fork would copy their locks).
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(start, rng, users, transactions, send),
                            name="payflow-demo-builder", daemon=True)
    child.start()
    send.close()  # only the child writes: the parent's recv sees EOF if the child dies
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise DemoBuildFailed("The demo's simulation stopped unexpectedly; nothing was written.") from None
            if message[0] == _DONE:
                return message[1]
            if message[0] == _FAILED:
                raise DemoBuildFailed(f"The demo's simulation failed ({message[1]}); nothing was written.")
            write(message)
    finally:
        # A parent that failed first closes the pipe: the child's next send fails and it ends.
        receive.close()
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
            child.join()
