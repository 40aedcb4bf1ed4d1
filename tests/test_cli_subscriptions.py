"""The plan, subscribe, subscription, renew and scheduler commands: JSON, text and exit codes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from tests.conftest import FAST_HASHER, PASSWORD, Bank
from tests.subs_support import GOLD_PRICE

from payflow_tui.cli import main
from payflow_tui.services import PayFlow


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    monkeypatch.setenv("PAYFLOW_PASSWORD", PASSWORD)
    monkeypatch.delenv("PAYFLOW_DB", raising=False)
    path = tmp_path / "cli.db"
    pf = PayFlow.open(path, password_hasher=FAST_HASHER, sandbox=True)
    bank = Bank(pf)
    bank.fund(bank.ada, 3 * GOLD_PRICE)
    yield path, bank
    pf.close()


def cli(capsys, db, *args, as_json: bool = True):
    code = main(["--db", str(db), *(["--json"] if as_json else []), *args])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if as_json else out.out + out.err)


def test_plan_commands(capsys, sandbox):
    db, _ = sandbox
    admin = ("--as", "admin@bank.test")
    code, data = cli(capsys, db, "plan", "create", *admin, "--name", "Gold", "--price", "1,500",
                     "--days", "30", "--features", '{"seats": 3}')
    assert code == 0 and data["plan"]["price"] == "1500.00" and data["plan"]["features"] == {"seats": 3}
    assert cli(capsys, db, "plan", "create", *admin, "--name", "gold", "--price", "1", "--days", "30")[1] \
        ["error"]["code"] == "CONFLICT"
    for bad, code_expected in ((["--price", "1.234"], "INVALID_AMOUNT"), (["--features", "[1]"], "INVALID_INPUT"),
                               (["--days", "thirty"], "INVALID_INPUT")):
        args = {"--price": "100", "--days": "7", "--features": "{}"}
        args.update(dict(zip(bad[::2], bad[1::2])))
        code, data = cli(capsys, db, "plan", "create", *admin, "--name", "Bad",
                         *[x for kv in args.items() for x in kv])
        assert (code, data["error"]["code"]) == (2, code_expected)
    code, data = cli(capsys, db, "plan", "create", "--as", "ada@bank.test", "--name", "Mine", "--price", "1",
                     "--days", "1")
    assert (code, data["error"]["code"]) == (3, "PERMISSION_DENIED")
    code, data = cli(capsys, db, "plan", "edit", "Gold", *admin, "--price", "2,000", "--inactive")
    assert code == 0 and (data["plan"]["price"], data["plan"]["active"]) == ("2000.00", False)
    assert cli(capsys, db, "plan", "list", "--as", "ada@bank.test")[1] == {"plans": []}
    assert cli(capsys, db, "plan", "list", "--as", "ada@bank.test", "--all")[0] == 3
    code, text = cli(capsys, db, "plan", "list", *admin, "--all", as_json=False)
    assert code == 0 and text.strip() == "Gold: ₦2,000.00 every 30 days (inactive, 0 live)"
    code, data = cli(capsys, db, "plan", "archive", "Gold", *admin)
    assert code == 0 and data["plan"]["archived_at"]
    assert cli(capsys, db, "plan", "delete", "Gold", *admin) == (0, {"deleted": "Gold"})
    assert cli(capsys, db, "plan", "list", *admin, "--all")[1] == {"plans": []}


def test_subscribe_and_subscription_commands(capsys, sandbox):
    db, bank = sandbox
    bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.pf.create_plan(bank.admin, "Silver", 50_000, 30)
    code, data = cli(capsys, db, "subscribe", "--as", "ada@bank.test", "--plan", "gold")
    assert code == 0 and data["subscription"]["status"] == "ACTIVE" and data["subscription"]["price"] == "1500.00"
    code, data = cli(capsys, db, "subscribe", "--as", "ada@bank.test", "--plan", "Gold")
    assert (code, data["error"]["code"]) == (1, "CONFLICT")
    code, data = cli(capsys, db, "subscribe", "--as", "bola@bank.test", "--plan", "Gold")
    assert (code, data["error"]["code"]) == (1, "INSUFFICIENT_FUNDS")
    code, text = cli(capsys, db, "subscribe", "--as", "teller@bank.test", "--plan", "Silver",
                     "--for", "ada@bank.test", as_json=False)
    assert code == 0 and text.startswith("Subscribed ada@bank.test to Silver: charged ₦500.00; renews ")
    code, data = cli(capsys, db, "subscription", "list", "--as", "ada@bank.test")
    assert [s["plan_name"] for s in data["subscriptions"]] == ["Silver", "Gold"]
    code, data = cli(capsys, db, "subscription", "list", "--as", "admin@bank.test", "--all", "--plan", "Gold",
                     "--status", "active")
    assert [s["user_email"] for s in data["subscriptions"]] == ["ada@bank.test"]
    assert cli(capsys, db, "subscription", "list", "--as", "ada@bank.test", "--status", "ACTIVE")[0] == 2
    assert cli(capsys, db, "subscription", "list", "--as", "ada@bank.test", "--all")[0] == 3
    code, data = cli(capsys, db, "subscription", "cancel", "--as", "ada@bank.test", "--plan", "Gold")
    assert code == 0 and data["subscription"]["cancel_at_period_end"] is True
    code, text = cli(capsys, db, "subscription", "resume", "--as", "ada@bank.test", "--plan", "Gold",
                     as_json=False)
    assert code == 0 and "Resumed: #1 ada@bank.test Gold: ACTIVE, renews" in text
    assert cli(capsys, db, "subscription", "resume", "--as", "ada@bank.test", "--plan", "Gold")[0] == 1
    assert cli(capsys, db, "subscribe", "--plan", "Gold")[0] == 2  # no --as


def test_renew_prints_the_run_counts(capsys, sandbox):
    db, bank = sandbox
    bank.pf.create_plan(bank.admin, "Gold", GOLD_PRICE, 30)
    bank.pf.subscribe(bank.ada, "Gold")
    bank.pf.advance_clock(bank.admin, "30d")
    code, data = cli(capsys, db, "renew")
    assert code == 0
    assert {k: data[k] for k in ("charged", "suspended", "expired", "errors")} == \
        {"charged": 1, "suspended": 0, "expired": 0, "errors": 0}
    assert data["amount_charged"] == "1500.00" and data["run"]["status"] == "DONE"
    code, text = cli(capsys, db, "renew", as_json=False)
    assert code == 0 and text.startswith("Run 2 (manual, done): charged 0")
    code, data = cli(capsys, db, "scheduler", "status", "--as", "admin@bank.test")
    assert code == 0 and data["scheduler"]["last_run"]["id"] == 2 and data["scheduler"]["running"] is False
    assert cli(capsys, db, "scheduler", "status", "--as", "ada@bank.test")[0] == 3


def test_the_scheduler_command_stops_cleanly_on_sigterm_with_one_json_object(sandbox):
    db, bank = sandbox
    proc = subprocess.Popen([sys.executable, "-m", "payflow_tui", "--db", str(db), "--json", "scheduler",
                             "--tick", "0.05"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not bank.pf._conn().execute("SELECT count(*) FROM scheduler_runs WHERE status = 'DONE'").fetchone()[0]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    data = json.loads(out)
    assert (data["runs"], data["stopped_by"], data["last_run"]["status"]) == (1, "SIGTERM", "DONE")
