"""An Input for a range of days: validated as typed with the parser the reports service uses."""

from __future__ import annotations

from datetime import date

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from ..dates import RANGE_EXAMPLE, DateError, parse_range


class RangeValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            parse_range(value)
        except DateError as exc:
            return self.failure(str(exc))
        return self.success()


class DateRangeInput(Input):
    """Type ``2026-01-01 → 2026-01-31`` (or ``->``, ``to``); ``days`` is (first, day after last) or None."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("placeholder", RANGE_EXAMPLE)
        super().__init__(validators=[RangeValidator()], validate_on=["changed", "submitted"], **kwargs)

    @property
    def days(self) -> tuple[date, date] | None:
        try:
            return parse_range(self.value)
        except DateError:
            return None
