"""Typed ranges of days for the reports screen: what is accepted is what the service accepts."""

from datetime import date

import pytest

from payflow_tui.tui.dates import DateError, parse_range


@pytest.mark.parametrize("text", [
    "2026-01-01 → 2026-01-31", "2026-01-01->2026-01-31", "2026-01-01 -> 2026-01-31",
    "2026-01-01..2026-01-31", "2026-01-01 to 2026-01-31", " 2026-01-01  2026-01-31 ",
])
def test_a_range_is_its_first_day_and_the_day_after_its_last(text):
    assert parse_range(text) == (date(2026, 1, 1), date(2026, 2, 1))


def test_one_day_alone_is_that_day():
    assert parse_range("2026-02-28") == (date(2026, 2, 28), date(2026, 3, 1))


@pytest.mark.parametrize("text, problem", [
    ("", "Type a range such as 2026-01-01 → 2026-01-31."),
    ("2026-01-01 →", "Type the last day too, as in 2026-01-01 → 2026-01-31."),
    ("2026-01-01 2026-01-02 2026-01-03", "Type a range such as 2026-01-01 → 2026-01-31."),
    ("2026-01-31 → 2026-01-01", "The end date is before the start date."),
    ("2026-02-30", "Start date 2026-02-30 is not a real calendar day."),
    ("2026-01-01 → 2026-1-5", "End date '2026-1-5' is not a date like 2026-01-31 (YYYY-MM-DD)."),
    ("1969-12-31", "Start date 1969-12-31 is outside 1970-01-01 to 9000-12-31."),
    ("2026-01-01 → 2036-12-31", "A range may span at most 3700 days; choose a shorter one."),
])
def test_a_bad_range_names_its_problem(text, problem):
    with pytest.raises(DateError) as caught:
        parse_range(text)
    assert str(caught.value) == problem
