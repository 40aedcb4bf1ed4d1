"""user add | list | freeze | unfreeze | unlock | disable | enable | role."""

from __future__ import annotations

import json

from tests.cli_support import NEW_PASSWORD, bank_cli, checksum, cli  # noqa: F401
from tests.conftest import PASSWORD

ADMIN = ("--as", "admin@bank.test")
TELLER = ("--as", "teller@bank.test")


def test_user_add_takes_the_new_password_from_the_environment(bank_cli):
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "chidi@bank.test", "--name", "Chidi Eze",
                        "--role", "teller")
    assert rc == 0 and data["user"]["role"] == "TELLER" and data["user"]["email"] == "chidi@bank.test"
    rc, data = bank_cli("balance", "--as", "chidi@bank.test", password=NEW_PASSWORD)
    assert rc == 0 and data["wallet"]["balance"] == "0.00"
    rc, out, _ = bank_cli("user", "add", *ADMIN, "--email", "dayo@bank.test", "--name", "Dayo Ade", json_out=False)
    assert rc == 0 and out == "Created user dayo@bank.test (Dayo Ade).\n"


def test_user_add_refusals(bank_cli, monkeypatch):
    before = checksum(bank_cli.db)
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "x@bank.test", "--name", "X", "--role", "KING")
    assert rc == 2 and "'KING' is not one of ADMIN, TELLER, USER" in data["error"]["message"]
    monkeypatch.delenv("PAYFLOW_NEW_PASSWORD")
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "x@bank.test", "--name", "X")
    assert rc == 2 and "PAYFLOW_NEW_PASSWORD" in data["error"]["message"]
    monkeypatch.setenv("PAYFLOW_NEW_PASSWORD", "short")
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "x@bank.test", "--name", "X")
    assert rc == 2 and "at least 10 characters" in data["error"]["message"]
    monkeypatch.setenv("PAYFLOW_NEW_PASSWORD", NEW_PASSWORD)
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "", "--name", "X")
    assert rc == 2 and data["error"]["message"] == "--email must not be empty."
    rc, data = bank_cli("user", "add", *TELLER, "--email", "x@bank.test", "--name", "X")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "ada@bank.test", "--name", "Ada Again")
    assert rc == 1 and data["error"]["code"] == "CONFLICT"
    rows = checksum(bank_cli.db)
    assert rows != before  # the logins above were recorded in the audit log...
    rc, _ = bank_cli("user", "add", *ADMIN, "--email", "x@bank.test", "--name", "X", "--role", "KING")
    assert checksum(bank_cli.db) == rows  # ...but bad input is refused before anyone logs in


def test_user_list_json_and_the_teller_sees_account_holders_only(bank_cli):
    rc, data = bank_cli("user", "list", *ADMIN)
    assert rc == 0 and [u["email"] for u in data["users"]] == [
        "admin@bank.test", "teller@bank.test", "ada@bank.test", "bola@bank.test"]
    ada = data["users"][2]
    assert ada["balance"] == "10000.00" and ada["frozen"] is False and data["next_cursor"] is None
    rc, data = bank_cli("user", "list", *TELLER)
    assert rc == 0 and {u["role"] for u in data["users"]} == {"USER"}
    rc, data = bank_cli("user", "list", "--as", "ada@bank.test")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"


def test_user_list_filters_and_pages(bank_cli):
    rc, data = bank_cli("user", "list", *ADMIN, "--role", "user", "--limit", "1")
    assert [u["email"] for u in data["users"]] == ["ada@bank.test"] and data["next_cursor"] == 3
    rc, data = bank_cli("user", "list", *ADMIN, "--role", "user", "--limit", "1", "--after", "3")
    assert [u["email"] for u in data["users"]] == ["bola@bank.test"] and data["next_cursor"] is None
    rc, data = bank_cli("user", "list", *ADMIN, "--search", "Bola")
    assert [u["email"] for u in data["users"]] == ["bola@bank.test"]
    for bad in ("0", "-1", "ten", "10001", "1.5"):
        rc, data = bank_cli("user", "list", *ADMIN, "--limit", bad)
        assert rc == 2 and "whole number from 1 to 10,000" in data["error"]["message"], bad


def test_user_list_for_people_is_an_aligned_table(bank_cli):
    rc, out, _ = bank_cli("user", "list", *ADMIN, json_out=False)
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "EMAIL", "NAME", "ROLE", "STATUS", "BALANCE", "CREATED", "(WAT)"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "4 users"
    end = lines[0].index("BALANCE") + len("BALANCE")
    assert lines[4][:end].endswith("₦10,000.00") and lines[5][:end].endswith("₦0.00")
    # Columns start at the same place on every line.
    start = lines[0].index("ROLE")
    assert [line[start:start + 6].strip() for line in lines[2:6]] == ["ADMIN", "TELLER", "USER", "USER"]


def test_freeze_and_unfreeze(bank_cli):
    rc, data = bank_cli("user", "freeze", *ADMIN, "--email", "ada@bank.test", "--reason", "Court order")
    assert rc == 0 and data["wallet"]["frozen"] is True and data["wallet"]["frozen_reason"] == "Court order"
    rc, data = bank_cli("transfer", "--as", "ada@bank.test", "--to", "bola@bank.test", "--amount", "5")
    assert rc == 1 and data["error"]["code"] == "WALLET_FROZEN"
    rc, data = bank_cli("user", "freeze", *ADMIN, "--email", "ada@bank.test", "--reason", "Again")
    assert rc == 1 and data["error"]["code"] == "CONFLICT"
    rc, out, _ = bank_cli("user", "unfreeze", *ADMIN, "--email", "ada@bank.test", json_out=False)
    assert rc == 0 and out == "Unfroze the wallet of ada@bank.test (balance ₦10,000.00).\n"


