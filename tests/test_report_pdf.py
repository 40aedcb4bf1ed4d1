"""The report summary as a one-page PDF, read back with PDFium: its words, its chart, its limits."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from tests.reports_dataset import month, month_file  # noqa: F401  (fixtures)

from payflow_tui.services import errors as E
from payflow_tui.services.periods import Period, local_midnight
from payflow_tui.services.report_pdf import buckets, write_report_pdf
from payflow_tui.services.report_views import VOLUME_TYPES, DayVolume, PlanCount, Report, WalletRank
from payflow_tui.services.rule_defs import RULES

MM = 72 / 25.4  # PDF points per millimetre
A4 = (595.28, 841.89)


def read_pdf(path):
    doc = pdfium.PdfDocument(str(path))
    return doc, [doc[i] for i in range(len(doc))]


def page_lines(page) -> list[str]:
    return page.get_textpage().get_text_range().replace("\r", "").split("\n")


def test_the_page_holds_the_weeks_figures(month, tmp_path):
    out = tmp_path / "week.pdf"
    result = month.pf.export_report_pdf(month.admin, out, period="week")

    assert (result.path, result.rows, result.bytes) == (out, 1, out.stat().st_size)
    _, pages = read_pdf(out)
    assert len(pages) == 1
    assert pages[0].get_size() == pytest.approx(A4, abs=0.1)
    lines = page_lines(pages[0])
    # The same week and figures as tests/test_reports.py, added up by hand from the dataset.
    for expected in [
        "PayFlow report",
        "2026-01-12 to 2026-01-18 (7 days), Africa/Lagos time; amounts in NGN",
        "Deposits 4 NGN 1,950.00",
        "Withdrawals 1 NGN 100.00",
        "Transfers 1 NGN 200.00",
        "Subscriptions 1 NGN 50.00",
        "Mon 12 Jan 2026 Sun 18 Jan 2026",
        "Tallest bar: NGN 1,250.00",
        "Active subscriptions 3",
        "Most popular plan Plus (2 active)",
        "Failed renewals in the period 1",
        "Open alerts none",
        "1 Ada Obi ada@bank.test NGN 1,450.00",
        "2 Bola Ade bola@bank.test NGN 850.00",
    ]:
        assert expected in lines
    assert lines[-1].startswith("Generated 2026-01-17T12:00:00+01:00.")  # local time of the bank


def test_the_chart_draws_each_days_amounts_to_scale(month, tmp_path):
    out = tmp_path / "week.pdf"
    month.pf.export_report_pdf(month.admin, out, period="week")
    _, (page,) = read_pdf(out)
    boxes = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH])]
    tallest = max(boxes, key=lambda b: b[3] - b[1])
    base = tallest[1]
    bars = sorted((b for b in boxes if abs(b[1] - base) < 0.2 and b[3] - b[1] > 2), key=lambda b: b[0])
    # Monday's 1,250.00 of deposits is the tallest bar, 36 mm; the rest are in proportion,
    # left to right: Mon deposits, Tue deposits and transfer, Wed withdrawal, Thu deposit, Fri charge.
    expected = [125_000, 30_000, 20_000, 10_000, 40_000, 5_000]
    assert [round((b[3] - b[1]) / MM, 2) for b in bars] == [round(36 * a / 125_000, 2) for a in expected]


def test_an_empty_period_says_so_instead_of_a_chart(month, tmp_path):
    out = tmp_path / "quiet.pdf"
    month.pf.export_report_pdf(month.admin, out, date_from="2026-01-17", date_to="2026-01-19")
    _, (page,) = read_pdf(out)
    assert "No money moved in this period." in page_lines(page)
    assert "Deposits 0 NGN 0.00" in page_lines(page)


def test_names_the_font_lacks_and_long_names_do_not_break_the_page(month, tmp_path):
    pf = month.pf
    pf.create_user(month.admin, "ngozi@bank.test", "Ọlá Ngozi 李" + " Adeyemi-Okonkwo" * 4, "long-password-1", "USER")
    pf.confirm_deposit(month.admin, pf.request_deposit(month.admin, 900_000, for_email="ngozi@bank.test").reference)
    out = tmp_path / "names.pdf"
    pf.export_report_pdf(month.admin, out, period="week")
    _, pages = read_pdf(out)
    first_wallet = next(line for line in page_lines(pages[0]) if line.startswith("1 "))
    # "Ọ" and "李" are not in the core font: shown as "?"; "á" is. The name is cut to its column.
    assert first_wallet.startswith("1 ?lá Ngozi ? Adeyemi-Okonkwo...")
    assert first_wallet.endswith("... ngozi@bank.test NGN 9,000.00")
    assert len(pages) == 1


def test_a_full_page_of_every_section_still_fits_above_the_footer(tmp_path):
    """A year of days, an open alert for every rule, ten wallets with long names: one page,
    and nothing written over the footer."""
    first = date(2025, 1, 1)
    zone = timezone.utc
    days = [first + timedelta(days=i) for i in range(365)]
    volume = [DayVolume(d, {k: (i % 7 + 1) * 1_000_000 for k in VOLUME_TYPES}, {k: 3 for k in VOLUME_TYPES})
              for i, d in enumerate(days)]
    period = Period("custom", "UTC", first, first + timedelta(days=365),
                    local_midnight(first, zone), local_midnight(first + timedelta(days=365), zone))
    report = Report(
        period=period, currency="NGN", generated_at=datetime(2026, 1, 1, tzinfo=timezone.utc), volume=volume,
        totals={k: 10**13 for k in VOLUME_TYPES}, total_counts={k: 10**6 for k in VOLUME_TYPES},
        active_subscriptions=123_456, plans=[PlanCount(1, "Premium family plan with extras", 99_999)],
        failed_renewals=4_321, alerts_available=True, open_alerts={code: 9_999 for code in RULES},
        largest_wallets=[WalletRank(i, f"customer.with.a.long.address.{i}@branch.example.com",
                                    "Chukwuemeka Oluwaseun Babatunde-Adeyemi", 10**13 - i, "NGN")
                         for i in range(10)],
    )
    out = tmp_path / "full.pdf"
    assert write_report_pdf(report, out) == 1
    _, pages = read_pdf(out)
    assert len(pages) == 1
    lines = page_lines(pages[0])
    assert "10 Chukwuemeka Oluwaseun Bab... customer.with.a.long.address.9@branch.ex... NGN 99,999,999,999.91" \
        in lines
    assert "1 Chukwuemeka Oluwaseun Bab... customer.with.a.long.address.0@branch.ex... NGN 100,000,000,000.00" \
        in lines  # the first row is cut in its own (regular) font, not the bold header's
    assert "LARGE_AFTER_SECURITY_CHANGE: 9,999" in lines
    # A year is drawn a bar per calendar month; the tallest is a 31-day month's sum.
    assert "Money moved per month" in lines
    by_month: dict[int, int] = {}
    for i, day in enumerate(days):
        by_month[day.month] = by_month.get(day.month, 0) + (i % 7 + 1) * 1_000_000
    assert f"Tallest bar: NGN {max(by_month.values()) // 100:,}.00" in lines
    # The band from the footer's top to 35 mm above the page's edge holds the footer alone.
    band = pages[0].get_textpage().get_text_bounded(left=0, bottom=0, right=A4[0], top=35 * MM)
    assert band.strip().startswith("Generated 2026-01-01T00:00:00+00:00.")
    assert "NGN" not in band


@pytest.mark.parametrize("who", ["teller", "ada"])
def test_only_admins_and_nothing_is_written_when_refused(month, tmp_path, who):
    out = tmp_path / "no.pdf"
    with pytest.raises(E.PermissionDenied):
        month.pf.export_report_pdf(month.login(who), out, period="week")
    with pytest.raises(E.InvalidInput, match="Folder .* does not exist"):
        month.pf.export_report_pdf(month.admin, tmp_path / "missing" / "r.pdf", period="week")
    with pytest.raises(E.InvalidInput, match="not one of today, week, month"):
        month.pf.export_report_pdf(month.admin, out, period="year")
    assert list(tmp_path.glob("**/*.pdf*")) == []


def test_two_months_are_drawn_a_bar_per_seven_days_from_the_first(month):
    report = month.pf.report(month.admin, date_from="2026-01-01", date_to="2026-02-15")
    unit, bars = buckets(report)
    # 45 days: 7-day bars from Thursday 1 January; the last holds the 3 days left over.
    assert unit == "week" and [first.isoformat() for first, _ in bars] == [
        "2026-01-01", "2026-01-08", "2026-01-15", "2026-01-22", "2026-01-29", "2026-02-05", "2026-02-12"]
    # 8-14 Jan: 500.00 (Sun 11th), 1,000 + 250 (Mon), 300 (Tue) of deposits, the 200.00 transfer,
    # the 100.00 withdrawal; 15-21 Jan: Thursday's 400.00 deposit and Friday's 50.00 charge.
    assert bars[1][1] == {"DEPOSIT": 205_000, "WITHDRAWAL": 10_000, "TRANSFER": 20_000, "SUBSCRIPTION": 0}
    assert bars[2][1] == {"DEPOSIT": 40_000, "WITHDRAWAL": 0, "TRANSFER": 0, "SUBSCRIPTION": 5_000}
    assert sum(b[1]["DEPOSIT"] for b in bars) == report.totals["DEPOSIT"]
