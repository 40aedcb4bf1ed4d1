"""deposit (confirm, reject), withdraw, transfer (one and --batch), balance, history."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.cli_support import balance_of, bank_cli, checksum, cli  # noqa: F401

ADA = ("--as", "ada@bank.test")
BOLA = ("--as", "bola@bank.test")
TELLER = ("--as", "teller@bank.test")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


def test_deposit_request_prints_the_reference_then_a_teller_confirms(bank_cli):
    rc, out, _ = bank_cli("deposit", *BOLA, "--amount", "₦1,500.50", json_out=False)
    reference = out.splitlines()[0]
    assert rc == 0 and re.fullmatch(r"DEP-[0-9A-Z]{10}", reference)
    assert out.splitlines()[1] == ("Deposit of ₦1,500.50 for bola@bank.test is PENDING,"
                                   " awaiting a teller's confirmation.")
    assert balance_of(bank_cli.db, "bola@bank.test") == 0
    rc, data = bank_cli("deposit", "confirm", reference, *TELLER)
    tx = data["transaction"]
    assert rc == 0 and tx["status"] == "SUCCESS" and tx["amount"] == "1500.50" and tx["reference"] == reference
    assert ISO.match(tx["created_at"]) and ISO.match(tx["updated_at"])
    assert balance_of(bank_cli.db, "bola@bank.test") == 150_050
    rc, data = bank_cli("deposit", "confirm", reference.lower(), *TELLER)
    assert rc == 1 and data["error"] == {"code": "ALREADY_PROCESSED",
                                         "message": f"Deposit {reference} was already confirmed."}


def test_deposit_json_shape_and_the_options_before_the_action(bank_cli):
    rc, data = bank_cli("deposit", *TELLER, "--for", "bola@bank.test", "--amount", "200", "--memo", "Cash")
    assert rc == 0 and set(data) == {"transaction"}
    tx = data["transaction"]
    assert tx["owner_email"] == "bola@bank.test" and tx["memo"] == "Cash" and tx["currency"] == "NGN"
    assert tx["type"] == "DEPOSIT" and tx["direction"] == "CREDIT" and tx["status"] == "PENDING"
    rc, data = bank_cli("deposit", *TELLER, "confirm", tx["reference"])  # --as before the action works too
    assert rc == 0 and data["transaction"]["status"] == "SUCCESS"


def test_deposit_reject_needs_a_reason(bank_cli):
    rc, data = bank_cli("deposit", *BOLA, "--amount", "50")
    reference = data["transaction"]["reference"]
    before = checksum(bank_cli.db)
    rc, data = bank_cli("deposit", "reject", reference, *TELLER)
    assert rc == 2 and data["error"]["message"] == "--reason must not be empty."
    assert checksum(bank_cli.db) == before
    rc, out, _ = bank_cli("deposit", "reject", reference, *TELLER, "--reason", "No cash seen", json_out=False)
    assert rc == 0 and out.endswith("Rejected: No cash seen\n") and "FAILED" in out
    rc, data = bank_cli("deposit", "confirm", reference, *TELLER)
    assert rc == 1 and data["error"]["message"].endswith("was already rejected.")


def test_deposit_refusals(bank_cli):
    rc, data = bank_cli("deposit", *ADA, "--for", "bola@bank.test", "--amount", "5")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("deposit", *TELLER, "--for", "nobody@bank.test", "--amount", "5")
    assert rc == 1 and data["error"]["code"] == "NOT_FOUND"
    rc, data = bank_cli("deposit", "confirm", "DEP-NOTAREALONE", *TELLER)
    assert rc == 1 and data["error"]["code"] == "NOT_FOUND"
    reference = bank_cli("deposit", *BOLA, "--amount", "5")[1]["transaction"]["reference"]
    rc, data = bank_cli("deposit", "confirm", reference, *ADA)
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("deposit", "confirm", reference, *TELLER, "--amount", "5")
    assert rc == 2 and "--amount" in data["error"]["message"]
    rc, data = bank_cli("deposit", *ADA)
    assert rc == 2 and "--amount AMOUNT" in data["error"]["message"]


def test_deposit_with_a_key_deposits_once(bank_cli):
    first = bank_cli("deposit", *BOLA, "--amount", "75", "--key", "slip-001")[1]["transaction"]
    again = bank_cli("deposit", *BOLA, "--amount", "75", "--key", "slip-001")[1]["transaction"]
    assert again["reference"] == first["reference"] and again["id"] == first["id"]
    rc, data = bank_cli("deposit", *BOLA, "--amount", "76", "--key", "slip-001")
    assert rc == 1 and data["error"]["code"] == "IDEMPOTENCY_CONFLICT"


@pytest.mark.parametrize("amount, problem", [
    ("0", "greater than zero"), ("-5", "negative"), ("1.234", "more than 2 decimal"), ("1e5", "exponent"),
    ("NaN", "NaN"), ("abc", "not a number"), ("", "empty"), ("1,50", "thousands separator"),
    ("100,000,001", "above the maximum"), ("١٢", "digits 0-9"),
])
def test_bad_amounts_are_exit_2_and_change_nothing(bank_cli, amount, problem):
    before = checksum(bank_cli.db)
    for args in (("deposit", *ADA), ("withdraw", *ADA), ("transfer", *ADA, "--to", "bola@bank.test")):
        rc, data = bank_cli(*args, "--amount", amount)
        assert rc == 2 and data["error"]["code"] == "INVALID_AMOUNT" and problem in data["error"]["message"]
    assert checksum(bank_cli.db) == before


def test_withdraw_and_its_refusal_recorded_as_failed(bank_cli):
    rc, out, _ = bank_cli("withdraw", *TELLER, "--for", "ada@bank.test", "--amount", "2500", json_out=False)
    assert rc == 0 and out.splitlines()[1] == "Withdrew ₦2,500.00 from ada@bank.test; balance now ₦7,500.00."
    rc, data = bank_cli("withdraw", *ADA, "--amount", "500")
    assert rc == 0 and data["balance_after"] == "7000.00" and data["transaction"]["amount"] == "500.00"
    rc, data = bank_cli("withdraw", *ADA, "--amount", "9000")
    assert rc == 1 and data["error"]["code"] == "INSUFFICIENT_FUNDS"
    assert "₦7,000.00" in data["error"]["message"]
    assert balance_of(bank_cli.db, "ada@bank.test") == 700_000
    rc, data = bank_cli("history", *ADA, "--limit", "1")
    assert data["transactions"][0]["status"] == "FAILED"
    assert data["transactions"][0]["failure_code"] == "INSUFFICIENT_FUNDS"


def test_transfer_json_and_text(bank_cli):
    rc, data = bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "1,250", "--memo", "Rent")
    transfer = data["transfer"]
    assert rc == 0 and transfer["amount"] == "1250.00" and transfer["balance_after"] == "8750.00"
    assert transfer["debit"]["reference"] == transfer["transfer_ref"] + "-D"
    assert transfer["credit"]["owner_email"] == "bola@bank.test" and transfer["credit"]["memo"] == "Rent"
    rc, out, _ = bank_cli("transfer", *BOLA, "--to", "ada@bank.test", "--amount", "250", json_out=False)
    assert rc == 0 and re.fullmatch(r"TRF-[0-9A-Z]{10}", out.splitlines()[0])
    assert out.splitlines()[1] == "Sent ₦250.00 to ada@bank.test (Ada Obi). Your balance: ₦1,000.00."
    assert balance_of(bank_cli.db, "ada@bank.test") == 900_000


def test_transfer_refusals_and_exit_codes(bank_cli):
    cases = [
        (("--to", "ada@bank.test", "--amount", "5"), 1, "SAME_WALLET"),
        (("--to", "ghost@bank.test", "--amount", "5"), 1, "NOT_FOUND"),
        (("--to", "bola@bank.test", "--amount", "10,000.01"), 1, "INSUFFICIENT_FUNDS"),
        (("--to", "not an email", "--amount", "5"), 2, "INVALID_INPUT"),
        (("--to", "bola@bank.test", "--amount", "5", "--memo", "x" * 141), 2, "INVALID_INPUT"),
    ]
    for args, rc_expected, code in cases:
        rc, data = bank_cli("transfer", *ADA, *args)
        assert (rc, data["error"]["code"]) == (rc_expected, code), args
    assert balance_of(bank_cli.db, "ada@bank.test") == 1_000_000
    rc, data = bank_cli("transfer", *ADA, "--amount", "5")
    assert rc == 2 and "--to EMAIL" in data["error"]["message"]


def test_transfer_with_a_key_sends_once(bank_cli):
    first = bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "100", "--key", "k1")[1]["transfer"]
    again = bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "100", "--key", "k1")[1]["transfer"]
    assert again["transfer_ref"] == first["transfer_ref"]
    assert balance_of(bank_cli.db, "bola@bank.test") == 10_000
    rc, data = bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "101", "--key", "k1")
    assert rc == 1 and data["error"]["code"] == "IDEMPOTENCY_CONFLICT"


def test_transfer_at_the_step_up_threshold_needs_a_code(bank_cli):
    bank_cli("deposit", "confirm", bank_cli("deposit", *TELLER, "--for", "ada@bank.test", "--amount", "90,000")[1]
             ["transaction"]["reference"], *TELLER)
    rc, data = bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "50,000")
    assert rc == 3 and data["error"]["code"] == "OTP_REQUIRED"
    rc, data = bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "50,000", "--otp", "123456")
    assert rc == 3 and data["error"]["code"] == "OTP_REQUIRED"  # not enrolled: no code can do


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_batch_transfer_sends_each_row_once(bank_cli, tmp_path):
    batch = _write(tmp_path / "payroll.csv", "email,amount,reference\n"
                   "bola@bank.test,1500,PAY-001\n"
                   "ghost@bank.test,10,PAY-002\n"
                   "bola@bank.test,12.345,PAY-003\n"
                   "teller@bank.test,\"1,000.00\",PAY-004\n")
    rc, data = bank_cli("transfer", *ADA, "--batch", batch)
    assert rc == 1  # some rows were refused
    assert (data["sent"], data["refused"], data["sent_total"]) == (2, 2, "2500.00")
    assert [(r["line"], r["status"], r["code"]) for r in data["rows"]] == [
        (2, "SENT", None), (3, "REFUSED", "NOT_FOUND"), (4, "REFUSED", "INVALID_AMOUNT"), (5, "SENT", None)]
    assert balance_of(bank_cli.db, "ada@bank.test") == 750_000
    rc, out, _ = bank_cli("transfer", *ADA, "--batch", batch, json_out=False)
    assert balance_of(bank_cli.db, "ada@bank.test") == 750_000  # a rerun sends nothing twice
    assert out.splitlines()[0].split() == ["LINE", "EMAIL", "AMOUNT", "REFERENCE", "RESULT"]
    assert out.splitlines()[-1] == "Sent 2 of 4 rows (₦2,500.00); 2 refused."
    good = _write(tmp_path / "ok.csv", "email,amount,reference\nbola@bank.test,1,PAY-9\n")
    assert bank_cli("transfer", *ADA, "--batch", good)[0] == 0


def test_batch_files_that_cannot_be_read(bank_cli, tmp_path):
    before = checksum(bank_cli.db)
    cases = {
        str(tmp_path / "missing.csv"): "No such batch file",
        str(tmp_path): "is a directory",
        _write(tmp_path / "latin1.csv", "email,amount,reference\nbola@bank.test,1,Réf\n", "latin-1"): "not UTF-8",
    }
    for path, problem in cases.items():
        rc, data = bank_cli("transfer", *ADA, "--batch", path)
        assert rc == 2 and problem in data["error"]["message"], path
    assert checksum(bank_cli.db) == before
    for text, problem in (("", "empty"), ("name,amount\nx,1\n", "lacks column"),
                          ("email,amount,reference\n", "no rows"),
                          ("email,amount,reference\nbola@bank.test,1,R1\nbola@bank.test,2,R1\n", "repeats")):
        rc, data = bank_cli("transfer", *ADA, "--batch", _write(tmp_path / "bad.csv", text))
        assert rc == 2 and problem in data["error"]["message"], text
    assert balance_of(bank_cli.db, "ada@bank.test") == 1_000_000
    rc, data = bank_cli("transfer", *ADA, "--batch", str(tmp_path / "x.csv"), "--to", "bola@bank.test")
    assert rc == 2 and "--to" in data["error"]["message"]


def test_balance(bank_cli):
    rc, out, _ = bank_cli("balance", *ADA, json_out=False)
    assert rc == 0 and out == "Ada Obi <ada@bank.test>: ₦10,000.00\n"
    rc, data = bank_cli("balance", *TELLER, "--for", "ada@bank.test")
    assert rc == 0 and data["wallet"]["balance"] == "10000.00" and data["wallet"]["owner_email"] == "ada@bank.test"
    rc, data = bank_cli("balance", *ADA, "--for", "bola@bank.test")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("balance", *TELLER, "--for", "admin@bank.test")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"


def test_history_pages_filters_and_json(bank_cli):
    for amount in ("1", "2", "3"):
        bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", amount)
    rc, data = bank_cli("history", *ADA, "--limit", "2")
    assert rc == 0 and set(data) == {"transactions", "next_cursor"}
    assert [t["amount"] for t in data["transactions"]] == ["3.00", "2.00"]
    assert all(ISO.match(t["created_at"]) for t in data["transactions"])
    datetime.fromisoformat(data["transactions"][0]["created_at"])
    rc, data = bank_cli("history", *ADA, "--limit", "2", "--before", str(data["next_cursor"]))
    assert [t["amount"] for t in data["transactions"]] == ["1.00", "10000.00"] and data["next_cursor"] is None
    rc, data = bank_cli("history", *ADA, "--type", "deposit")
    assert [t["type"] for t in data["transactions"]] == ["DEPOSIT"]
    rc, data = bank_cli("history", *TELLER, "--for", "bola@bank.test", "--status", "success")
    assert len(data["transactions"]) == 3 and {t["direction"] for t in data["transactions"]} == {"CREDIT"}
    for bad in (("--limit", "0"), ("--limit", "lots"), ("--limit", "10001"), ("--before", "-3"),
                ("--type", "GIFT"), ("--status", "DONE")):
        rc, data = bank_cli("history", *ADA, *bad)
        assert rc == 2 and data["error"]["code"] == "INVALID_INPUT", bad


def test_history_for_people(bank_cli):
    bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "1,000", "--memo", "Rent")
    bank_cli("transfer", *ADA, "--to", "bola@bank.test", "--amount", "20,000")
    rc, out, _ = bank_cli("history", *ADA, json_out=False)
    lines = out.splitlines()
    assert rc == 0 and lines[0].split()[:3] == ["ID", "TIME", "(WAT)"]
    assert "₦20,000.00  FAILED   Insufficient funds" in lines[2]  # nothing moved, so no sign
    assert "-₦1,000.00  SUCCESS  to bola@bank.test; Rent" in lines[3]
    assert "+₦10,000.00  SUCCESS" in lines[4]
    end = lines[0].index("AMOUNT") + len("AMOUNT")
    assert all(line[:end].endswith(".00") for line in lines[2:])
    rc, out, _ = bank_cli("history", *BOLA, "--type", "WITHDRAWAL", json_out=False)
    assert out == "No transactions.\n"