def test_freeze_needs_a_reason_and_an_admin(bank_cli):
    before = checksum(bank_cli.db)
    rc, data = bank_cli("user", "freeze", *ADMIN, "--email", "ada@bank.test")
    assert rc == 2 and "--reason" in data["error"]["message"]
    rc, data = bank_cli("user", "freeze", *ADMIN, "--email", "ada@bank.test", "--reason", "   ")
    assert rc == 2 and data["error"]["message"] == "--reason must not be empty."
    assert checksum(bank_cli.db) == before
    rc, data = bank_cli("user", "freeze", *TELLER, "--email", "ada@bank.test", "--reason", "Suspicious")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("user", "freeze", *ADMIN, "--email", "nobody@bank.test", "--reason", "x")
    assert rc == 1 and data["error"] == {"code": "NOT_FOUND", "message": "No user with email nobody@bank.test."}


def test_five_wrong_passwords_lock_and_an_admin_unlocks(bank_cli):
    for _ in range(4):
        rc, data = bank_cli("balance", "--as", "bola@bank.test", password="wrong-password!")
        assert rc == 3 and data["error"]["code"] == "AUTH_FAILED"
    rc, data = bank_cli("balance", "--as", "bola@bank.test", password="wrong-password!")
    assert rc == 3 and data["error"]["code"] == "ACCOUNT_LOCKED"
    rc, data = bank_cli("balance", "--as", "bola@bank.test")
    assert rc == 3 and data["error"]["code"] == "ACCOUNT_LOCKED"
    rc, data = bank_cli("user", "unlock", *ADMIN, "--email", "bola@bank.test", "--reason", "Called the branch")
    assert rc == 0 and data["user"]["status"] == "ACTIVE" and data["user"]["failed_logins"] == 0
    assert bank_cli("balance", "--as", "bola@bank.test")[0] == 0
    rc, data = bank_cli("user", "unlock", *ADMIN, "--email", "bola@bank.test")
    assert rc == 1 and data["error"]["code"] == "CONFLICT"


def test_an_unknown_acting_user_is_an_authentication_failure(bank_cli):
    rc, data = bank_cli("balance", "--as", "ghost@bank.test")
    assert rc == 3 and data["error"] == {"code": "AUTH_FAILED", "message": "Email or password is incorrect."}


def test_disable_enable_and_role(bank_cli):
    rc, data = bank_cli("user", "disable", *ADMIN, "--email", "bola@bank.test", "--reason", "Left the bank")
    assert rc == 0 and data["user"]["status"] == "DISABLED"
    rc, data = bank_cli("balance", "--as", "bola@bank.test")
    assert rc == 3 and data["error"]["code"] == "ACCOUNT_DISABLED"
    rc, data = bank_cli("user", "disable", *ADMIN, "--email", "admin@bank.test")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("user", "enable", *ADMIN, "--email", "bola@bank.test")
    assert rc == 0 and data["user"]["status"] == "ACTIVE"
    rc, data = bank_cli("user", "role", *ADMIN, "--email", "bola@bank.test", "--role", "teller")
    assert rc == 0 and data["user"]["role"] == "TELLER"
    rc, out, _ = bank_cli("user", "role", *ADMIN, "--email", "bola@bank.test", "--role", "USER", json_out=False)
    assert rc == 0 and out == "bola@bank.test is now USER.\n"
    rc, data = bank_cli("user", "role", *ADMIN, "--email", "admin@bank.test", "--role", "USER")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"
    rc, data = bank_cli("user", "role", *TELLER, "--email", "ada@bank.test", "--role", "ADMIN")
    assert rc == 3


def test_passwords_and_hashes_are_never_printed(bank_cli):
    rc, out, err = bank_cli("user", "add", *ADMIN, "--email", "e@bank.test", "--name", "E", json_out=False)
    assert rc == 0
    rc, data = bank_cli("user", "list", *ADMIN)
    text = out + err + json.dumps(data)
    assert PASSWORD not in text and NEW_PASSWORD not in text and "argon2" not in text
    assert not any("password" in key for user in data["users"] for key in user)


def test_user_add_prompts_twice_without_the_environment(bank_cli, monkeypatch):
    import getpass
    import sys

    monkeypatch.delenv("PAYFLOW_NEW_PASSWORD")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    typed = iter(["first-long-password", "other-long-password"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    before = checksum(bank_cli.db)
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "x@bank.test", "--name", "X")
    assert rc == 2 and data["error"]["message"] == "The two passwords differ; nothing was changed."
    assert "x@bank.test" not in str(bank_cli("user", "list", *ADMIN)[1])
    typed = iter(["same-long-password", "same-long-password"])
    rc, data = bank_cli("user", "add", *ADMIN, "--email", "x@bank.test", "--name", "X")
    assert rc == 0 and data["user"]["email"] == "x@bank.test"
    assert bank_cli("balance", "--as", "x@bank.test", password="same-long-password")[0] == 0
    assert checksum(bank_cli.db) != before
