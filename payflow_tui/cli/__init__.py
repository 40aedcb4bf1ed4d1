"""``payflow``: headless commands for operators, scripts and system cron.

Exit codes: 0 success, 1 a business rule refused, 2 bad input or usage,
3 authentication or permission. With --json, standard output is one JSON
object: the result, or {"error": {"code": ..., "message": ...}}.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from ..services import errors as E
from .context import Context, UsageError, emit, emit_error

DEFAULT_DB = "data/payflow.db"

# Each module adds its subcommands with a ``register(subparsers, common)`` function.
COMMAND_MODULES = [
    "payflow_tui.cli.cmd_setup",
    "payflow_tui.cli.cmd_users",
    "payflow_tui.cli.cmd_money",
    "payflow_tui.cli.cmd_ops",
    "payflow_tui.cli.cmd_subscriptions",
    "payflow_tui.cli.cmd_scheduler",
    "payflow_tui.cli.cmd_fraud",
    "payflow_tui.cli.cmd_reports",
    "payflow_tui.cli.cmd_notify",
    "payflow_tui.cli.cmd_settings",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print and exit 2 itself
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    # Global options are accepted before or after the subcommand.
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help=f"database file (default {DEFAULT_DB}, env PAYFLOW_DB)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON object on standard output")
    parser = _Parser(prog="payflow", parents=[common],
                     description="PayFlow: a local ledger and back office. With no command, starts the app.")
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers, common)
    return parser


def _app_database(argv: list[str]) -> str | None:
    """The database to open when ``argv`` asks for the app (no command: only --db),
    else None. Starting the app this way skips importing every command's module
    (a tenth of the start-up); anything else goes through the full parser."""
    db = None
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest:
            db = rest.pop(0)
        elif arg.startswith("--db=") and len(arg) > 5:
            db = arg[5:]
        else:
            return None
    return db or os.environ.get("PAYFLOW_DB") or DEFAULT_DB


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    app_db = _app_database(argv)
    if app_db is not None:
        from ..tui.launch import run_app

        return run_app(app_db)
    as_json = "--json" in argv
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        emit_error(as_json, "INVALID_INPUT", str(exc))
        return E.EXIT_INPUT
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    db_path = getattr(args, "db", None) or os.environ.get("PAYFLOW_DB") or DEFAULT_DB
    as_json = getattr(args, "json", False)
    if not getattr(args, "func", None):
        from ..tui.launch import run_app

        return run_app(db_path)
    ctx = Context(db_path=db_path, json=as_json)
    try:
        result = args.func(ctx, args)
        emit(as_json, result)
        return result.exit_code
    except E.PayFlowError as exc:
        emit_error(as_json, exc.code, exc.message)
        return exc.exit_code
    except UsageError as exc:
        emit_error(as_json, "INVALID_INPUT", str(exc))
        return E.EXIT_INPUT
    except (OSError, sqlite3.DatabaseError) as exc:
        emit_error(as_json, "INVALID_INPUT", f"{db_path}: {exc}")
        return E.EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    finally:
        ctx.close()
