"""Running ``payflow`` in-process for the CLI tests: a runner, a small bank, a checksum.

Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from payflow_tui.cli import main
from payflow_tui.services import PayFlow
from payflow_tui.services import base as service_base
from tests.conftest import FAST_HASHER, PASSWORD

NEW_PASSWORD = "another-long-password"


class Cli:
    """``cli("balance", "--as", email)`` runs ``payflow --db DB ...`` and returns
    (exit code, the one JSON object printed) or, with ``json=False``,
    (exit code, stdout, stderr)."""

    def __init__(self, db: Path, capsys, monkeypatch) -> None:
        self.db, self.capsys, self.monkeypatch = db, capsys, monkeypatch

    def __call__(self, *args: str, json_out: bool = True, password: str | None = PASSWORD,
                 db: Path | str | None = None):
        if password is None:
            self.monkeypatch.delenv("PAYFLOW_PASSWORD", raising=False)
        else:
            self.monkeypatch.setenv("PAYFLOW_PASSWORD", password)
        argv = ["--db", str(db if db is not None else self.db), *args]
        rc = main(argv + (["--json"] if json_out else []))
        captured = self.capsys.readouterr()
        if not json_out:
            return rc, captured.out, captured.err
        lines = [line for line in captured.out.splitlines() if line.strip()]
        assert len(lines) == 1, f"--json must print exactly one object, got: {captured.out!r}"
        return rc, json.loads(lines[0])


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    """A runner on an empty path (nothing created yet); argon2 at OWASP's minimum cost."""
    monkeypatch.setattr(service_base, "default_hasher", lambda: FAST_HASHER)
    monkeypatch.setenv("PAYFLOW_NEW_PASSWORD", NEW_PASSWORD)
    monkeypatch.delenv("PAYFLOW_OTP", raising=False)
    monkeypatch.delenv("PAYFLOW_DB", raising=False)
    return Cli(tmp_path / "bank.db", capsys, monkeypatch)


@pytest.fixture
def bank_cli(cli) -> Cli:
    """A runner on a bank with admin, teller, ada (holding ₦10,000.00) and bola."""
    pf = PayFlow.open(cli.db, password_hasher=FAST_HASHER)
    try:
        pf.create_first_admin("admin@bank.test", "Ada Admin", PASSWORD)
        admin = pf.login("admin@bank.test", PASSWORD)
        pf.create_user(admin, "teller@bank.test", "Tunde Teller", PASSWORD, "TELLER")
        pf.create_user(admin, "ada@bank.test", "Ada Obi", PASSWORD, "USER")
        pf.create_user(admin, "bola@bank.test", "Bola Ade", PASSWORD, "USER")
        pf.set_setting(admin, "email_notifications", "0")
        pf.confirm_deposit(admin, pf.request_deposit(admin, 1_000_000, for_email="ada@bank.test").reference)
    finally:
        pf.close()
    return cli


def checksum(db: Path) -> str:
    """Every row of every table: equal checksums mean nothing changed."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def balance_of(db: Path, email: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT w.balance FROM wallets w JOIN users u ON u.id = w.user_id"
                            " WHERE u.email = ?", (email,)).fetchone()[0]
    finally:
        conn.close()
