"""Snapshots of the teller's and administrator's screens at 100x30, on fixed data and a frozen clock.

Regenerate with ``pytest tests/tui/test_snapshots_staff.py --snapshot-update`` and look
at the .svg files before committing them.
"""

from __future__ import annotations

import itertools

import pytest
from textual.widgets import Input

from payflow_tui.services import PayFlow, deposits, ledger, payments
from payflow_tui.tui.app import create_app
from tests.conftest import FAST_HASHER, Bank

from .conftest import SIZE, settle
from .staff_helpers import log_in_again, open_section, sign_in


@pytest.fixture
def fixed_references(monkeypatch):
    """References are random in real life; here they count up so the pictures stay the same."""
    counter = itertools.count(1)
    prefixes = {"DEPOSIT": "DEP", "WITHDRAWAL": "WDR", "TRANSFER": "TRF", "SUBSCRIPTION": "SUB"}

    def reference(kind: str) -> str:
        return f"{prefixes.get(kind, 'TXN')}-{next(counter):010d}"

    for module in (ledger, deposits, payments):
        monkeypatch.setattr(module, "new_reference", reference)


def populate(bank: Bank, clock) -> Bank:
    """A morning at the branch: funded wallets, a transfer, a frozen wallet, a queue."""
    pf = bank.pf
    pf.create_user(bank.admin, "chidi@bank.test", "Chidi Okafor", "correct-horse-battery", "USER")
    bank.fund(bank.ada, 2_500_000)
    clock.advance(minutes=5)
    pf.transfer(bank.ada, "bola@bank.test", 350_000, memo="rent share")
    clock.advance(minutes=5)
    pf.withdraw(bank.teller, 50_000, for_email="ada@bank.test", memo="counter 1")
    pf.request_deposit(bank.bola, 1_200_050, memo="cash at counter")
    clock.advance(minutes=3)
    pf.request_deposit(bank.teller, 75_000, for_email="chidi@bank.test")
    pf.freeze_wallet(bank.admin, "chidi@bank.test", "identity documents expired")
    clock.advance(minutes=2)
    log_in_again(bank)
    return bank


@pytest.fixture
def staff_bank(bank, clock, fixed_references):
    return populate(bank, clock)


@pytest.fixture
def sandbox_staff_bank(tmp_path, clock, fixed_references):
    pf = PayFlow.open(tmp_path / "sandbox.db", clock=clock, password_hasher=FAST_HASHER, sandbox=True)
    yield populate(Bank(pf), clock)
    pf.close()


def steps(session, *keys: str):
    async def run_before(pilot) -> None:
        await sign_in(pilot, session)
        for key in keys:
            await open_section(pilot, key)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def test_menu_teller(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.teller))


def test_menu_admin_on_a_sandbox(snap_compare, sandbox_staff_bank):
    app = create_app(pf=sandbox_staff_bank.pf, poll=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(sandbox_staff_bank.admin))


def test_pending_deposits(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.teller, "1"))


def test_confirm_deposit_dialog(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.teller, "1", "c"))


def test_customers(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.teller, "2"))


def test_customer_card(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(staff_bank.admin, "2", "enter", "enter"))


def test_customer_card_frozen(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(staff_bank.admin, "2", "enter", "down", "down", "enter"))


def test_withdrawal_dialog(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=steps(staff_bank.teller, "2", "enter", "enter", "w"))


def test_users(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.admin, "3"))


def test_new_user_form(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.admin, "3", "a"))


def test_all_transactions(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.admin, "4"))


def test_audit_log(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.admin, "5"))


def test_settings(snap_compare, staff_bank, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(staff_bank.admin, "6"))


def test_sandbox_clock(snap_compare, sandbox_staff_bank):
    app = create_app(pf=sandbox_staff_bank.pf, poll=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(sandbox_staff_bank.admin, "7"))
