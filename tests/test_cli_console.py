"""The installed ``payflow`` console script and ``python -m payflow_tui``, as separate processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "correct-horse-battery"


def _payflow() -> list[str]:
    script = Path(sys.executable).with_name("payflow")
    if script.exists():
        return [str(script)]
    found = shutil.which("payflow")
    if found is None:
        pytest.skip("the payflow console script is not installed")
    return [found]


def run(*args: str, env: dict | None = None, module: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "payflow_tui"] if module else _payflow()
    full_env = {**os.environ, "PAYFLOW_PASSWORD": PASSWORD, **(env or {})}
    full_env.pop("PAYFLOW_DB", None)
    return subprocess.run([*command, *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_console_script_end_to_end(tmp_path):
    db = str(tmp_path / "p.db")
    assert run("--db", db, "init").returncode == 0
    made = run("--db", db, "--json", "admin", "create", "--email", "admin@bank.test", "--name", "Ada Admin")
    assert made.returncode == 0 and json.loads(made.stdout)["user"]["role"] == "ADMIN"
    made = run("--db", db, "user", "add", "--as", "admin@bank.test", "--email", "ada@bank.test", "--name", "Ada",
               env={"PAYFLOW_NEW_PASSWORD": PASSWORD})
    assert made.returncode == 0, made.stderr
    deposit = run("--db", db, "deposit", "--as", "ada@bank.test", "--amount", "1,000")
    assert deposit.returncode == 0 and deposit.stdout.startswith("DEP-")
    confirmed = run("--db", db, "deposit", "confirm", deposit.stdout.split()[0], "--as", "admin@bank.test")
    assert confirmed.returncode == 0, confirmed.stderr
    balance = run("--db", db, "--json", "balance", "--as", "ada@bank.test")
    assert json.loads(balance.stdout)["wallet"]["balance"] == "1000.00"
    verified = run("--db", db, "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("Ledger OK")


def test_errors_exit_with_their_code_and_no_traceback(tmp_path):
    db = str(tmp_path / "p.db")
    run("--db", db, "init")
    refused = run("--db", db, "--json", "balance", "--as", "ghost@bank.test")
    assert refused.returncode == 3 and json.loads(refused.stdout)["error"]["code"] == "AUTH_FAILED"
    missing = run("--db", str(tmp_path / "nope.db"), "verify")
    assert missing.returncode == 2 and missing.stdout == "" and "No database at" in missing.stderr
    for result in (refused, missing):
        assert "Traceback" not in result.stderr


def test_python_dash_m(tmp_path):
    result = run("--db", str(tmp_path / "p.db"), "--json", "init", "--sandbox", module=True)
    assert result.returncode == 0 and json.loads(result.stdout)["sandbox"] is True
    assert run("--help", module=True).returncode == 0
