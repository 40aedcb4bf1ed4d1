"""Typed service errors with stable codes.

The CLI maps ``exit_code`` to its process exit status and ``code`` to JSON;
the app shows ``message`` as a plain sentence.
"""

from __future__ import annotations

# Exit codes: 1 a business rule refused, 2 bad input or usage, 3 authentication or permission.
EXIT_BUSINESS, EXIT_INPUT, EXIT_AUTH = 1, 2, 3


class PayFlowError(Exception):
    code = "ERROR"
    exit_code = EXIT_BUSINESS

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def _error(name: str, code: str, exit_code: int, doc: str) -> type[PayFlowError]:
    cls = type(name, (PayFlowError,), {"code": code, "exit_code": exit_code, "__doc__": doc})
    return cls


InvalidAmount = _error("InvalidAmount", "INVALID_AMOUNT", EXIT_INPUT, "A typed amount was refused.")
InvalidInput = _error("InvalidInput", "INVALID_INPUT", EXIT_INPUT, "A field is missing or malformed.")
InsufficientFunds = _error("InsufficientFunds", "INSUFFICIENT_FUNDS", EXIT_BUSINESS, "The wallet balance is short.")
WalletFrozen = _error("WalletFrozen", "WALLET_FROZEN", EXIT_BUSINESS, "A wallet involved is frozen.")
AccountLocked = _error("AccountLocked", "ACCOUNT_LOCKED", EXIT_AUTH, "The account is locked.")
AccountDisabled = _error("AccountDisabled", "ACCOUNT_DISABLED", EXIT_AUTH, "The account is disabled.")
AuthFailed = _error("AuthFailed", "AUTH_FAILED", EXIT_AUTH, "Email or password is wrong.")
SessionExpired = _error("SessionExpired", "SESSION_EXPIRED", EXIT_AUTH, "The session expired; log in again.")
PermissionDenied = _error("PermissionDenied", "PERMISSION_DENIED", EXIT_AUTH, "The role may not do this.")
NotFound = _error("NotFound", "NOT_FOUND", EXIT_BUSINESS, "No such user, wallet or record.")
SameWallet = _error("SameWallet", "SAME_WALLET", EXIT_BUSINESS, "A transfer to one's own wallet.")
CurrencyMismatch = _error("CurrencyMismatch", "CURRENCY_MISMATCH", EXIT_BUSINESS, "Wallets hold different currencies.")
IdempotencyConflict = _error(
    "IdempotencyConflict", "IDEMPOTENCY_CONFLICT", EXIT_BUSINESS, "An idempotency key reused with other parameters."
)
AlreadyProcessed = _error("AlreadyProcessed", "ALREADY_PROCESSED", EXIT_BUSINESS, "The record is no longer pending.")
NotSandbox = _error("NotSandbox", "NOT_SANDBOX", EXIT_BUSINESS, "Only a sandbox database allows this.")
Conflict = _error("Conflict", "CONFLICT", EXIT_BUSINESS, "The record already exists or is in the wrong state.")
SchedulerBusy = _error("SchedulerBusy", "SCHEDULER_BUSY", EXIT_BUSINESS, "Another process holds the scheduler lease.")
RuleBlocked = _error("RuleBlocked", "BLOCKED_BY_RULE", EXIT_BUSINESS, "A fraud rule stopped the payment.")
OtpRequired = _error("OtpRequired", "OTP_REQUIRED", EXIT_AUTH, "A current two-factor code is needed.")
OtpInvalid = _error("OtpInvalid", "OTP_INVALID", EXIT_AUTH, "The two-factor code is wrong, expired or used.")

ERRORS_BY_CODE = {cls.code: cls for cls in PayFlowError.__subclasses__()}


def error_for_code(code: str, message: str) -> PayFlowError:
    """Rebuild a stored refusal (an idempotent replay returns the original error)."""
    return ERRORS_BY_CODE.get(code, PayFlowError)(message)
