"""Money moved per day: one sparkline per movement type, its total beside it, the days below."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline, Static

from ...money import format_amount
from ...services.report_views import VOLUME_TYPES, Report

LABELS = {"DEPOSIT": "Deposits", "WITHDRAWAL": "Withdrawals", "TRANSFER": "Transfers",
          "SUBSCRIPTION": "Subscriptions"}


def day_label(day) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class VolumeChart(Vertical):
    """Each line is scaled to its own busiest day; the totals give the sizes.

    Hovering a line lists its days and amounts.
    """

    def compose(self) -> ComposeResult:
        for kind in VOLUME_TYPES:
            name = kind.lower()
            with Horizontal(classes="chart-row"):
                yield Label(LABELS[kind], classes="chart-label")
                yield Sparkline([], id=f"spark-{name}", classes="chart-line")
                yield Static("", id=f"total-{name}", classes="chart-total")
                yield Static("", id=f"count-{name}", classes="chart-count")
        with Horizontal(classes="chart-row chart-axis"):
            yield Label("", classes="chart-label")
            yield Static("", id="chart-days", classes="chart-line")
            yield Static("", classes="chart-total")
            yield Static("", classes="chart-count")

    def show(self, report: Report) -> None:
        for kind in VOLUME_TYPES:
            name = kind.lower()
            series = report.series(kind)
            line = self.query_one(f"#spark-{name}", Sparkline)
            # A single day would fill the line whatever its value: a flat line says "nothing".
            line.data = series if len(series) > 1 else [v for v in series if v]
            line.tooltip = "\n".join(f"{day_label(d.day)}  {format_amount(d.amounts[kind], report.currency)}"
                                     f"  ({d.counts[kind]})" for d in report.volume)
            self.query_one(f"#total-{name}", Static).update(
                Text(format_amount(report.totals[kind], report.currency), justify="right"))
            self.query_one(f"#count-{name}", Static).update(
                Text(f"{report.total_counts[kind]:,}", justify="right"))
        days = Table.grid(expand=True)
        days.add_column(justify="left")
        days.add_column(justify="right")
        first, last = report.period.first_day, report.period.last_day
        days.add_row(day_label(first), day_label(last) if last != first else "")
        self.query_one("#chart-days", Static).update(days)
