"""init, admin create, register, and what every command does with --db, --json and usage errors."""

from __future__ import annotations

import json

import pytest

from payflow_tui.cli import main
from payflow_tui.services import PayFlow
from tests.cli_support import bank_cli, checksum, cli  # noqa: F401
from tests.conftest import FAST_HASHER, PASSWORD


def test_init_creates_a_normal_database_and_is_safe_to_repeat(cli):
    rc, data = cli("init")
    assert rc == 0 and data == {"db": str(cli.db), "sandbox": False}
    assert cli.db.exists()
    assert cli("init") == (0, {"db": str(cli.db), "sandbox": False})
    rc, out, err = cli("init", json_out=False)
    assert rc == 0 and out == f"Initialised database at {cli.db}.\n" and err == ""


def test_init_sandbox_and_the_kinds_do_not_mix(cli):
    assert cli("init", "--sandbox") == (0, {"db": str(cli.db), "sandbox": True})
    rc, data = cli("init")
    assert rc == 1 and data["error"]["code"] == "CONFLICT" and "already a sandbox" in data["error"]["message"]


def test_admin_create_then_only_admins_create_admins(cli):
    cli("init")
    rc, data = cli("admin", "create", "--email", "boss@bank.test", "--name", "Bo Boss")
    assert rc == 0
    assert data["user"]["email"] == "boss@bank.test" and data["user"]["role"] == "ADMIN"
    assert data["user"]["created_at"].endswith("+00:00")
    rc, data = cli("admin", "create", "--email", "other@bank.test", "--name", "Other")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"


def test_admin_create_refuses_a_short_password_and_a_missing_one(cli):
    cli("init")
    before = checksum(cli.db)
    rc, data = cli("admin", "create", "--email", "boss@bank.test", "--name", "Bo", password="short")
    assert rc == 2 and data["error"]["code"] == "INVALID_INPUT" and "10 characters" in data["error"]["message"]
    rc, data = cli("admin", "create", "--email", "boss@bank.test", "--name", "Bo", password=None)
    assert rc == 2 and "PAYFLOW_PASSWORD" in data["error"]["message"]
    rc, data = cli("admin", "create", "--email", "not-an-email", "--name", "Bo")
    assert rc == 2 and "not a valid email" in data["error"]["message"]
    assert checksum(cli.db) == before


def test_register_opens_a_user_account_and_obeys_the_setting(bank_cli):
    rc, data = bank_cli("register", "--email", "chidi@bank.test", "--name", "Chidi Eze")
    assert rc == 0 and data["user"]["role"] == "USER" and data["user"]["status"] == "ACTIVE"
    rc, data = bank_cli("register", "--email", "CHIDI@bank.test", "--name", "Chidi Again")
    assert rc == 1 and data["error"]["code"] == "CONFLICT"
    pf = PayFlow.open(bank_cli.db, password_hasher=FAST_HASHER)
    pf.set_setting(pf.login("admin@bank.test", PASSWORD), "registration_open", "0")
    pf.close()
    rc, data = bank_cli("register", "--email", "dayo@bank.test", "--name", "Dayo")
    assert rc == 3 and data["error"]["code"] == "PERMISSION_DENIED"


def test_commands_other_than_init_never_create_a_database(cli):
    for args in (["verify"], ["clock", "show"], ["balance", "--as", "ada@bank.test"],
                 ["admin", "create", "--email", "a@b.test", "--name", "A"]):
        rc, data = cli(*args)
        assert rc == 2 and data["error"]["code"] == "INVALID_INPUT"
        assert "No database at" in data["error"]["message"] and "payflow --db" in data["error"]["message"]
    assert not cli.db.exists()


def test_a_database_path_that_is_a_directory_or_not_a_database(cli, tmp_path):
    rc, data = cli("init", db=tmp_path)
    assert rc == 2 and data["error"]["message"] == f"{tmp_path} is a directory, not a database file."
    junk = tmp_path / "notes.txt"
    junk.write_text("these are not the pages you are looking for\n" * 200)
    rc, out, err = cli("verify", db=junk, json_out=False)
    assert rc == 2 and out == "" and err.startswith("error: ") and "Traceback" not in err
    assert junk.read_text().startswith("these are not")


def test_usage_errors_are_exit_2_with_one_json_object(cli):
    cli("init")
    for args in (["frobnicate"], ["user"], ["user", "add", "--as", "a@b.test"], ["history", "--limit", "x"],
                 ["deposit", "confirm"], ["user", "list", "--role", "KING"]):
        rc, data = cli(*args)
        assert rc == 2 and set(data) == {"error"} and data["error"]["code"] == "INVALID_INPUT", args
        assert data["error"]["message"]


def test_usage_errors_for_people_go_to_stderr(cli):
    cli("init")
    rc, out, err = cli("history", "--as", "a@b.test", "--limit", "0", json_out=False)
    assert rc == 2 and out == ""
    assert err.startswith("error: payflow history: argument --limit: '0' is not a whole number from 1 to 10,000")
    assert err.rstrip().endswith("[INVALID_INPUT]")


def test_missing_as_is_a_usage_error(bank_cli):
    for args in (["balance"], ["history"], ["user", "list"], ["deposit", "--amount", "5"],
                 ["transfer", "--to", "bola@bank.test", "--amount", "5"], ["clock", "advance", "--by", "1d"]):
        rc, data = bank_cli(*args)
        assert rc == 2 and "--as EMAIL" in data["error"]["message"], args


def test_global_options_go_before_or_after_the_command_and_payflow_db_is_read(cli, capsys, monkeypatch):
    cli("init")
    monkeypatch.setenv("PAYFLOW_DB", str(cli.db))
    assert main(["verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main(["--json", "clock", "show"]) == 0
    assert json.loads(capsys.readouterr().out)["sandbox"] is False


def test_help_exits_0(cli, capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("init", "user", "deposit", "withdraw", "transfer", "balance", "history", "clock", "verify",
                    "demo", "bench"):
        assert command in out


@pytest.mark.parametrize("argv, db", [
    ([], "data/payflow.db"),
    (["--db", "x.db"], "x.db"),
    (["--db=y.db"], "y.db"),
    (["--json"], None),  # not the short way: the full parser decides
    (["balance", "--db", "x.db"], None),
    (["--db"], None),
    (["--help"], None),
])
def test_which_command_lines_start_the_app_directly(argv, db, monkeypatch):
    from payflow_tui.cli import _app_database

    monkeypatch.delenv("PAYFLOW_DB", raising=False)
    assert _app_database(argv) == db


def test_payflow_with_only_a_database_starts_the_app_on_it(monkeypatch, tmp_path):
    import payflow_tui.cli as cli_module
    from payflow_tui.tui import launch

    opened = []
    monkeypatch.setattr(launch, "run_app", lambda path: opened.append(path) or 0)
    monkeypatch.setenv("PAYFLOW_DB", str(tmp_path / "env.db"))
    assert cli_module.main([]) == 0
    assert cli_module.main(["--db", str(tmp_path / "x.db")]) == 0
    assert opened == [str(tmp_path / "env.db"), str(tmp_path / "x.db")]
