import pytest

from payflow_tui.money import AmountError, format_amount, parse_amount, to_major_str

GOOD = [
    ("1500", 150000),
    ("1500.5", 150050),
    ("1,500.50", 150050),
    ("₦1,500.50", 150050),
    ("NGN 1500", 150000),
    ("ngn1500.05", 150005),
    ("0.01", 1),
    (".5", 50),
    ("  42  ", 4200),
    ("1,000,000", 100000000),
    ("100000000", 10000000000),
]

BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("0", "greater than zero"),
    ("0.00", "greater than zero"),
    ("-5", "negative"),
    ("+5", "sign"),
    ("1.234", "more than 2 decimal"),
    ("1e5", "exponent"),
    ("1E5", "exponent"),
    ("NaN", "NaN"),
    ("inf", "NaN or infinity"),
    ("Infinity", "NaN or infinity"),
    ("١٢٣", "digits 0-9"),
    ("１２３", "digits 0-9"),
    ("15,00", "misplaced"),
    ("1,,500", "misplaced"),
    (",500", "misplaced"),
    ("1,500,00", "misplaced"),
    ("1.000,50", "separator after the decimal"),
    ("1.2.3", "more than one decimal"),
    ("12.", "no digits after"),
    ("abc", "not a number"),
    ("₦", "no number"),
    ("1 500", "spaces"),
    ("100000000.01", "above the maximum"),
]


@pytest.mark.parametrize("text,expected", GOOD)
def test_parse_accepts(text, expected):
    assert parse_amount(text) == expected
    assert isinstance(parse_amount(text), int)


@pytest.mark.parametrize("text,fragment", BAD)
def test_parse_refuses_with_a_message_naming_the_problem(text, fragment):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert fragment.lower() in str(info.value).lower()


def test_configured_maximum():
    assert parse_amount("50", max_minor=5000) == 5000
    with pytest.raises(AmountError, match="maximum"):
        parse_amount("50.01", max_minor=5000)


def test_format():
    assert format_amount(150050) == "₦1,500.50"
    assert format_amount(5) == "₦0.05"
    assert format_amount(-150000) == "-₦1,500.00"
    assert to_major_str(150000) == "1500.00"
    assert to_major_str(7) == "0.07"
