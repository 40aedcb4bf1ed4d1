"""Snapshots of the plans, subscriptions and scheduler screens at 100x30, on fixed data and a frozen clock.

Regenerate with ``pytest tests/tui/test_snapshots_subscriptions.py --snapshot-update`` and look
at the .svg files before committing them.
"""

from __future__ import annotations

import itertools

import pytest
from textual.widgets import Input

from payflow_tui.services import deposits, ledger, payments, rules, subscription_billing
from tests.conftest import Bank

from .conftest import SIZE, settle
from .staff_helpers import log_in_again, sign_in


@pytest.fixture
def fixed_references(monkeypatch):
    """References are random in real life; here they count up so the pictures stay the same."""
    counter = itertools.count(1)
    prefixes = {"DEPOSIT": "DEP", "WITHDRAWAL": "WDR", "TRANSFER": "TRF", "SUBSCRIPTION": "SUB"}

    def reference(kind: str) -> str:
        return f"{prefixes.get(kind, 'TXN')}-{next(counter):010d}"

    for module in (ledger, deposits, payments, rules, subscription_billing):
        monkeypatch.setattr(module, "new_reference", reference)


@pytest.fixture
def subs_bank(bank: Bank, clock, fixed_references) -> Bank:
    """Three plans (one archived), two subscribers (one cancelled), one scheduler run."""
    pf = bank.pf
    pf.create_plan(bank.admin, "Gold", 150_000, 30, features={"seats": 3, "support": "email"})
    pf.create_plan(bank.admin, "Silver", 50_000, 7, features={"seats": 1})
    pf.create_plan(bank.admin, "Platinum", 1_000_000, 365, features={"seats": 10, "support": "phone"})
    bank.fund(bank.ada, 500_000)
    bank.fund(bank.bola, 300_000)
    clock.advance(minutes=5)
    pf.subscribe(bank.ada, "Gold")
    pf.subscribe(bank.bola, "Silver")
    pf.subscribe(bank.ada, "Silver")
    clock.advance(minutes=5)
    pf.cancel_subscription(bank.ada, "Silver")
    pf.archive_plan(bank.admin, "Platinum")
    pf.run_now(bank.admin)
    clock.advance(minutes=2)
    log_in_again(bank)
    return bank


def steps(session, *keys: str, sections: tuple[str, ...] = ()):
    async def run_before(pilot) -> None:
        await sign_in(pilot, session)
        for section_id in sections:
            menu_keys = {sid: key for key, sid in pilot.app.screen._keys.items()}
            await pilot.press(menu_keys[section_id])
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def test_plans(snap_compare, subs_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(subs_bank.admin, sections=("plans",)))


def test_plan_form(snap_compare, subs_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(subs_bank.admin, "e", sections=("plans",)))


def test_subscriptions_admin(snap_compare, subs_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(subs_bank.admin, sections=("subscriptions-admin",)))


def test_scheduler_status(snap_compare, subs_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(subs_bank.admin, sections=("scheduler",)))


def test_catalogue_with_the_confirmation(snap_compare, subs_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(subs_bank.bola, "ctrl+b", "p", "down", "s"))


def test_my_subscriptions(snap_compare, subs_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(subs_bank.ada, "ctrl+b"))
