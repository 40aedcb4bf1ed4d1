"""What every command shares: the open database, the acting user, output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..services import PayFlow, Session
from ..services import errors as E


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


@dataclass
class Result:
    """A command's outcome: ``data`` for --json, ``text`` for people.

    ``exit_code`` is non-zero when the command ran but reports a refusal
    (a batch with refused rows, a ledger that fails verification).
    """

    data: dict
    text: str = ""
    exit_code: int = 0


@dataclass
class Context:
    db_path: str
    json: bool
    _pf: PayFlow | None = field(default=None, repr=False)

    def pf(self, *, sandbox: bool | None = None, create: bool = False) -> PayFlow:
        """The open database. Only ``init`` may create a new file: any other
        command on a mistyped path would otherwise start an empty ledger there."""
        if self._pf is None:
            path = Path(self.db_path)
            if path.is_dir():
                raise UsageError(f"{self.db_path} is a directory, not a database file.")
            for parent in path.parents:
                if parent.exists():
                    if not parent.is_dir():
                        raise UsageError(f"{self.db_path}: {parent} is a file, not a folder.")
                    break
            if not create and not path.exists():
                raise UsageError(
                    f"No database at {self.db_path}; create it with `payflow --db {self.db_path} init`."
                )
            self._pf = PayFlow.open(self.db_path, sandbox=sandbox)
        return self._pf

    def login(self, email: str | None) -> Session:
        """Log in as ``--as EMAIL`` with PAYFLOW_PASSWORD, else a hidden prompt."""
        if not email or not email.strip():
            raise UsageError("This command needs --as EMAIL (the acting user).")
        pf = self.pf()
        # PAYFLOW_OTP: the code for admin logins when they require two-factor.
        return pf.login(email, read_secret("PAYFLOW_PASSWORD", f"Password for {email}: "),
                        otp=os.environ.get("PAYFLOW_OTP"))

    def amount(self, text: str | None, option: str = "--amount") -> int:
        """A typed amount in kobo, checked before anyone logs in so that bad
        input leaves the database exactly as it was."""
        if text is None:
            raise UsageError(f"This command needs {option} AMOUNT (for example 1,500.00).")
        return self.pf().parse_amount(text)

    def zone(self) -> tzinfo:
        """The bank's configured time zone, for times shown to people."""
        try:
            return ZoneInfo(self.pf().timezone_name())
        except (ZoneInfoNotFoundError, ValueError):
            return timezone.utc

    def close(self) -> None:
        if self._pf is not None:
            self._pf.close()


def read_secret(env_name: str, prompt: str, *, confirm: bool = False) -> str:
    """A password from the environment, else typed at a hidden prompt; never echoed."""
    value = os.environ.get(env_name)
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"Set {env_name} or run in a terminal to type the password.")
    try:
        typed = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != typed:
            raise UsageError("The two passwords differ; nothing was changed.")
        return typed
    except (EOFError, KeyboardInterrupt):
        raise UsageError("No password given.") from None


def emit(ctx_json: bool, result: Result) -> None:
    if ctx_json:
        print(json.dumps(result.data, ensure_ascii=False, default=str))
    elif result.text:
        print(result.text)


def emit_error(ctx_json: bool, code: str, message: str) -> None:
    if ctx_json:
        print(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    else:
        print(f"error: {message} [{code}]", file=sys.stderr)


Handler = Callable[[Context, Any], Result]


# -- argument helpers shared by the command modules ------------------------------------

def add_actor(parser: argparse.ArgumentParser, *, needed: bool = True) -> None:
    # SUPPRESS keeps a nested subcommand's missing option from erasing the one given before it.
    parser.add_argument("--as", dest="as_", metavar="EMAIL", default=argparse.SUPPRESS,
                        help="the acting user (password from PAYFLOW_PASSWORD, else a prompt)"
                        if needed else argparse.SUPPRESS)


def actor_of(args) -> str | None:
    return getattr(args, "as_", None)


def positive_int(upper: int) -> Callable[[str], int]:
    """An argparse type: a whole number from 1 to ``upper``, with a plain message."""

    def parse(text: str) -> int:
        s = (text or "").strip()
        if not (s.isascii() and s.isdigit()) or not 1 <= int(s) <= upper:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {upper:,}")
        return int(s)

    parse.__name__ = "number"
    return parse


def require_text(value: str | None, what: str) -> str:
    """A non-empty option value, checked before login."""
    text = " ".join((value or "").split())
    if not text:
        raise UsageError(f"{what} must not be empty.")
    return text


def parse_amount_arg(ctx: Context, text: str) -> int:
    """A typed amount in naira, through the same parser and maximum the service uses."""
    return ctx.pf().parse_amount(text)
