"""Snapshots of the profile, two-factor, notifications and webhooks screens at 100x30, on fixed
data, a frozen clock, a fixed two-factor secret and counted references and event ids.

Regenerate with ``pytest tests/tui/test_snapshots_notify.py --snapshot-update`` and look at the
.svg files before committing them.
"""

from __future__ import annotations

import itertools

import pytest
from textual.widgets import Input

from payflow_tui.services import deposits, ledger, outbox, payments, totp, twofactor
from payflow_tui.tui.screens.customer_card import CustomerCardScreen

from .conftest import SIZE, settle
from .staff_helpers import fill, log_in_again, press, sign_in

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODES = ["7K2M-4F8A-ZC2E", "Q9TX-1B7W-KD4M", "H4WZ-8N3P-VR6T", "3NPR-5Y2K-GH9X", "B8VD-0Q4J-TM7C",
         "M6QC-9W1R-XP3N", "X2JH-7V5D-KB8S", "5RTY-2M6G-WN4Q", "D7KP-3H9X-CJ1V", "W3GN-6T8B-RZ5M"]


@pytest.fixture(autouse=True)
def fixed(monkeypatch):
    """Random in real life; counted here so the pictures stay the same."""
    counter = itertools.count(1)
    prefixes = {"DEPOSIT": "DEP", "WITHDRAWAL": "WDR", "TRANSFER": "TRF", "SUBSCRIPTION": "SUB"}

    def reference(kind: str) -> str:
        return f"{prefixes.get(kind, 'TXN')}-{next(counter):010d}"

    for module in (ledger, deposits, payments, twofactor):
        monkeypatch.setattr(module, "new_reference", reference)
    events = itertools.count(1)
    monkeypatch.setattr(outbox, "new_event_id", lambda: f"evt_{next(events):024d}")
    monkeypatch.setattr(totp, "new_secret", lambda: SECRET)
    monkeypatch.setattr(totp, "new_recovery_codes", lambda: list(CODES))


def steps(session, *actions):
    """Sign in as ``session``, then run each action: a key to press, or a coroutine function."""

    async def run_before(pilot) -> None:
        await sign_in(pilot, session)
        for action in actions:
            if isinstance(action, str):
                await press(pilot, action)
            else:
                await action(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def enrol(pf, session, clock) -> None:
    enrolment = pf.begin_2fa_enrolment(session)
    pf.confirm_2fa_enrolment(session, totp.code_at(enrolment.secret, clock()))
    clock.advance(seconds=30)


def test_profile(snap_compare, bank, make_app):
    bank.fund(bank.ada, 1_500_000)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.ada, "ctrl+o"))


def test_profile_two_factor_on(snap_compare, bank, make_app, clock):
    enrol(bank.pf, bank.teller, clock)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.teller, "ctrl+o"))


def test_enrolment_qr_code(snap_compare, bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.ada, "ctrl+o", "e"))


def test_recovery_codes(snap_compare, bank, make_app, clock):
    async def confirm(pilot) -> None:
        await fill(pilot, "#enrol-code", totp.code_at(SECRET, clock()))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.ada, "ctrl+o", "e", confirm))


def test_code_prompt_on_a_large_withdrawal(snap_compare, bank, make_app, clock):
    bank.fund(bank.ada, 10_000_000)
    enrol(bank.pf, bank.teller, clock)

    async def withdraw(pilot) -> None:
        pilot.app.push_screen(CustomerCardScreen("ada@bank.test"))
        await settle(pilot)
        await press(pilot, "w")
        await fill(pilot, "#cash-amount", "60,000")
        await press(pilot, "enter")
        await press(pilot, "enter")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.teller, withdraw))


def test_notifications(snap_compare, bank, make_app, clock):
    pf = bank.pf
    bank.fund(bank.bola, 500_000)
    clock.advance(minutes=10)
    bank.fund(bank.ada, 5_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 350_000, memo="rent share")
    clock.advance(minutes=3)
    pf.freeze_wallet(bank.admin, "bola@bank.test", "documents to check")
    pf.unfreeze_wallet(bank.admin, "bola@bank.test", "documents checked")
    clock.advance(minutes=1)
    pf.transfer(bank.ada, "bola@bank.test", 12_050)
    log_in_again(bank)
    first = pf.notifications(bank.bola).items[-1]
    pf.mark_notifications_read(bank.bola, [first.id])
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.bola, "ctrl+n"))


def webhook_history(bank, clock) -> None:
    """An endpoint nobody listens on (127.0.0.1:9 refuses): dead, retrying and pending deliveries."""
    pf = bank.pf
    pf.set_setting(bank.admin, "email_notifications", "0")
    bank.fund(bank.ada, 5_000_000)
    clock.advance(seconds=1)
    pf.add_webhook(bank.admin, "http://127.0.0.1:9/payflow", "whsec_fixed_0123456789abcdef",
                   description="ledger sync")
    pf.add_webhook(bank.admin, "https://hooks.example.test/payflow", "whsec_other_0123456789abcdef",
                   event_types="subscription.*")
    pf.transfer(bank.ada, "bola@bank.test", 250_000)
    for _ in range(30):  # three days of retries, then dead
        pf.deliver_due_webhooks()
        clock.advance(hours=3)
    log_in_again(bank)
    pf.withdraw(bank.teller, 100_000, for_email="ada@bank.test")
    pf.deliver_due_webhooks()
    clock.advance(minutes=10)
    pf.request_deposit(bank.bola, 75_000)
    log_in_again(bank)


def test_webhooks(snap_compare, bank, make_app, clock):
    webhook_history(bank, clock)

    async def deliveries(pilot) -> None:
        pilot.app.screen.deliveries.table.focus()

    async def open_section(pilot) -> None:
        menu = pilot.app.screen
        await press(pilot, next(k for k, s in menu._keys.items() if s == "webhooks"))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.admin, open_section, deliveries))


def test_add_webhook_dialog(snap_compare, bank, make_app):
    async def open_section(pilot) -> None:
        menu = pilot.app.screen
        await press(pilot, next(k for k, s in menu._keys.items() if s == "webhooks"))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(bank.admin, open_section, "a"))
