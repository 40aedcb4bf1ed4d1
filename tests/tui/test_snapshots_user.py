"""Snapshots of the entry and account-holder screens: frozen clock, fixed people, fixed references.

Regenerate with ``pytest tests/tui/test_snapshots_user.py --snapshot-update`` and look at
the .svg files under __snapshots__ before committing them.
"""

from __future__ import annotations

import itertools

import pytest
from textual.widgets import Input

from payflow_tui.services import deposits, ledger, payments

from .conftest import PASSWORD, SIZE, log_in, settle, type_text

SMALL = (80, 24)


@pytest.fixture(autouse=True)
def fixed_references(monkeypatch):
    """References are random in life; here they count up so the pictures never change."""
    counter = itertools.count(1)
    prefix = {"DEPOSIT": "DEP", "WITHDRAWAL": "WDR", "TRANSFER": "TRF"}

    def new_reference(kind: str) -> str:
        return f"{prefix.get(kind, 'TXN')}-SNAP{next(counter):06d}"

    for module in (ledger, payments, deposits):
        monkeypatch.setattr(module, "new_reference", new_reference)


@pytest.fixture
def funded(bank, clock):
    """Ada with a few transactions of every kind and state."""
    bank.fund(bank.ada, 25_000_050)
    clock.advance(minutes=5)
    bank.pf.transfer(bank.ada, "bola@bank.test", 1_500_000, memo="rent for January")
    bank.fund(bank.bola, 300_000)
    bank.pf.transfer(bank.bola, "ada@bank.test", 250_000, memo="thanks")
    clock.advance(minutes=3)
    bank.pf.withdraw(bank.ada, 2_000_000)
    bank.pf.request_deposit(bank.ada, 500_000, memo="salary")
    return bank


def still(pilot) -> None:
    """No blinking cursor in a picture."""
    for screen in pilot.app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False


def snapshot(snap_compare, app, steps, size=SIZE) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        still(pilot)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)


async def _nothing(pilot) -> None:
    pass


async def _home(pilot) -> None:
    await log_in(pilot, "ada@bank.test")


def test_setup(pf, make_app, snap_compare):
    async def steps(pilot):
        await type_text(pilot, "boss@bank.test")
        await pilot.press("enter")
        await type_text(pilot, "Bisi Boss")
    assert snapshot(snap_compare, make_app(), steps)


def test_login(bank, make_app, snap_compare):
    assert snapshot(snap_compare, make_app(), _nothing)


def test_login_after_a_wrong_password(bank, make_app, snap_compare):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test", "not-the-password")
    assert snapshot(snap_compare, make_app(), steps)


def test_register(bank, make_app, snap_compare):
    async def steps(pilot):
        await pilot.press("ctrl+r")
        await settle(pilot)
        await type_text(pilot, "chidi@bank.test")
        await pilot.press("enter")
        await type_text(pilot, "Chidi Eze")
        await pilot.press("enter")
        await type_text(pilot, "short")
        await pilot.press("enter")
        await type_text(pilot, "short")
        await pilot.press("enter")
    assert snapshot(snap_compare, make_app(), steps)


def test_user_home(funded, make_app, snap_compare):
    assert snapshot(snap_compare, make_app(), _home)


def test_user_home_frozen_at_80x24(funded, make_app, snap_compare):
    funded.pf.freeze_wallet(funded.admin, "ada@bank.test", "a card reported stolen")
    assert snapshot(snap_compare, make_app(), _home, size=SMALL)


def _transfer_form(amount: str):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test")
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "bola@bank.test")
        await pilot.press("enter")
        await type_text(pilot, amount)
    return steps


def test_transfer_with_an_amount_problem(funded, make_app, snap_compare):
    assert snapshot(snap_compare, make_app(), _transfer_form("1,50.00"))


def test_transfer_confirmation(funded, make_app, snap_compare):
    fill = _transfer_form("12,500")

    async def steps(pilot):
        await fill(pilot)
        await pilot.press("enter")
        await type_text(pilot, "school fees")
        await pilot.press("enter")
    assert snapshot(snap_compare, make_app(), steps)


def test_withdraw(funded, make_app, snap_compare):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test")
        await pilot.press("w")
        await settle(pilot)
        await type_text(pilot, "5000")
        await pilot.press("enter")
        await type_text(pilot, "market")
    assert snapshot(snap_compare, make_app(), steps)


def test_deposit_request_reference(funded, make_app, snap_compare):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test")
        await pilot.press("d")
        await settle(pilot)
        await type_text(pilot, "20,000")
        await pilot.press("enter")
        await type_text(pilot, "cash from the shop")
        await pilot.press("enter")
    assert snapshot(snap_compare, make_app(), steps)


def test_history(funded, make_app, snap_compare):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test")
        await pilot.press("h")
    assert snapshot(snap_compare, make_app(), steps)


def test_history_filtered_at_80x24(funded, make_app, snap_compare):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test")
        await pilot.press("h")
        await settle(pilot)
        pilot.app.screen.query_one("#type").value = "TRANSFER"
        await pilot.press("slash")
        await type_text(pilot, "trf")
    assert snapshot(snap_compare, make_app(), steps, size=SMALL)


def test_transaction_detail(funded, make_app, snap_compare):
    async def steps(pilot):
        await log_in(pilot, "ada@bank.test")
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
    assert snapshot(snap_compare, make_app(), steps)
