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

    @property
    def minor(self) -> int | None:
        try:
            return parse_amount(self.value, max_minor=self.max_minor)
        except AmountError:
            return None
