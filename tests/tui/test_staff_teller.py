"""The teller's day, driven through the real app: the queue, customer look-up, cash in and out."""

import pytest

from payflow_tui.services import errors as E
from payflow_tui.tui.screens.cash_dialog import CashDialog
from payflow_tui.tui.screens.customer_card import CustomerCardScreen
from payflow_tui.tui.screens.customers import CustomersScreen
from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.pending_deposits import PendingDepositsScreen
from payflow_tui.tui.widgets.dialogs import ConfirmDialog, InputDialog

from .conftest import SIZE, settle
from .staff_helpers import fill, open_section, press, sign_in, text_of, toasts


async def test_teller_confirms_a_pending_deposit_and_the_balance_changes(bank, make_app):
    pf = bank.pf
    tx = pf.request_deposit(bank.ada, 500_000, memo="cash at counter")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        queue = await open_section(pilot, "1")
        assert isinstance(queue, PendingDepositsScreen)
        assert [t.reference for t in queue.queue.items] == [tx.reference]

        await press(pilot, "c")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = text_of(dialog, ".dialog-body")
        assert "Ada Obi" in body and "₦5,000.00" in body and tx.reference in body
        await press(pilot, "enter")  # the confirm button has the focus

        assert app.screen is queue
        assert queue.queue.items == []
        assert any(tx.reference in m and "credited" in m for m in toasts(app))
    assert pf.balance(bank.ada) == 500_000
    assert pf.get_transaction(bank.admin, tx.reference).status == "SUCCESS"


