"""The bank's settings, each changed with Enter and recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.validation import Validator
from textual.widgets import DataTable, Footer, Header, Label, Static

from ...money import format_amount, parse_amount
from ..base import PayFlowScreen
from ..formatting import set_zone
from ..live import unattended
from ..sections import Section, register_section
from ..widgets.amount_input import AmountValidator
from ..widgets.dialogs import ConfirmDialog, InputDialog

# A ceiling for typing the ceiling itself: the service's own check is the rule.
_ANY_AMOUNT = 10**15


@dataclass(frozen=True)
class SettingKind:
    label: str
    show: Callable[[str], str]
    hint: str
    to_value: Callable[[str], str] = str.strip
    validators: tuple[Validator, ...] = ()
    # An on/off setting ("1"/"0") is flipped after a confirmation instead of typed:
    # what turning it on and turning it off will do, in the admin's words.
    switch: tuple[str, str] | None = None
    switch_labels: tuple[str, str] = ("Turn on", "Turn off")  # the confirming button, each way


def _on_off(v: str) -> str:
    return "On" if v == "1" else "Off"


def _minutes(v: str) -> str:
    return f"{v} minute{'s' if v != '1' else ''}"


def _hours(v: str) -> str:
    return f"{v} hour{'s' if v != '1' else ''}"


def _days(v: str) -> str:
    return f"{v} day{'s' if v != '1' else ''}"


def _money(v: str) -> str:
    return format_amount(int(v)) if v.isdigit() else v


def _amount_kind(label: str, hint: str) -> SettingKind:
    return SettingKind(label, _money, hint, to_value=lambda t: str(parse_amount(t, max_minor=_ANY_AMOUNT)),
                       validators=(AmountValidator(_ANY_AMOUNT),))


KINDS: dict[str, SettingKind] = {
    "registration_open": SettingKind(
        "Self-registration", lambda v: "Open" if v == "1" else "Closed",
        "Whether people may open an account themselves at the login screen.",
        switch=("Open self-registration? Anyone at a terminal can then open an account holder's login.",
                "Close self-registration? New account holders must then be created by an administrator."),
        switch_labels=("Open", "Close")),
    "idle_timeout_minutes": SettingKind("Idle sign-out", _minutes,
                                        "Minutes without activity before a terminal returns to login (1-1440)."),
    "max_amount_minor": _amount_kind(
        "Largest single amount", "The most one deposit, withdrawal or transfer may move, e.g. 5,000,000.00."),
    "deposit_expiry_hours": SettingKind("Pending deposits expire after", _hours,
                                        "Hours a requested deposit waits for a teller before it fails."),
    "lockout_threshold": SettingKind("Failed logins before lock", str,
                                     "Wrong passwords in a row that lock a login (1-100)."),
    "lockout_minutes": SettingKind("Lockout length", _minutes,
                                   "Minutes a login stays locked after too many failures."),
    "timezone": SettingKind("Time zone", str, "An IANA zone name, e.g. Africa/Lagos."),
    "support_contact": SettingKind("Support contact", str, "Shown to customers who need help."),
    "step_up_threshold_minor": _amount_kind(
        "Two-factor code from", "Withdrawals and transfers of this amount or more ask for an authenticator code."),
    "admin_login_requires_2fa": SettingKind(
        "Two-factor for admin logins", _on_off, "Whether an administrator's login asks for an authenticator code.",
        switch=("Ask every administrator for an authenticator code at login? One who has not enrolled "
                "is still let in, so they can enrol on the Profile screen; the audit log records it.",
                "Stop asking administrators for an authenticator code at login?")),
    "subscription_grace_days": SettingKind(
        "Suspended subscriptions end after", _days,
        "Days after the due date a subscription SUSPENDED for a short balance may still be paid"
        " before it expires as unpaid (0-90)."),
    "scheduler_cron": SettingKind(
        "Scheduler runs", str,
        "When the scheduler renews subscriptions: a cron expression in the bank's time zone, "
        "e.g. 0 0 * * * at midnight (the default), 0 * * * * every hour, */15 * * * * every quarter hour."),
    "email_notifications": SettingKind(
        "E-mail notifications", _on_off, "Whether customers and staff are sent e-mails for their notifications.",
        switch=("Send e-mails for notifications again?",
                "Stop sending e-mails? Notifications still appear in the app.")),
    "email_outbox_dir": SettingKind(
        "E-mail folder (no SMTP)", str,
        "Where e-mails are written as .eml files when no SMTP host is set; relative to the database's folder."),
    "smtp_host": SettingKind("SMTP host", lambda v: v or "(none: e-mails go to the folder)",
                             "The mail server's host name; empty to write e-mails to the folder instead."),
    "smtp_port": SettingKind("SMTP port", str, "The mail server's port (1-65535), usually 25, 587 or 465."),
    "smtp_from": SettingKind("E-mails come from", str, "The sender of PayFlow's e-mails, e.g. PayFlow <no-reply@bank.ng>."),
    "smtp_starttls": SettingKind(
        "SMTP STARTTLS", _on_off, "Whether the connection to the mail server is encrypted with STARTTLS.",
        switch=("Encrypt the connection to the mail server with STARTTLS?",
                "Send e-mails without STARTTLS? Only do this for a server on this machine or network.")),
    "webhook_timeout_seconds": SettingKind(
        "Webhook timeout", lambda v: f"{v} s", "Seconds to wait for a webhook receiver's answer (0.1-120)."),
}


def kind_of(key: str) -> SettingKind:
    return KINDS.get(key) or SettingKind(key.replace("_", " ").capitalize(), str, f"The setting {key}.")


class SettingsScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("The bank's settings. Choose one and press Enter (or e) to change it; self-registration "
            "toggles after a confirmation. Every change is checked by the service and recorded in the "
            "audit log with its old and new value.")
    BINDINGS = [
        Binding("e", "edit", "Change", id="settings-edit", tooltip="Change the selected setting"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._values: dict[str, str] = {}
        self._keys: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Settings", classes="screen-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="settings")
        yield Static("", id="settings-hint", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#settings", DataTable)
        table.add_column("Setting", key="label")
        table.add_column("Value", key="value")
        table.focus()
        self._fetch(self._settings)

    def _settings(self) -> tuple[dict[str, str], list[str]]:
        return self.pf.get_settings(self.session), self.pf.editable_settings()

    def _fetch(self, fetch) -> None:
        self.call(fetch, on_done=self._show, group="settings", exclusive=True)

    def reload(self) -> None:
        self._fetch(unattended(self.pf, self._settings))

    def _show(self, loaded: tuple[dict[str, str], list[str]]) -> None:
        values, editable = loaded
        self._values = values
        known = [k for k in KINDS if k in editable]
        self._keys = known + sorted(k for k in editable if k not in KINDS)
        table = self.query_one("#settings", DataTable)
        row = table.cursor_row
        table.clear()
        for key in self._keys:
            table.add_row(kind_of(key).label, Text(kind_of(key).show(values.get(key, ""))), key=key)
        if self._keys:
            table.move_cursor(row=min(row, len(self._keys) - 1), animate=False)
        self._show_hint()

    def _selected(self) -> str | None:
        table = self.query_one("#settings", DataTable)
        if not self._keys or table.row_count == 0:
            return None
        return self._keys[table.cursor_row]

    def _show_hint(self) -> None:
        key = self._selected()
        self.query_one("#settings-hint", Static).update(kind_of(key).hint if key else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hint()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        key = self._selected()
        if key is None:
            return
        kind, current = kind_of(key), self._values.get(key, "")
        if kind.switch is not None:
            way = 0 if current != "1" else 1  # 0: turning it on
            self.app.push_screen(
                ConfirmDialog(kind.label, kind.switch[way], confirm_label=kind.switch_labels[way]),
                lambda ok: self._save(key, "1" if way == 0 else "0") if ok else None,
            )
            return
        dialog = InputDialog(kind.label, f"{kind.hint}\nNow: {kind.show(current)}.",
                             placeholder=kind.show(current), validators=list(kind.validators),
                             confirm_label="Save")
        self.app.push_screen(dialog, lambda text: self._typed(key, text) if text else None)

    def _typed(self, key: str, text: str) -> None:
        try:
            value = kind_of(key).to_value(text)
        except ValueError as exc:
            self.payflow_app.show_error(str(exc))
            return
        self._save(key, value)

    def _save(self, key: str, value: str) -> None:
        self.call(self.pf.set_setting, self.session, key, value, on_done=lambda _: self._saved(key, value))

    def _saved(self, key: str, value: str) -> None:
        kind = kind_of(key)
        if key == "timezone":
            set_zone(value)  # times on every screen follow the bank's zone
        self.notify(f"{kind.label}: {kind.show(value)}.", title="Setting changed")
        self._fetch(self._settings)


register_section(Section(
    "settings", "Settings", "Registration, sign-out, limits, lockouts, two-factor, scheduler, e-mail",
    ("ADMIN",), SettingsScreen, order=140, group="Administration",
))
