"""payflow alerts / rules / audit: JSON shapes, human text and exit codes."""

from __future__ import annotations

import json

import pytest
from tests.conftest import FAST_HASHER, PASSWORD
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import fail_transfers

from payflow_tui import cli


@pytest.fixture
def run(bank, db_path, monkeypatch, capsys):
    monkeypatch.setenv("PAYFLOW_PASSWORD", PASSWORD)
    monkeypatch.setattr("payflow_tui.services.base.default_hasher", lambda: FAST_HASHER)

    def run(*argv: str, as_json: bool = True) -> tuple[int, object]:
        code = cli.main(["--db", str(db_path), *(["--json"] if as_json else []), *argv])
        out = capsys.readouterr().out
        return code, json.loads(out) if as_json else out

    return run


@pytest.fixture
def alerted(bank):
    fail_transfers(bank.pf, bank.ada, 4)
    bank.fund(bank.bola, 20_000_000)
    bank.pf.transfer(bank.bola, "teller@bank.test", 10_000_001)
    return bank


def test_alerts_list_show_ack_resolve(alerted, run):
    code, data = run("alerts", "list", "--as", "admin@bank.test")
    assert code == 0
    assert [(a["severity"], a["rule"]) for a in data["alerts"]] == [
        ("HIGH", "REPEATED_FAILURES"), ("MEDIUM", "DAILY_TRANSFER_OUT")]
    assert data["alerts"][1]["details"]["total"] == "100000.01"
    assert data["alerts"][0]["created_at"] == "2026-01-15T09:00:00+00:00"
    first = data["alerts"][0]["id"]

    code, data = run("alerts", "show", str(first), "--as", "admin@bank.test")
    assert code == 0 and len(data["transactions"]) == 4
    assert data["transactions"][0]["status"] == "FAILED"

    assert run("alerts", "ack", str(first), "--as", "admin@bank.test")[1]["alert"]["status"] == "ACKNOWLEDGED"
    code, data = run("alerts", "ack", str(first), "--as", "admin@bank.test")
    assert (code, data["error"]["code"]) == (1, "ALREADY_PROCESSED")
    code, data = run("alerts", "resolve", str(first), "--as", "admin@bank.test", "--note", " ")
    assert (code, data["error"]["code"]) == (2, "INVALID_INPUT")
    code, data = run("alerts", "resolve", str(first), "--as", "admin@bank.test", "--note", "called her")
    assert code == 0 and data["alert"]["resolution_note"] == "called her"
    code, data = run("alerts", "list", "--as", "admin@bank.test", "--status", "resolved")
    assert [a["id"] for a in data["alerts"]] == [first]


def test_alerts_list_filters_and_text(alerted, run):
    code, data = run("alerts", "list", "--as", "admin@bank.test", "--severity", "MEDIUM",
                     "--from", "2026-01-15", "--to", "2026-01-15")
    assert [a["rule"] for a in data["alerts"]] == ["DAILY_TRANSFER_OUT"]
    code, data = run("alerts", "list", "--as", "admin@bank.test", "--from", "2026-01-16")
    assert data["alerts"] == []
    # A time without an offset is the bank's (Lagos, UTC+1): 10:00 there is 09:00 UTC.
    code, data = run("alerts", "list", "--as", "admin@bank.test", "--from", "2026-01-15T10:00:01")
    assert data["alerts"] == []
    code, data = run("alerts", "list", "--as", "admin@bank.test", "--from", "2026-01-15T10:00")
    assert len(data["alerts"]) == 2
    code, text = run("alerts", "list", "--as", "admin@bank.test", "--limit", "1", as_json=False)
    assert code == 0 and "REPEATED_FAILURES" in text and "More: --after" in text


def test_alerts_are_for_admins_only(alerted, run):
    code, data = run("alerts", "list", "--as", "teller@bank.test")
    assert (code, data["error"]["code"]) == (3, "PERMISSION_DENIED")
    code, data = run("alerts", "list")
    assert (code, data["error"]["code"]) == (2, "INVALID_INPUT")


def test_rules_list_and_set(bank, run):
    code, data = run("rules", "list", "--as", "admin@bank.test")
    assert code == 0 and len(data["rules"]) == 5
    daily = next(r for r in data["rules"] if r["code"] == "DAILY_TRANSFER_OUT")
    assert daily["params"]["threshold"] == "100000.00"
    code, data = run("rules", "set", "daily_transfer_out", "--as", "admin@bank.test",
                     "--param", "threshold=150,000", "--param", "block_threshold=200000.50",
                     "--severity", "high")
    assert code == 0
    assert data["rule"]["params"] == {"threshold": "150000.00", "block_threshold": "200000.50", "day": "calendar"}
    code, data = run("rules", "set", "DAILY_TRANSFER_OUT", "--as", "admin@bank.test",
                     "--param", "block_threshold=none", "--param", "day=rolling", "--disable")
    assert data["rule"]["params"]["block_threshold"] is None and data["rule"]["enabled"] is False
    code, text = run("rules", "list", "--as", "admin@bank.test", as_json=False)
    assert "DAILY_TRANSFER_OUT           off ALERT" in text and "rolling 24 hours" in text


@pytest.mark.parametrize("argv, exit_code, error", [
    (["rules", "set", "NEW_RECIPIENTS", "--param", "max_new_recipients=many"], 2, "INVALID_INPUT"),
    (["rules", "set", "NEW_RECIPIENTS", "--param", "max_new_recipients"], 2, "INVALID_INPUT"),
    (["rules", "set", "NEW_RECIPIENTS", "--param", "colour=blue"], 2, "INVALID_INPUT"),
    (["rules", "set", "NEW_RECIPIENTS", "--action", "EXPLODE"], 2, "INVALID_INPUT"),
    (["rules", "set", "DAILY_TRANSFER_OUT", "--param", "threshold=-5"], 2, "INVALID_AMOUNT"),
    (["rules", "set", "NO_RULE", "--enable"], 1, "NOT_FOUND"),
])
def test_rules_set_refusals(bank, run, argv, exit_code, error):
    code, data = run(*argv, "--as", "admin@bank.test")
    assert (code, data["error"]["code"]) == (exit_code, error)
    code, data = run("rules", "set", "NEW_RECIPIENTS", "--disable", "--as", "ada@bank.test")
    assert (code, data["error"]["code"]) == (3, "PERMISSION_DENIED")


def test_audit_list(alerted, run):
    code, data = run("audit", "list", "--as", "admin@bank.test", "--action", "ACCOUNT_LOCKED")
    assert code == 0
    [entry] = data["entries"]
    assert entry["subject"] == "ada@bank.test" and entry["actor"] is None
    assert entry["at"].endswith("+00:00")
    code, data = run("audit", "list", "--as", "admin@bank.test", "--action", "DEPOSIT_CONFIRMED",
                     "--subject", "bola@bank.test")
    assert data["entries"][0]["details"]["amount"] == "200000.00"
    code, data = run("audit", "list", "--as", "admin@bank.test", "--limit", "2")
    assert len(data["entries"]) == 2 and data["next_cursor"] is not None
    code, more = run("audit", "list", "--as", "admin@bank.test", "--limit", "2",
                     "--before", str(data["next_cursor"]))
    assert more["entries"][0]["id"] == data["next_cursor"] - 1
    code, data = run("audit", "list", "--as", "admin@bank.test", "--from", "15/01/2026")
    assert (code, data["error"]["code"]) == (2, "INVALID_INPUT")
    code, text = run("audit", "list", "--as", "admin@bank.test", "--actor", "admin@bank.test", as_json=False)
    assert "USER_CREATED" in text and "LOGIN" in text