async def test_cancelling_the_confirmation_moves_no_money(bank, make_app):
    pf = bank.pf
    tx = pf.request_deposit(bank.ada, 500_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        queue = await open_section(pilot, "1")
        await press(pilot, "c")
        await press(pilot, "escape")
        assert app.screen is queue
        assert [t.reference for t in queue.queue.items] == [tx.reference]
    assert pf.balance(bank.ada) == 0


async def test_teller_rejects_a_deposit_with_a_reason(bank, make_app):
    pf = bank.pf
    tx = pf.request_deposit(bank.bola, 250_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        queue = await open_section(pilot, "1")
        await press(pilot, "r")
        assert isinstance(app.screen, InputDialog)
        await press(pilot, "enter")  # an empty reason is not accepted
        assert isinstance(app.screen, InputDialog)
        assert "required" in text_of(app.screen, "#dialog-error")
        await fill(pilot, "#dialog-input", "cash not received")
        assert app.screen is queue
        assert queue.queue.items == []
        assert any("rejected" in m for m in toasts(app))
    rejected = pf.get_transaction(bank.admin, tx.reference)
    assert rejected.status == "FAILED"
    assert rejected.failure_reason == "Rejected: cash not received"
    assert pf.balance(bank.bola) == 0


async def test_queue_reloads_when_another_teller_acts(bank, make_app):
    pf = bank.pf
    first = pf.request_deposit(bank.ada, 100_000)
    second = pf.request_deposit(bank.bola, 200_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        queue = await open_section(pilot, "1")
        assert len(queue.queue.items) == 2
        pf.confirm_deposit(bank.admin, first.reference)  # another terminal
        app._data_changed()  # what the 2-second poll does when data_version moves
        await settle(pilot)
        assert [t.reference for t in queue.queue.items] == [second.reference]


async def test_confirming_a_deposit_another_teller_already_took_says_so(bank, make_app):
    pf = bank.pf
    tx = pf.request_deposit(bank.ada, 100_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        queue = await open_section(pilot, "1")
        await press(pilot, "c")
        pf.confirm_deposit(bank.admin, tx.reference)  # someone else was quicker
        await press(pilot, "enter")
        assert any("already confirmed" in m for m in toasts(app))
        assert queue.queue.items == []
    assert pf.balance(bank.ada) == 100_000  # credited once


async def test_customer_lookup_card_and_deposit_on_their_behalf(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        customers = await open_section(pilot, "2")
        assert isinstance(customers, CustomersScreen)
        assert {u.email for u in customers.customers.items} == {"ada@bank.test", "bola@bank.test"}
        await fill(pilot, "#search", "obi")  # by name; Enter moves to the list
        assert [u.email for u in customers.customers.items] == ["ada@bank.test"]
        await press(pilot, "enter")

        card = app.screen
        assert isinstance(card, CustomerCardScreen)
        assert card.wallet.balance == 1_000_000
        assert "Ada Obi" in str(card.query_one("#card-title").content)

        await press(pilot, "d")
        assert isinstance(app.screen, CashDialog)
        await pilot.press(*"12,x")
        await settle(pilot)
        assert "thousands separator" in text_of(app.screen, "#cash-error")
        await pilot.press("backspace", "backspace", "backspace")
        await fill(pilot, "#cash-amount", "2,500.50")
        await fill(pilot, "#cash-memo", "counter 2")

        assert app.screen is card
        pending = pf.pending_deposits(bank.teller).items
        assert len(pending) == 1 and pending[0].amount == 250_050 and pending[0].memo == "counter 2"
        assert pending[0].reference in text_of(card, "#card-last")
        assert any(pending[0].reference in m for m in toasts(app))

        # The same teller may confirm it from the queue: it is not their own wallet.
        await press(pilot, "escape", "escape")
        assert isinstance(app.screen, StaffMenuScreen)
        await open_section(pilot, "1")
        await press(pilot, "c")
        await press(pilot, "enter")
    assert pf.balance(bank.ada) == 1_250_050


async def test_withdrawal_on_a_customers_behalf_needs_confirmation_and_happens_once(bank, make_app):
    pf = bank.pf
    bank.fund(bank.bola, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        await open_section(pilot, "2")
        await fill(pilot, "#search", "bola@bank.test")
        await press(pilot, "enter")
        card = app.screen
        assert isinstance(card, CustomerCardScreen)

        await press(pilot, "w")
        await fill(pilot, "#cash-amount", "3000")
        await fill(pilot, "#cash-memo", "")
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        body = text_of(confirm, ".dialog-body")
        assert "₦3,000.00" in body and "Bola Ade" in body and "₦7,000.00" in body  # balance after
        await press(pilot, "enter")
        await press(pilot, "enter")  # a second Enter lands on the card, not on a second withdrawal

        assert app.screen is card
        assert card.wallet.balance == 700_000
        assert any("paid out" in m for m in toasts(app))
    withdrawals = [t for t in pf.history(bank.admin, for_email="bola@bank.test").items
                   if t.type == "WITHDRAWAL"]
    assert len(withdrawals) == 1 and withdrawals[0].status == "SUCCESS"
    assert pf.balance(bank.bola) == 700_000


async def test_a_refused_withdrawal_is_shown_as_a_sentence(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        await open_section(pilot, "2")
        await press(pilot, "tab")  # from the search field to the list
        await press(pilot, "enter")
        card = app.screen
        await press(pilot, "w")
        await fill(pilot, "#cash-amount", "50")
        await fill(pilot, "#cash-memo", "")
        await press(pilot, "enter")
        assert app.screen is card
        assert any(m.startswith("Insufficient funds") for m in toasts(app))
    assert pf.balance(bank.ada) == 0


async def test_teller_sees_no_admin_sections_and_no_freeze_key(bank, make_app):
    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        menu = app.screen
        assert [s.id for s in menu._sections] == ["pending-deposits", "customers", "my-subscriptions", "profile",
                                                     "my-wallet"]
        await open_section(pilot, "2")
        await press(pilot, "tab", "enter")
        card = app.screen
        assert isinstance(card, CustomerCardScreen)
        keys = {b.binding.action for b in card.active_bindings.values()}
        assert "deposit" in keys and "freeze" not in keys and "unfreeze" not in keys
        await press(pilot, "f")
        assert app.screen is card  # nothing opened
    for call in (lambda: pf.get_settings(bank.teller),
                 lambda: pf.freeze_wallet(bank.teller, "ada@bank.test", "test"),
                 lambda: pf.all_transactions(bank.teller),
                 lambda: pf.audit_entries(bank.teller),
                 lambda: pf.change_role(bank.teller, "ada@bank.test", "TELLER")):
        with pytest.raises(E.PermissionDenied):
            call()


async def test_each_submission_carries_its_own_idempotency_key(bank, make_app, monkeypatch):
    pf = bank.pf
    keys = []
    request_deposit = pf.request_deposit

    def spy(*args, **kwargs):
        keys.append(kwargs.get("key"))
        return request_deposit(*args, **kwargs)

    monkeypatch.setattr(pf, "request_deposit", spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.teller)
        await open_section(pilot, "2")
        await press(pilot, "tab", "enter")
        for amount in ("100", "100"):  # the same amount twice is two deposits, not a replay
            await press(pilot, "d")
            await fill(pilot, "#cash-amount", amount)
            await fill(pilot, "#cash-memo", "")
    assert len(keys) == 2 and all(keys) and keys[0] != keys[1]
    assert len(pf.pending_deposits(bank.teller).items) == 2
