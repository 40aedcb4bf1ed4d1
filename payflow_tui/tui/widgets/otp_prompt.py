"""Asking for a two-factor code when a service call needs one, then running the same call again.

Any service method with an ``otp`` parameter (transfer, withdraw, login) may
refuse with OTP_REQUIRED or OTP_INVALID. ``PayFlowApp.call_service`` then asks
for the code with ``OtpDialog`` and repeats the very same call (same arguments,
so the same idempotency key) with the code added: a screen gets this without
doing anything itself.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from textual.validation import Function

from ...services import errors as E
from ...services import totp
from .dialogs import InputDialog

# Services that take a recovery code in place of the 6-digit code (a payment needs the app's code).
RECOVERY_CODE_CALLS = {"login"}


def takes_otp(fn: Callable[..., Any]) -> bool:
    try:
        return "otp" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def wants_code(fn: Callable[..., Any], exc: Exception) -> bool:
    """Whether ``exc`` from ``fn`` is answered by asking for a code and trying again."""
    if not isinstance(exc, (E.OtpRequired, E.OtpInvalid)) or not takes_otp(fn):
        return False
    # Someone not enrolled has no code to give: they are told to enrol instead.
    return exc.details.get("enrolled", True) is not False


def with_code(fn: Callable[..., Any], args: tuple, kwargs: dict, code: str) -> tuple[tuple, dict]:
    """The same call's arguments with ``otp=code`` (replacing a code given before)."""
    bound = inspect.signature(fn).bind_partial(*args, **kwargs)
    bound.arguments["otp"] = code
    return bound.args, bound.kwargs


def accepts_recovery(fn: Callable[..., Any]) -> bool:
    return getattr(fn, "__name__", "") in RECOVERY_CODE_CALLS


class OtpDialog(InputDialog):
    """The service's sentence (what needs a code, or why the last one failed) and one field.

    Dismisses with the code as typed, or None when cancelled.
    """

    def __init__(self, message: str, *, recovery: bool = False) -> None:
        if recovery:
            prompt = f"{message}\nType the 6-digit code your authenticator app shows, or a recovery code."
            validators = []
            placeholder = "123456 or XXXX-XXXX-XXXX"
        else:
            prompt = f"{message}\nType the 6-digit code your authenticator app shows."
            # Checked here so a typing slip is not sent (and not counted as a wrong code).
            validators = [Function(lambda v: totp.looks_like_totp(totp.normalise(v)),
                                   "A code is the 6 digits your authenticator app shows.")]
            placeholder = "123456"
        super().__init__("Two-factor code", prompt, placeholder=placeholder, validators=validators,
                         confirm_label="Continue")
