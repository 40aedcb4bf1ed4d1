"""The scheduler: its schedule, last and next run, the last result, recent runs, and run now."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...services import errors as E
from ...services.scheduler_views import RunView, SchedulerStatus
from ..base import PayFlowScreen
from ..live import unattended
from ..sections import Section, register_section

RUN_STYLES = {"DONE": "green", "RUNNING": "yellow", "INTERRUPTED": "red", "ABANDONED": "red"}
COUNTS = ("charged", "suspended", "expired", "errors")


def counts_text(run: RunView) -> str:
    return ", ".join(f"{getattr(run, k)} {k}" for k in COUNTS)


class SchedulerStatusScreen(PayFlowScreen):
    CSS_PATH = ["staff.tcss", "subscriptions.tcss"]
    HELP = ("The scheduler renews subscriptions and does the bank's other periodic work on a cron "
            "schedule (a setting), in the bank's time zone. One runner acts at a time, whichever "
            "terminal or service runs it. r runs the work now, in the background; a toast gives "
            "the counts when it ends.")
    BINDINGS = [Binding("r", "run_now", "Run now", id="scheduler-run-now",
                        tooltip="Run renewals and the other scheduled work now")]

    def __init__(self) -> None:
        super().__init__()
        self._run_busy = False
        self._zone = ZoneInfo("Africa/Lagos")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Scheduler", classes="screen-title")
        yield Static("Loading…", id="scheduler-summary")
        yield Label("Recent runs", classes="section-label")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="runs")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#runs", DataTable)
        table.add_column("Started", key="started")
        table.add_column("Trigger", key="trigger")
        table.add_column("Status", key="status")
        for name in COUNTS:
            table.add_column(Text(name.title(), justify="right"), key=name)
        table.focus()
        self._load(self._fetch)

    def _fetch(self) -> tuple[SchedulerStatus, list[RunView]]:
        return self.pf.scheduler_status(self.session), self.pf.scheduler_runs(self.session, limit=20)

    def _load(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="scheduler", exclusive=True)

    def reload(self) -> None:
        self._load(unattended(self.pf, self._fetch))

    def _at(self, dt: datetime | None) -> str:
        return dt.astimezone(self._zone).strftime("%Y-%m-%d %H:%M") if dt else "—"

    def _show(self, loaded: tuple[SchedulerStatus, list[RunView]]) -> None:
        status, runs = loaded
        self._zone = ZoneInfo(status.timezone)
        last = status.last_run
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("Schedule", f"{status.schedule}  ({status.timezone})")
        grid.add_row("Next run", self._at(status.next_run_at))
        if last is None:
            grid.add_row("Last run", "never")
        else:
            grid.add_row("Last run", Text.assemble(
                f"{self._at(last.started_at)} ({last.trigger.lower()}) ",
                (last.status, RUN_STYLES.get(last.status, ""))))
            grid.add_row("Last result", counts_text(last))
        if status.owed_fire is not None:
            grid.add_row("Owed", f"the run due {self._at(status.owed_fire)} has not happened yet")
        grid.add_row("Runner", f"{status.lease_holder} (running)" if status.running else "idle")
        self.query_one("#scheduler-summary", Static).update(grid)

        table = self.query_one("#runs", DataTable)
        table.clear()
        for run in runs:
            table.add_row(self._at(run.started_at), run.trigger.title(),
                          Text(run.status, style=RUN_STYLES.get(run.status, "")),
                          *(Text(str(getattr(run, k)), justify="right") for k in COUNTS), key=str(run.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_now":
            return None if self._run_busy else True
        return super().check_action(action, parameters)

    def _busy(self, running: bool) -> None:
        self._run_busy = running
        self.refresh_bindings()

    def action_run_now(self) -> None:
        if self._run_busy:
            return
        self._busy(True)
        self.notify("Running the scheduled work in the background.", title="Scheduler")
        self.call(self.pf.run_now, self.session, on_done=self._ran, on_error=self._refused,
                  group="scheduler-run")

    def _ran(self, run: RunView) -> None:
        self._busy(False)
        severity = "information" if run.status == "DONE" and not run.errors else "warning"
        self.notify(f"Run {run.status.lower()}: {counts_text(run)}.", title="Scheduler run", severity=severity)
        self._load(self._fetch)

    def _refused(self, exc: E.PayFlowError) -> None:
        self._busy(False)
        self.payflow_app.show_error(exc.message)
        self._load(self._fetch)


register_section(Section(
    "scheduler", "Scheduler", "Renewal runs: last and next, results, run now",
    ("ADMIN",), SchedulerStatusScreen, order=220, group="Plans and subscriptions",
))
