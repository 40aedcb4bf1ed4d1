"""Read-only views the services return: plain data, easy to show or serialise."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from ..clock import from_iso
from ..money import format_amount, to_major_str

# Fields that hold money (minor units) and times, for JSON conversion.
_MONEY = {"amount", "balance", "price", "total", "sent_total"}


def _jsonable(value: object, name: str) -> object:
    if name in _MONEY and isinstance(value, int) and not isinstance(value, bool):
        return to_major_str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class View:
    def to_json(self) -> dict:
        return {f.name: _jsonable(getattr(self, f.name), f.name) for f in fields(self)}  # type: ignore[arg-type]

    def as_dict(self) -> dict:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class TransactionView(View):
    id: int
    reference: str
    type: str
    direction: str
    amount: int
    currency: str
    status: str
    wallet_id: int
    owner_email: str
    owner_name: str
    counterparty_email: str | None
    counterparty_name: str | None
    transfer_ref: str | None
    memo: str | None
    failure_code: str | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def signed_amount(self) -> int:
        return self.amount if self.direction == "CREDIT" else -self.amount

    @property
    def display_amount(self) -> str:
        return format_amount(self.amount, self.currency)


@dataclass(frozen=True)
class WalletView(View):
    id: int
    owner_email: str
    owner_name: str
    balance: int
    currency: str
    frozen: bool
    frozen_reason: str | None
    frozen_at: datetime | None
    suspicious: bool

    @property
    def display_balance(self) -> str:
        return format_amount(self.balance, self.currency)


@dataclass(frozen=True)
class UserView(View):
    id: int
    email: str
    name: str
    role: str
    status: str
    failed_logins: int
    locked_until: datetime | None
    lock_reason: str | None
    created_at: datetime
    wallet_id: int | None = None
    balance: int | None = None
    frozen: bool | None = None


@dataclass(frozen=True)
class TransferResult(View):
    transfer_ref: str
    amount: int
    currency: str
    debit: TransactionView
    credit: TransactionView
    balance_after: int

    def to_json(self) -> dict:
        return {
            "transfer_ref": self.transfer_ref,
            "amount": to_major_str(self.amount),
            "currency": self.currency,
            "balance_after": to_major_str(self.balance_after),
            "debit": self.debit.to_json(),
            "credit": self.credit.to_json(),
        }


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list; ``next_cursor`` continues it."""

    items: list
    next_cursor: int | None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


TX_SELECT = (
    "SELECT t.*, u.email AS owner_email, u.name AS owner_name,"
    " cu.email AS counterparty_email, cu.name AS counterparty_name"
    " FROM transactions t JOIN wallets w ON w.id = t.wallet_id JOIN users u ON u.id = w.user_id"
    " LEFT JOIN wallets cw ON cw.id = t.counterparty_wallet_id"
    " LEFT JOIN users cu ON cu.id = cw.user_id"
)


def tx_view(row) -> TransactionView:
    return TransactionView(
        id=row["id"], reference=row["reference"], type=row["type"], direction=row["direction"],
        amount=row["amount"], currency=row["currency"], status=row["status"], wallet_id=row["wallet_id"],
        owner_email=row["owner_email"], owner_name=row["owner_name"],
        counterparty_email=row["counterparty_email"], counterparty_name=row["counterparty_name"],
        transfer_ref=row["transfer_ref"], memo=row["memo"], failure_code=row["failure_code"],
        failure_reason=row["failure_reason"], created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def load_tx(conn, tx_id: int) -> TransactionView:
    return tx_view(conn.execute(TX_SELECT + " WHERE t.id = ?", (tx_id,)).fetchone())


def load_tx_by_ref(conn, reference: str):
    row = conn.execute(TX_SELECT + " WHERE t.reference = ?", (reference,)).fetchone()
    return tx_view(row) if row else None


def load_transfer_legs(conn, transfer_ref: str) -> list:
    """Both rows of a transfer (or the one of a refused transfer), in one query."""
    return [tx_view(r) for r in conn.execute(TX_SELECT + " WHERE t.transfer_ref = ?", (transfer_ref,))]


def wallet_view(conn, wallet_id: int) -> WalletView:
    r = conn.execute(
        "SELECT w.*, u.email, u.name FROM wallets w JOIN users u ON u.id = w.user_id WHERE w.id = ?",
        (wallet_id,),
    ).fetchone()
    return WalletView(
        id=r["id"], owner_email=r["email"], owner_name=r["name"], balance=r["balance"],
        currency=r["currency"], frozen=bool(r["frozen"]), frozen_reason=r["frozen_reason"],
        frozen_at=from_iso(r["frozen_at"]) if r["frozen_at"] else None, suspicious=bool(r["suspicious"]),
    )


def user_view(row) -> UserView:
    keys = row.keys()
    return UserView(
        id=row["id"], email=row["email"], name=row["name"], role=row["role"], status=row["status"],
        failed_logins=row["failed_logins"],
        locked_until=from_iso(row["locked_until"]) if row["locked_until"] else None,
        lock_reason=row["lock_reason"], created_at=from_iso(row["created_at"]),
        wallet_id=row["wallet_id"] if "wallet_id" in keys else None,
        balance=row["balance"] if "balance" in keys else None,
        frozen=bool(row["frozen"]) if "frozen" in keys and row["frozen"] is not None else None,
    )
