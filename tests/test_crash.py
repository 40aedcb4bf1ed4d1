"""A writer killed with SIGKILL mid-stream, many times: every reported commit survives, the ledger stays whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ledger_helpers import ledger_problems, query
from payflow_tui.services import PayFlow

pytestmark = pytest.mark.slow

WRITER = Path(__file__).with_name("ledger_workers.py")
KILLS = 12


def start_writer(db_path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), "ada@bank.test", "bola@bank.test"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
    )
    line = proc.stdout.readline().strip()
    if line != "READY":
        proc.kill()
        raise AssertionError(f"writer did not start: {line!r} {proc.stderr.read()}")
    return proc


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_writers_lose_no_reported_commit(bank, db_path):
    # conftest's db_path, on the real disk: WAL recovery after a kill is the point.
    bank.fund(bank.ada, 10_000_000)
    bank.pf.close()
    rng = random.Random(20260115)
    reported: list[str] = []
    for kill in range(KILLS):
        proc = start_writer(db_path)
        wanted = rng.randint(3, 40)
        seen = 0
        while seen < wanted:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer stopped on its own: {proc.stderr.read()}")
            reported.append(line.strip())
            seen += 1
        time.sleep(rng.random() * 0.02)  # land the kill at an arbitrary point of the next transfer
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # Whatever it printed before dying was committed before it printed.
        reported.extend(line.strip() for line in proc.stdout.read().splitlines() if line.strip())
        proc.stdout.close()
        proc.stderr.close()

        pf = PayFlow.open(db_path)
        try:
            report = pf.verify()
            assert report.ok, (kill, report.problems)
        finally:
            pf.close()
        assert ledger_problems(db_path) == []
        stored = {r[0] for r in query(db_path, "SELECT transfer_ref FROM transactions"
                                               " WHERE type = 'TRANSFER' AND status = 'SUCCESS'")}
        missing = [ref for ref in reported if ref not in stored]
        assert missing == [], f"after kill {kill + 1}: reported but not stored: {missing}"

    rows = query(db_path, "SELECT transfer_ref, count(*) FROM transactions WHERE type = 'TRANSFER'"
                          " GROUP BY transfer_ref")
    assert all(r[1] == 2 for r in rows)  # never half a transfer
    total = query(db_path, "SELECT sum(balance) FROM wallets")[0][0]
    assert total == 10_000_000
    assert len(reported) >= KILLS * 3
