"""Bulk transfers (payroll, payouts) from a CSV file: each row its own transfer."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from ..money import AmountError, parse_amount, to_major_str
from . import errors as E
from .base import ServiceBase, Session

REQUIRED_COLUMNS = ("email", "amount", "reference")
MAX_ROWS = 10_000


@dataclass
class BulkRow:
    line: int
    email: str
    amount: int | None
    reference: str
    status: str  # SENT, REFUSED
    transfer_ref: str | None = None
    code: str | None = None
    reason: str | None = None


@dataclass
class BulkSummary:
    rows: list[BulkRow] = field(default_factory=list)

    @property
    def sent(self) -> list[BulkRow]:
        return [r for r in self.rows if r.status == "SENT"]

    @property
    def refused(self) -> list[BulkRow]:
        return [r for r in self.rows if r.status != "SENT"]

    @property
    def sent_total(self) -> int:
        return sum(r.amount or 0 for r in self.sent)

    def to_json(self) -> dict:
        return {
            "sent": len(self.sent),
            "refused": len(self.refused),
            "sent_total": to_major_str(self.sent_total),
            "rows": [
                {"line": r.line, "email": r.email, "reference": r.reference, "status": r.status,
                 "amount": to_major_str(r.amount) if r.amount else None, "transfer_ref": r.transfer_ref,
                 "code": r.code, "reason": r.reason}
                for r in self.rows
            ],
        }


class BulkMixin(ServiceBase):
    def bulk_transfer(self, session: Session, csv_text: str) -> BulkSummary:
        """Send one transfer per CSV row (columns email, amount, reference).

        Callers: any logged-in user, from their own wallet. Each row is its own
        atomic transfer whose idempotency key is the row's reference, so running
        the same file again sends nothing twice. A malformed file (no header,
        missing columns, duplicate references) is refused whole before anything
        is sent; a malformed row is refused alone.
        """
        rows = _parse_rows(csv_text)
        with self._read() as conn:
            self._actor(conn, session)
            ceiling = int(self._setting(conn, "max_amount_minor"))
        summary = BulkSummary()
        for line, email, amount_text, reference in rows:
            try:
                amount = parse_amount(amount_text, max_minor=ceiling)
            except AmountError as exc:
                summary.rows.append(BulkRow(line, email, None, reference, "REFUSED",
                                            code="INVALID_AMOUNT", reason=str(exc)))
                continue
            try:
                result = self.transfer(session, email, amount, key=f"bulk:{reference}", memo=reference)
            except (E.SessionExpired, E.AccountLocked, E.AccountDisabled):
                raise
            except E.PayFlowError as exc:
                summary.rows.append(BulkRow(line, email, amount, reference, "REFUSED",
                                            code=exc.code, reason=exc.message))
            else:
                summary.rows.append(BulkRow(line, email, amount, reference, "SENT",
                                            transfer_ref=result.transfer_ref))
        return summary


def _parse_rows(csv_text: str) -> list[tuple[int, str, str, str]]:
    if not csv_text or not csv_text.strip():
        raise E.InvalidInput("The batch file is empty.")
    if "\x00" in csv_text:
        # Python's csv reads NUL bytes as data; a payroll file with them is binary or corrupt.
        raise E.InvalidInput("The batch file contains NUL bytes; it is not a text CSV file.")
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise E.InvalidInput(f"The batch file has no readable header row: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise E.InvalidInput(
            f"The batch file's header lacks column(s) {', '.join(missing)};"
            f" it needs {', '.join(REQUIRED_COLUMNS)}."
        )
    idx = {c: header.index(c) for c in REQUIRED_COLUMNS}
    rows, seen = [], {}
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            cells = [record[idx[c]].strip() if idx[c] < len(record) else "" for c in REQUIRED_COLUMNS]
            email, amount, reference = cells
            if not reference:
                raise E.InvalidInput(f"Line {line}: the reference is empty.")
            if reference in seen:
                raise E.InvalidInput(f"Line {line}: reference {reference!r} repeats line {seen[reference]}.")
            seen[reference] = line
            rows.append((line, email, amount, reference))
    except csv.Error as exc:
        raise E.InvalidInput(f"The batch file is not valid CSV: {exc}") from None
    if not rows:
        raise E.InvalidInput("The batch file has a header but no rows.")
    if len(rows) > MAX_ROWS:
        raise E.InvalidInput(f"The batch file has {len(rows)} rows; the limit is {MAX_ROWS}.")
    return rows
