"""A sandbox's business clock: see it, move it forward (never back)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Footer, Header, Label, Static

from ...clock import parse_duration
from ..base import PayFlowScreen
from ..dates import duration_text
from ..formatting import when
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.dialogs import InputDialog

STEPS = {"1h": "1 hour", "1d": "1 day", "7d": "7 days", "31d": "31 days"}


class DurationValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            parse_duration(value)
        except ValueError as exc:
            return self.failure(str(exc))
        return self.success()


class SandboxClockScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("This sandbox's business time. Moving it forward makes everything that waits on time "
            "happen: pending deposits expire, renewals fall due, fraud windows pass. It never moves "
            "back. h, d, w and m move it 1 hour, 1 day, 7 days or 31 days; t asks for any duration "
            "such as 12h or 45d.")
    BINDINGS = [
        Binding("h", "advance('1h')", "+1 hour", id="clock-hour", tooltip="Move the clock forward 1 hour"),
        Binding("d", "advance('1d')", "+1 day", id="clock-day", tooltip="Move the clock forward 1 day"),
        Binding("w", "advance('7d')", "+7 days", id="clock-week", tooltip="Move the clock forward 7 days"),
        Binding("m", "advance('31d')", "+31 days", id="clock-month",
                tooltip="Move the clock forward 31 days"),
        Binding("t", "typed", "Other…", id="clock-typed", tooltip="Move the clock by a duration you type"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Sandbox clock", classes="screen-title")
        yield Static("Loading…", id="clock-now")
        with Horizontal(id="clock-buttons"):
            for step, text in STEPS.items():
                yield Button(f"+{text}", id=f"step-{step}")
            yield Button("Other…", id="step-typed")
        yield Static("Deposits still pending after the expiry time fail when the clock passes it; "
                     "sessions time out on real time, so nobody is logged out by a move.",
                     classes="clock-note")
        yield Footer()

    def on_mount(self) -> None:
        self._fetch(self.pf.clock_info)

    def _fetch(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="clock", exclusive=True)

    def reload(self) -> None:
        self._fetch(unattended(self.pf, self.pf.clock_info))

    def _show(self, info: dict) -> None:
        if not info["sandbox"]:
            self.query_one("#clock-now", Static).update("This is not a sandbox: its clock is real time.")
            return
        offset = info["offset_seconds"]
        ahead = f"{duration_text(offset)} ahead of real time" if offset else "not moved yet: real time"
        self.query_one("#clock-now", Static).update(
            f"Business time  {info['now'].strftime('%A')} {when(info['now'])}\n"
            f"               {ahead}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        step = (event.button.id or "").removeprefix("step-")
        if step == "typed":
            self.action_typed()
        elif step in STEPS:
            self.action_advance(step)

    def action_advance(self, step: str) -> None:
        self.call(self.pf.advance_clock, self.session, step, on_done=lambda now: self._moved(step, now))

    def action_typed(self) -> None:
        dialog = InputDialog("Move the clock", "How far forward? For example 12h, 3d, 2w or 90m.",
                             placeholder="e.g. 45d", validators=[DurationValidator()], confirm_label="Move")
        self.app.push_screen(dialog, lambda text: self.action_advance(text) if text else None)

    def _moved(self, step: str, now) -> None:
        label = STEPS.get(step, step)
        self.notify(f"Moved forward {label}: business time is now {when(now)}.", title="Clock moved")
        self._fetch(self.pf.clock_info)


register_section(Section(
    "sandbox-clock", "Sandbox clock", "Move this sandbox's business time forward",
    ("ADMIN",), SandboxClockScreen, order=150, group="Administration",
    available=lambda pf: pf.is_sandbox(),
))
