"""clock show | advance, verify, demo and bench from the command line."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from tests.cli_support import bank_cli, checksum, cli  # noqa: F401

ADMIN = ("--as", "admin@bank.test")


def test_clock_show_on_a_normal_database(bank_cli):
    rc, data = bank_cli("clock", "show")
    assert rc == 0 and data["sandbox"] is False and data["offset_seconds"] == 0
    assert datetime.fromisoformat(data["now"]).utcoffset() == timedelta(0)
    rc, out, _ = bank_cli("clock", "show", json_out=False)
    assert out.rstrip().endswith("normal database (real time)")


def test_clock_advance_is_for_an_admin_on_a_sandbox(cli):
    cli("init", "--sandbox")
    cli("admin", "create", "--email", "admin@bank.test", "--name", "Ada Admin")
    before = datetime.fromisoformat(cli("clock", "show")[1]["now"])
    rc, data = cli("clock", "advance", *ADMIN, "--by", "31d")
    assert rc == 0 and datetime.fromisoformat(data["now"]) - before >= timedelta(days=31)
    rc, data = cli("clock", "show")
    assert data["sandbox"] is True and data["offset_seconds"] == 31 * 86400
    rc, out, _ = cli("clock", "show", json_out=False)
    assert "moved forward 31.00 days" in out
    for bad in ("31", "-1d", "1y", "0h", "1.5d", ""):
        rc, data = cli("clock", "advance", *ADMIN, "--by", bad)
        assert rc == 2 and data["error"]["code"] == "INVALID_INPUT", bad


def test_clock_advance_is_refused_on_a_normal_database(bank_cli):
    rc, data = bank_cli("clock", "advance", *ADMIN, "--by", "1d")
    assert rc == 1 and data["error"]["code"] == "NOT_SANDBOX"
    rc, data = bank_cli("clock", "advance", "--as", "teller@bank.test", "--by", "1d")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"


def test_verify_ok(bank_cli):
    rc, data = bank_cli("verify")
    assert rc == 0 and data["ok"] is True and data["problems"] == []
    assert data["checked"]["wallets"] == 4 and data["checked"]["journal_entries"] == 1
    rc, out, _ = bank_cli("verify", json_out=False)
    assert rc == 0 and out.startswith("Ledger OK (1 journal_entries, 2 postings, 1 transactions, 4 wallets")


def test_verify_names_each_problem_and_exits_1(bank_cli):
    conn = sqlite3.connect(bank_cli.db)
    conn.execute("UPDATE wallets SET balance = balance + 100 WHERE user_id ="
                 " (SELECT id FROM users WHERE email = 'bola@bank.test')")
    conn.commit()
    conn.close()
    rc, data = bank_cli("verify")
    assert rc == 1 and data["ok"] is False
    assert data["problems"] == ["wallet 4 (bola@bank.test) balance ₦1.00 does not equal its postings ₦0.00"]
    rc, out, _ = bank_cli("verify", json_out=False)
    assert rc == 1 and out.splitlines()[:2] == [
        "Ledger check FAILED: 1 problem(s).",
        "  - wallet 4 (bola@bank.test) balance ₦1.00 does not equal its postings ₦0.00"]


def test_demo_fills_a_sandbox_and_verify_passes(cli):
    cli("init", "--sandbox")
    rc, data = cli("demo", "--users", "30", "--transactions", "400", "--seed", "7")
    assert rc == 0 and data["users"] == 30 and data["transactions"] == 400 and data["password"] == "demo-password"
    assert sum(n for by_status in data["counts"].values() for n in by_status.values()) == 400
    assert data["seconds"] >= 0
    assert cli("verify")[1]["ok"] is True
    rc, data = cli("balance", "--as", data["teller_email"], password="demo-password")
    assert rc == 0
    rc, data = cli("demo", "--users", "30", "--transactions", "400")
    assert rc == 1 and data["error"]["code"] == "CONFLICT"


def test_demo_for_people(cli):
    cli("init", "--sandbox")
    rc, out, _ = cli("demo", "--users", "10", "--transactions", "50", json_out=False)
    assert rc == 0 and out.startswith(f"Filled {cli.db} in ")
    assert "Every demo user's password is 'demo-password'; an admin is admin@payflow.example" in out


def test_demo_is_refused_on_a_normal_database_and_for_bad_sizes(bank_cli):
    before = checksum(bank_cli.db)
    rc, data = bank_cli("demo", "--users", "10", "--transactions", "10")
    assert rc == 1 and data["error"]["code"] == "NOT_SANDBOX"
    for args in (("--users", "0"), ("--users", "many"), ("--transactions", "-5"), ("--transactions", "10000001")):
        rc, data = bank_cli("demo", *args)
        assert rc == 2 and data["error"]["code"] == "INVALID_INPUT", args
    rc, data = bank_cli("demo", "--users", "3")
    assert rc == 2 and "from 4" in data["error"]["message"]
    assert checksum(bank_cli.db) == before


def test_bench_list_and_unknown_names(bank_cli):
    rc, data = bank_cli("bench", "--list")
    names = [b["name"] for b in data["benchmarks"]]
    assert rc == 0 and {"transfers", "transfers-4proc", "demo"} <= set(names)
    rc, data = bank_cli("bench", "nonsense")
    assert rc == 2 and "Unknown benchmark(s) nonsense" in data["error"]["message"]
