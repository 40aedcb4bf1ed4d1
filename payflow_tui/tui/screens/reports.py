"""The administrator's reports: a period's money per day, subscriptions, alerts, largest wallets.

The report is computed by the service in a thread worker (pandas is loaded
there, the first time, never at start-up); exports write CSV files, and the
summary as a one-page PDF, under the database's ``exports/`` folder while a
progress bar runs.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from ...money import format_amount
from ...services import errors as E
from ...services.report_views import ExportResult, Report
from ..base import PayFlowScreen
from ..formatting import money_text
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.export_panel import ExportPanel
from ..widgets.range_input import DateRangeInput
from ..widgets.volume_chart import VolumeChart

PERIODS = {"today": "Today", "week": "This week", "month": "This month"}
# The footer shows the four period keys as one entry, so the export keys still fit at 80 columns.
PERIOD_KEYS = Binding.Group("Period")


class ReportsScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "reports.tcss"]
    HELP = ("The bank's figures for a period, in the configured time zone: confirmed deposits, money "
            "moved per day (deposits, withdrawals, transfers, subscriptions; a transfer counted once, a "
            "deposit on the day it was confirmed), failed renewals in the period, and as they stand now: "
            "active subscriptions, the most popular plan, open alerts by rule and the largest wallets.\n\n"
            "t, w and m show today, this week (Monday to Sunday) or this month; c goes to the range field: "
            "type the first and last day, both included, e.g. 2026-01-01 → 2026-01-31 (-> or 'to' work "
            "too), then Enter. e saves the period's transactions as CSV, r saves this report as CSV, "
            "p saves its summary as a one-page PDF with a chart, all under exports/ beside the database "
            "(data/exports/) with the time in the name; Escape cancels a running export. In a browser the file is also offered as a download.")
    BINDINGS = [
        Binding("t", "period('today')", "Today", id="reports-today", tooltip="Report on today",
                group=PERIOD_KEYS),
        Binding("w", "period('week')", "This week", id="reports-week",
                tooltip="Report on this week, Monday to Sunday", group=PERIOD_KEYS),
        Binding("m", "period('month')", "This month", id="reports-month",
                tooltip="Report on this calendar month", group=PERIOD_KEYS),
        Binding("c", "range", "Range of days", id="reports-range",
                tooltip="Type a range of days, the first and last included", group=PERIOD_KEYS),
        Binding("e", "export_transactions", "Export txns", id="reports-export-transactions",
                tooltip="Save this period's transactions as a CSV file under data/exports"),
        Binding("r", "export_report", "Report CSV", id="reports-export-report",
                tooltip="Save this report as a CSV file under data/exports"),
        Binding("p", "export_pdf", "Report PDF", id="reports-export-pdf",
                tooltip="Save this report's summary as a one-page PDF under data/exports"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._choice: dict = {"period": "week"}
        self._generation = 0
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Reports", id="reports-title", classes="screen-title")
        with Horizontal(classes="filter-row", id="period-row"):
            yield Label("Period")
            for name, title in PERIODS.items():
                yield Button(title, id=f"period-{name}", compact=True)
            yield Label("Range", id="range-label")
            yield DateRangeInput(id="period-range", compact=True)
        yield Static("", id="range-error", classes="filter-error")
        with VerticalScroll(id="report-body"):
            yield Static("", id="report-figures")
            yield Label("Money moved per day", classes="section-label")
            yield VolumeChart(id="report-chart")
            yield Label("Largest wallets", classes="section-label")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="report-wallets")
        yield ExportPanel(id="export-panel")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#report-wallets", DataTable)
        table.add_column("#", key="rank")
        table.add_column("Customer", key="name")
        table.add_column("Email", key="email")
        table.add_column(Text("Balance", justify="right"), key="balance")
        table.focus()
        self._mark_choice()
        self._compute()

    # -- computing -----------------------------------------------------------------------------

    def _compute(self, *, quietly: bool = False) -> None:
        """Ask for the report of the chosen period; an answer to an older question is dropped."""
        self._generation += 1
        generation = self._generation
        fetch = partial(self.pf.report, self.session, **self._choice)
        if quietly:
            fetch = unattended(self.pf, fetch)
        else:
            self.query_one("#report-body").loading = True
        app = self.app

        def job() -> Report:
            try:
                return fetch()
            finally:  # whatever happened, the screen stops saying it is computing
                app.call_from_thread(self._computed, generation)

        self.call(job, on_done=lambda report: self._show(generation, report),
                  on_error=lambda exc: self._refused(generation, exc), group="report")

    def _computed(self, generation: int) -> None:
        if generation == self._generation and self.is_attached:
            self.query_one("#report-body").loading = False

    def reload(self) -> None:
        if not self.query_one("#report-body").loading:
            self._compute(quietly=True)

    def _show(self, generation: int, report: Report) -> None:
        if generation != self._generation or not self.is_attached:
            return
        self.report = report
        period = report.period
        name = f"{PERIODS[period.name]}, " if period.name in PERIODS else ""
        title = f"Reports — {name}{period.label} · {period.timezone}"
        self.query_one("#reports-title", Label).update(title)
        self.query_one("#report-figures", Static).update(self._figures(report))
        self.query_one("#report-chart", VolumeChart).show(report)
        self._show_wallets(report)
        self.refresh_bindings()

    def _refused(self, generation: int, exc: E.PayFlowError) -> None:
        if generation != self._generation or not self.is_attached:
            return
        if "date_from" in self._choice:
            self._range_problem(exc.message)
        else:
            self.payflow_app.show_error(exc.message)
        if self.report is None:
            self.query_one("#report-figures", Static).update(f"No report: {exc.message}")

    @staticmethod
    def _figures(report: Report) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column(justify="right")
        grid.add_column(style="dim")
        grid.add_column()
        deposits = report.total_counts["DEPOSIT"]
        popular = report.popular_plan
        plan = (f"{popular.name} ({popular.active_subscribers:,} active)" if popular else "none yet")
        if not report.alerts_available:
            alerts = "not tracked yet"
        elif not report.open_alerts:
            alerts = "none"
        else:
            alerts = " · ".join(f"{rule} {count:,}" for rule, count in report.open_alerts.items())
        grid.add_row("Total deposits", Text(format_amount(report.deposits_total, report.currency),
                                            style="bold"),
                     "Active subscriptions", f"{report.active_subscriptions:,}")
        grid.add_row("Confirmed", f"{deposits:,} deposit{'' if deposits == 1 else 's'}",
                     "Most popular plan", plan)
        grid.add_row("Failed renewals", f"{report.failed_renewals:,}", "Open alerts", alerts)
        return grid

    def _show_wallets(self, report: Report) -> None:
        table = self.query_one("#report-wallets", DataTable)
        row = table.cursor_row
        table.clear()
        for rank, wallet in enumerate(report.largest_wallets, start=1):
            table.add_row(str(rank), wallet.name, wallet.email, money_text(wallet.balance, wallet.currency),
                          key=str(wallet.wallet_id))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    # -- choosing the period ---------------------------------------------------------------------

    def action_period(self, name: str) -> None:
        self._choice = {"period": name}
        self._range_problem(None)
        self._mark_choice()
        self._compute()

    def action_range(self) -> None:
        self.query_one("#period-range", DateRangeInput).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("period-")
        if name in PERIODS:
            event.stop()
            self.action_period(name)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "period-range":
            result = event.validation_result
            valid = result is None or result.is_valid or not event.value.strip()
            self._range_problem(None if valid else "; ".join(result.failure_descriptions))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "period-range":
            return
        event.stop()
        field = self.query_one("#period-range", DateRangeInput)
        days = field.days
        if days is None:
            result = field.validate(field.value)
            self._range_problem("; ".join(result.failure_descriptions) if result else "Type a range.")
            return
        self._range_problem(None)
        self._choice = {"date_from": days[0], "date_to": days[1]}
        self._mark_choice()
        self._compute()
        self.query_one("#report-wallets", DataTable).focus()

    def _range_problem(self, message: str | None) -> None:
        error = self.query_one("#range-error", Static)
        error.update(message or "")
        error.set_class(bool(message), "-shown")

    def _mark_choice(self) -> None:
        chosen = self._choice.get("period")
        for name in PERIODS:
            self.query_one(f"#period-{name}", Button).set_class(name == chosen, "-chosen")
        self.query_one("#period-range", DateRangeInput).set_class(chosen is None, "-chosen")

    # -- exports ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export_transactions", "export_report", "export_pdf"):
            panel = self.query_one("#export-panel", ExportPanel)
            return None if self.report is None or panel.running else True
        return super().check_action(action, parameters)

    def action_export_transactions(self) -> None:
        if self.report is None:
            return
        period, pf, session = self.report.period, self.pf, self.session

        def job(progress):
            out = pf.default_export_path("transactions")
            return pf.export_transactions(session, out, date_from=period.first_day, date_to=period.end_day,
                                          progress=progress)

        self._export("Exporting transactions…", job, "Transactions")

    def action_export_report(self) -> None:
        self._export_report("csv", "Exporting the report…", "Report")

    def action_export_pdf(self) -> None:
        self._export_report("pdf", "Making the PDF summary…", "Report summary")

    def _export_report(self, fmt: str, what: str, noun: str) -> None:
        """The report on screen (its period and currency) as CSV or as the one-page PDF."""
        if self.report is None:
            return
        period, pf, session = self.report.period, self.pf, self.session
        write = pf.export_report_pdf if fmt == "pdf" else pf.export_report
        currency = self.report.currency

        def job(progress):
            out = pf.default_export_path("report", suffix=fmt)
            return write(session, out, date_from=period.first_day, date_to=period.end_day, currency=currency)

        self._export(what, job, noun)

    def _export(self, what: str, job, noun: str) -> None:
        self.query_one("#export-panel", ExportPanel).start(what, job, partial(self._exported, noun))
        self.refresh_bindings()

    def _exported(self, noun: str, result: ExportResult | None) -> None:
        if result is None:
            self.notify("Export cancelled; no file was written.", title="Export cancelled",
                        severity="warning")
            return
        pdf = result.path.suffix.lower() == ".pdf"
        unit = "page" if pdf else "row"
        rows = f"{result.rows:,} {unit}{'' if result.rows == 1 else 's'}"
        if self.app.is_web:
            # In a browser the file is on the server: offer it as a download too.
            self.app.deliver_binary(result.path, save_filename=result.path.name,
                                    mime_type="application/pdf" if pdf else "text/csv")
            self.notify(f"{rows} saved to {_shown(result.path)}; your browser is downloading it.",
                        title=f"{noun} exported")
        else:
            self.notify(f"{rows} saved to {_shown(result.path)}", title=f"{noun} exported")

    def action_back(self) -> None:
        panel = self.query_one("#export-panel", ExportPanel)
        if panel.running:
            panel.cancel()
            return
        if isinstance(self.focused, Input):  # Escape in the range field returns to the report
            self.query_one("#report-wallets", DataTable).focus()
            return
        super().action_back()


def _shown(path: Path) -> str:
    """The file's path, relative to where PayFlow was started when it is beneath it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


register_section(Section(
    "reports", "Reports", "Money per day, subscriptions, alerts, largest wallets; CSV and PDF export",
    ("ADMIN",), ReportsScreen, order=230, group="Monitoring",
))
