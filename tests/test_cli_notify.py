"""The 2fa, webhook and notifications commands, end to end through ``main``."""

from __future__ import annotations

import json
import time

import pyotp
import pytest

from tests.conftest import FAST_HASHER, PASSWORD
from payflow_tui.cli import main
from payflow_tui.services import PayFlow
from tests.webhook_receiver import Receiver

SECRET = "whsec_cli_0123456789abcdef"


@pytest.fixture
def cli_db(tmp_path):
    path = tmp_path / "cli.db"
    pf = PayFlow.open(path, password_hasher=FAST_HASHER)
    pf.create_first_admin("admin@bank.test", "Ada Admin", PASSWORD)
    admin = pf.login("admin@bank.test", PASSWORD)
    pf.create_user(admin, "ada@bank.test", "Ada Obi", PASSWORD, "USER")
    pf.create_user(admin, "bola@bank.test", "Bola Ade", PASSWORD, "USER")
    pf.set_setting(admin, "email_notifications", "0")
    pf.close()
    return path


@pytest.fixture
def service(cli_db):
    pf = PayFlow.open(cli_db, password_hasher=FAST_HASHER)
    yield pf
    pf.close()


@pytest.fixture
def run(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("PAYFLOW_PASSWORD", PASSWORD)
    monkeypatch.delenv("PAYFLOW_OTP", raising=False)

    def invoke(*args: str, as_json: bool = True):
        rc = main(["--db", str(cli_db), *args] + (["--json"] if as_json else []))
        out = capsys.readouterr().out
        return rc, (json.loads(out) if as_json else out)

    return invoke


def test_2fa_enrol_confirm_status_disable(run):
    rc, text = run("2fa", "enrol", "--as", "ada@bank.test", as_json=False)
    assert rc == 0 and "Scan this" in text and "▀" in text and "Or type the secret: " in text
    rc, data = run("2fa", "enrol", "--as", "ada@bank.test")
    secret = data["enrolment"]["secret"]
    assert data["enrolment"]["uri"].startswith("otpauth://totp/") and data["enrolment"]["qr"]

    assert run("2fa", "confirm", "--as", "ada@bank.test", "--code", "12ab")[0] == 2
    rc, data = run("2fa", "confirm", "--as", "ada@bank.test", "--code", pyotp.TOTP(secret).at(time.time(), counter_offset=5))
    assert rc == 3 and data["error"]["code"] == "OTP_INVALID"
    rc, data = run("2fa", "confirm", "--as", "ada@bank.test", "--code", pyotp.TOTP(secret).now())
    assert rc == 0 and data["enabled"] is True and len(data["recovery_codes"]) == 10

    rc, data = run("2fa", "status", "--as", "ada@bank.test")
    assert data["two_factor"]["enrolled"] is True and data["two_factor"]["step_up_threshold"] == "50000.00"
    rc, data = run("2fa", "disable", "--as", "ada@bank.test", "--code", "0000-0000-0000")
    assert rc == 3 and data["error"]["code"] == "OTP_INVALID"
    assert run("2fa", "confirm", "--as", "bola@bank.test", "--code", "123456")[1]["error"]["code"] == "NOT_FOUND"


def test_2fa_disable_with_a_recovery_code(run):
    _, data = run("2fa", "enrol", "--as", "ada@bank.test")
    _, data = run("2fa", "confirm", "--as", "ada@bank.test", "--code",
                  pyotp.TOTP(data["enrolment"]["secret"]).now())
    rc, data = run("2fa", "disable", "--as", "ada@bank.test", "--code", data["recovery_codes"][3])
    assert rc == 0 and data == {"enabled": False}


def test_webhook_commands(run, service):
    receiver = Receiver(SECRET, now=lambda: int(time.time())).start()
    try:
        rc, data = run("webhook", "add", "--as", "admin@bank.test", "--url", receiver.url, "--secret", SECRET,
                       "--events", "deposit.requested,transfer.*")
        assert rc == 0 and data["secret"] == SECRET
        endpoint = data["webhook"]
        assert endpoint["event_types"] == ["deposit.requested", "transfer.*"]
        rc, data = run("webhook", "list", "--as", "admin@bank.test")
        assert [w["id"] for w in data["webhooks"]] == [endpoint["id"]] and SECRET not in json.dumps(data)

        ada = service.login("ada@bank.test", PASSWORD)
        service.request_deposit(ada, 250_000)
        rc, data = run("webhook", "deliver")
        assert rc == 0 and data["delivery_pass"]["delivered"] == 1
        assert receiver.types() == ["deposit.requested"] and receiver.requests[0].signature_ok
        assert receiver.requests[0].body["data"]["amount"] == "2500.00"

        rc, data = run("webhook", "deliveries", "--as", "admin@bank.test")
        (delivery,) = data["deliveries"]
        assert delivery["status"] == "DELIVERED" and delivery["event_type"] == "deposit.requested"
        assert delivery["delivered_at"].endswith("+00:00")
        rc, data = run("webhook", "redeliver", "--as", "admin@bank.test", str(delivery["id"]))
        assert rc == 0 and data["delivery"]["status"] == "PENDING"
        run("webhook", "deliver")
        assert [r.duplicate for r in receiver.requests] == [False, True]
        rc, data = run("webhook", "attempts", "--as", "admin@bank.test", str(delivery["id"]))
        assert [a["outcome"] for a in data["attempts"]] == ["DELIVERED", "DELIVERED"]
        rc, text = run("webhook", "deliveries", "--as", "admin@bank.test", as_json=False)
        assert "DELIVERED" in text and receiver.url in text

        rc, data = run("webhook", "remove", "--as", "admin@bank.test", str(endpoint["id"]))
        assert rc == 0 and data["webhook"]["removed_at"]
        assert run("webhook", "list", "--as", "admin@bank.test")[1] == {"webhooks": []}
    finally:
        receiver.stop()


@pytest.mark.parametrize("args,rc,code", [
    (["webhook", "add", "--as", "ada@bank.test", "--url", "https://h.example.com/x", "--secret", SECRET],
     3, "PERMISSION_DENIED"),
    (["webhook", "add", "--as", "admin@bank.test", "--url", "http://h.example.com/x"], 2, "INVALID_INPUT"),
    (["webhook", "add", "--as", "admin@bank.test", "--url", "https://h.example.com/x", "--events", "nope"],
     2, "INVALID_INPUT"),
    (["webhook", "remove", "--as", "admin@bank.test", "42"], 1, "NOT_FOUND"),
    (["webhook", "redeliver", "--as", "admin@bank.test", "42"], 1, "NOT_FOUND"),
    (["webhook", "deliveries", "--as", "admin@bank.test", "--status", "LOST"], 2, "INVALID_INPUT"),
    (["webhook", "deliveries", "--as", "admin@bank.test", "--limit", "0"], 2, "INVALID_INPUT"),
    (["notifications"], 2, "INVALID_INPUT"),
])
def test_refusals_have_their_exit_codes(run, args, rc, code):
    got_rc, data = run(*args)
    assert (got_rc, data["error"]["code"]) == (rc, code)


def test_notifications_command(run, service):
    admin = service.login("admin@bank.test", PASSWORD)
    ada = service.login("ada@bank.test", PASSWORD)
    deposit = service.request_deposit(ada, 1_000_000)
    service.confirm_deposit(admin, deposit.reference)
    service.transfer(ada, "bola@bank.test", 500_000)

    rc, data = run("notifications", "--as", "bola@bank.test")
    assert rc == 0 and data["unread"] == 1
    (note,) = data["notifications"]
    assert note["text"] == "You received ₦5,000.00 from Ada Obi." and note["read"] is False
    assert note["created_at"].endswith("+00:00")
    rc, data = run("notifications", "--as", "bola@bank.test", "--mark-read")
    assert data["marked_read"] == 1
    assert run("notifications", "--as", "bola@bank.test", "--unread")[1]["notifications"] == []
    rc, text = run("notifications", "--as", "ada@bank.test", as_json=False)
    assert "* " in text and "You sent ₦5,000.00 to Bola Ade." in text


def test_admin_login_code_comes_from_payflow_otp(run, service, monkeypatch):
    admin = service.login("admin@bank.test", PASSWORD)
    enrolment = service.begin_2fa_enrolment(admin)
    codes = service.confirm_2fa_enrolment(admin, pyotp.TOTP(enrolment.secret).now())
    service.set_setting(admin, "admin_login_requires_2fa", "1")

    rc, data = run("webhook", "list", "--as", "admin@bank.test")
    assert rc == 3 and data["error"]["code"] == "OTP_REQUIRED"
    monkeypatch.setenv("PAYFLOW_OTP", codes[0])
    assert run("webhook", "list", "--as", "admin@bank.test") == (0, {"webhooks": []})
    rc, data = run("webhook", "list", "--as", "admin@bank.test")  # a recovery code works once
    assert rc == 3 and data["error"]["code"] == "OTP_INVALID"
