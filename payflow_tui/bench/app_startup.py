"""Start-up to an interactive login screen: PayFlow beside a bare Textual app.

Each run is a fresh interpreter (a subprocess), timed from its launch until
the login screen is mounted, painted and its email field has the focus, which
the child reports on standard output. Both run headless at the same size.
The children cache their bytecode (in a temporary folder), as an installed
app does, even where PYTHONDONTWRITEBYTECODE is set: otherwise every run
would also compile PayFlow's own modules, which no user's start-up does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

READY = "READY"
SIZE = (100, 30)

# `payflow --db PATH` exactly as a person starts it (the scheduler and live updates
# included); only App.run is wrapped, to run headless with the auto-pilot below.
_PAYFLOW_CHILD = """
import sys
from payflow_tui.bench.app_startup import wait_until_ready
from payflow_tui.tui.app import PayFlowApp
real_run = PayFlowApp.run
PayFlowApp.run = lambda self, **kw: real_run(self, headless=True, size={size},
                                             auto_pilot=wait_until_ready("LoginScreen"))
from payflow_tui.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""

_BARE_CHILD = """
from payflow_tui.bench.bare_login import BareLoginApp
from payflow_tui.bench.app_startup import wait_until_ready
app = BareLoginApp()
app.run(headless=True, size={size}, auto_pilot=wait_until_ready("Screen"))
"""


def wait_until_ready(screen_name: str):
    """An auto-pilot: once the screen is up with a focused Input and painted, say so and quit.

    It waits with screen_timing.until rather than Pilot.pause(): pause() also waits until
    the whole process is idle (up to a second), so PayFlow's start-up check of every wallet
    against its postings, which runs on a worker thread while the login screen already
    takes keys, would be counted as start-up.
    """

    async def pilot_job(pilot) -> None:
        from textual.widgets import Input

        from .screen_timing import until

        app = pilot.app
        # Returns once the frame with the focused field is drawn.
        await until(app, lambda: type(app.screen).__name__ == screen_name and isinstance(app.focused, Input))
        print(READY, flush=True)
        app.exit()

    return pilot_job


@dataclass
class StartupResult:
    payflow: list[float]
    bare: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.payflow) / statistics.median(self.bare)


def _time_child(code: str, *args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=env)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == READY:
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"the app exited without reaching its login screen ({child.wait()})")
    child.wait(timeout=30)
    return elapsed


def measure(db_path: str | Path, runs: int = 7) -> StartupResult:
    """Alternate the two apps ``runs`` times each (one warm-up of each first, not counted)."""
    payflow_code = _PAYFLOW_CHILD.format(size=SIZE)
    bare_code = _BARE_CHILD.format(size=SIZE)
    with tempfile.TemporaryDirectory(prefix="payflow-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        _time_child(payflow_code, str(db_path), env=env)
        _time_child(bare_code, env=env)
        result = StartupResult([], [])
        for _ in range(runs):
            result.payflow.append(_time_child(payflow_code, str(db_path), env=env))
            result.bare.append(_time_child(bare_code, env=env))
    return result


def report(result: StartupResult) -> str:
    p, b = statistics.median(result.payflow), statistics.median(result.bare)
    return (f"start-up to an interactive login screen ({len(result.payflow)} runs each, medians):\n"
            f"  bare Textual app, same widgets  {b * 1000:7.0f} ms\n"
            f"  PayFlow                         {p * 1000:7.0f} ms\n"
            f"  ratio                           {result.ratio:7.2f}x  (target: at most 1.5x)")
