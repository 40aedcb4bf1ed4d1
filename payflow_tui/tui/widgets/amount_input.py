"""An Input for money: validated as typed with the same parser the service uses."""

from __future__ import annotations

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from ...money import DEFAULT_MAX_MINOR, AmountError, parse_amount


class AmountValidator(Validator):
    def __init__(self, max_minor: int = DEFAULT_MAX_MINOR) -> None:
        super().__init__()
        self.max_minor = max_minor

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_amount(value, max_minor=self.max_minor)
        except AmountError as exc:
            return self.failure(str(exc))
        return self.success()


class AmountInput(Input):
    """Type ``1,500.50`` or ``₦1500``; ``minor`` is the parsed kobo, or None while invalid."""

    def __init__(self, *, max_minor: int = DEFAULT_MAX_MINOR, **kwargs) -> None:
        kwargs.setdefault("placeholder", "Amount, e.g. 1,500.00")
        super().__init__(validators=[AmountValidator(max_minor)], validate_on=["changed", "submitted"],
                         **kwargs)
        self.max_minor = max_minor

    def set_max(self, max_minor: int) -> None:
        """Follow the bank's configured ceiling (``pf.amount_limit()``) and re-check the value."""
        self.max_minor = max_minor
        for validator in self.validators:
            if isinstance(validator, AmountValidator):
                validator.max_minor = max_minor
        if self.value:
            self.validate(self.value)

    @property
    def problem(self) -> str:
        """Why the typed text is not an amount ("" while empty or valid)."""
        if not self.value.strip():
            return ""
        try:
            parse_amount(self.value, max_minor=self.max_minor)
        except AmountError as exc:
            return str(exc)
        return ""

    @property
    def minor(self) -> int | None:
        try:
            return parse_amount(self.value, max_minor=self.max_minor)
        except AmountError:
            return None
