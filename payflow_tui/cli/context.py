"""What every command shares: the open database, the acting user, output."""

from __future__ import annotations

import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from ..services import PayFlow, Session
from ..services import errors as E


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


@dataclass
class Result:
    """A command's outcome: ``data`` for --json, ``text`` for people."""

    data: dict
    text: str = ""


@dataclass
class Context:
    db_path: str
    json: bool
    _pf: PayFlow | None = field(default=None, repr=False)

    def pf(self, *, sandbox: bool | None = None) -> PayFlow:
        if self._pf is None:
            self._pf = PayFlow.open(self.db_path, sandbox=sandbox)
        return self._pf

    def login(self, email: str | None) -> Session:
        """Log in as ``--as EMAIL`` with PAYFLOW_PASSWORD, else a hidden prompt."""
        if not email:
            raise UsageError("This command needs --as EMAIL (the acting user).")
        # PAYFLOW_OTP: the code for admin logins when they require two-factor.
        return self.pf().login(email, read_secret("PAYFLOW_PASSWORD", f"Password for {email}: "),
                               otp=os.environ.get("PAYFLOW_OTP"))

    def close(self) -> None:
        if self._pf is not None:
            self._pf.close()


def read_secret(env_name: str, prompt: str) -> str:
    """A password from the environment, else typed at a hidden prompt; never echoed."""
    value = os.environ.get(env_name)
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"Set {env_name} or run in a terminal to type the password.")
    try:
        return getpass.getpass(prompt)
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


def parse_amount_arg(ctx: Context, text: str) -> int:
    try:
        return ctx.pf().parse_amount(text)
    except E.InvalidAmount:
        raise
