"""The report summary as a one-page A4 PDF (fpdf2), for a manager's desk or a board pack.

fpdf2 is imported when a PDF is made, never at start-up. The page uses the PDF's
built-in Helvetica, which has no naira sign: amounts carry the currency code
instead (``NGN 1,500.50``), and any other character the font lacks (a name in
another script) is shown as "?" rather than failing the export.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from ..money import format_amount
from .report_views import PLURAL, VOLUME_TYPES, Report

# Colours of the daily chart, one per movement type (RGB).
_COLOURS = {"DEPOSIT": (46, 125, 50), "WITHDRAWAL": (198, 40, 40), "TRANSFER": (21, 101, 192),
            "SUBSCRIPTION": (239, 108, 0)}
_PAGE_W, _MARGIN = 210, 15
_WIDTH = _PAGE_W - 2 * _MARGIN
_ROW = 5.5  # a table row, in mm


def money(minor: int, currency: str) -> str:
    """An amount with its currency code, in the characters every PDF viewer has."""
    return format_amount(minor, currency, code=True)


def latin1(text: str) -> str:
    """``text`` in the core font's characters; the rest become "?"."""
    return text.encode("latin-1", "replace").decode("latin-1")


def write_report_pdf(report: Report, out: Path, *, bank: str = "PayFlow") -> int:
    """Draw ``report`` on one A4 page at ``out``; the number of pages (always 1)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # the content is bounded (10 wallets, a row per rule): one page
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_creator("PayFlow")
    pdf.set_title(latin1(f"{bank} report, {report.period.label}"))
    pdf.set_creation_date(report.generated_at)  # the same report makes the same file
    pdf.add_page()
    _heading(pdf, report, bank)
    _totals(pdf, report)
    _chart(pdf, report)
    _standing(pdf, report)
    _wallets(pdf, report)
    _footer(pdf, report)
    pdf.output(str(out))
    return pdf.pages_count


def _heading(pdf, report: Report, bank: str) -> None:
    period = report.period
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(_WIDTH, 10, latin1(f"{bank} report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    days = len(period.days)
    pdf.cell(_WIDTH, 6, latin1(f"{period.label} ({days} day{'' if days == 1 else 's'}), "
                               f"{period.timezone} time; amounts in {report.currency}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _section(pdf, title: str) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(_WIDTH, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)


def _row(pdf, cells: list[tuple[str, float, str]], bold: bool = False) -> None:
    """One table row; a text too wide for its cell is cut with an ellipsis."""
    pdf.set_font("Helvetica", "B" if bold else "", 10)
    for text, width, align in cells:
        pdf.cell(width, _ROW, _fit(pdf, text, width - 1), align=align)
    pdf.ln(_ROW)


def _totals(pdf, report: Report) -> None:
    _section(pdf, "Money moved in the period")
    widths = (70, 40, 70)
    _row(pdf, [("Movement", widths[0], "L"), ("Count", widths[1], "R"), ("Amount", widths[2], "R")], bold=True)
    for kind in VOLUME_TYPES:
        _row(pdf, [(PLURAL[kind].capitalize(), widths[0], "L"), (f"{report.total_counts[kind]:,}", widths[1], "R"),
                   (money(report.totals[kind], report.currency), widths[2], "R")])
    pdf.ln(3)


def buckets(report: Report) -> tuple[str, list[tuple[date, dict[str, int]]]]:
    """The chart's bars: per day up to a month, per 7 days (from the first day) up to a
    quarter, else per calendar month; each with its first day and amounts by type."""
    days = len(report.volume)
    unit = "day" if days <= 31 else "week" if days <= 92 else "month"
    out: list[tuple[date, dict[str, int]]] = []
    for i, day in enumerate(report.volume):
        starts = (unit == "day" or (unit == "week" and i % 7 == 0)
                  or (unit == "month" and (i == 0 or day.day.day == 1)))
        if starts:
            out.append((day.day, dict(day.amounts)))
        else:
            totals = out[-1][1]
            for kind, amount in day.amounts.items():
                totals[kind] += amount
    return unit, out


def _chart(pdf, report: Report) -> None:
    """A bar per day, week or month, the four movement types side by side, scaled to the
    period's largest."""
    unit, bars = buckets(report)
    _section(pdf, f"Money moved per {unit}")
    top = max((amount for _, amounts in bars for amount in amounts.values()), default=0)
    height, left, y0 = 36.0, pdf.get_x(), pdf.get_y()
    if top == 0:
        pdf.cell(_WIDTH, 6, "No money moved in this period.", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        return
    slot = _WIDTH / len(bars)
    bar = slot / (len(VOLUME_TYPES) + 1)
    for i, (_, amounts) in enumerate(bars):
        for k, kind in enumerate(VOLUME_TYPES):
            amount = amounts[kind]
            if amount <= 0:
                continue
            # The bar's share of the tallest, in hundredths of a millimetre, from integer kobo;
            # only the drawing coordinate is fractional.
            h = amount * int(height * 100) // top / 100
            pdf.set_fill_color(*_COLOURS[kind])
            pdf.rect(left + i * slot + k * bar, y0 + height - h, bar, h, style="F")
    pdf.set_draw_color(120, 120, 120)
    pdf.line(left, y0 + height, left + _WIDTH, y0 + height)
    pdf.set_xy(left, y0 + height + 1)
    pdf.set_font("Helvetica", "", 8)
    first, last = report.volume[0].day, report.volume[-1].day
    pdf.cell(_WIDTH / 2, 4, first.strftime("%a %d %b %Y"))
    pdf.cell(_WIDTH / 2, 4, last.strftime("%a %d %b %Y"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(_WIDTH, 4, f"Tallest bar: {money(top, report.currency)}", new_x="LMARGIN", new_y="NEXT")
    for kind in VOLUME_TYPES:
        pdf.set_fill_color(*_COLOURS[kind])
        pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_x(pdf.get_x() + 4)
        pdf.cell(30, 5, PLURAL[kind].capitalize())
    pdf.ln(8)


def _standing(pdf, report: Report) -> None:
    _section(pdf, "Subscriptions and alerts")
    popular = report.popular_plan
    lines = [
        ("Active subscriptions", f"{report.active_subscriptions:,}"),
        ("Most popular plan", f"{popular.name} ({popular.active_subscribers:,} active)" if popular else "none yet"),
        ("Failed renewals in the period", f"{report.failed_renewals:,}"),
    ]
    if not report.alerts_available:
        lines.append(("Open alerts", "not recorded in this database"))
    elif not report.open_alerts:
        lines.append(("Open alerts", "none"))
    else:
        lines += [("Open alerts" if i == 0 else "", f"{rule}: {n:,}")
                  for i, (rule, n) in enumerate(report.open_alerts.items())]
    for label, value in lines:
        _row(pdf, [(label, 70, "L"), (value, 110, "L")])
    pdf.ln(3)


def _wallets(pdf, report: Report) -> None:
    _section(pdf, "Largest wallets")
    if not report.largest_wallets:
        pdf.cell(_WIDTH, 6, "No wallets yet.", new_x="LMARGIN", new_y="NEXT")
        return
    _row(pdf, [("#", 8, "L"), ("Customer", 55, "L"), ("Email", 72, "L"), ("Balance", 45, "R")], bold=True)
    for n, w in enumerate(report.largest_wallets, 1):
        _row(pdf, [(str(n), 8, "L"), (w.name, 55, "L"), (w.email, 72, "L"), (money(w.balance, w.currency), 45, "R")])


def _fit(pdf, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` millimetres in the current font."""
    text = latin1(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _footer(pdf, report: Report) -> None:
    pdf.set_xy(_MARGIN, 297 - _MARGIN - 5)
    pdf.set_font("Helvetica", "I", 8)
    stamp = report.generated_at.astimezone(ZoneInfo(report.period.timezone)).isoformat(timespec="seconds")
    pdf.cell(_WIDTH, 5, f"Generated {stamp}. Subscriptions, alerts and wallets as they stood then; "
                        "a transfer is counted once.", align="C")
