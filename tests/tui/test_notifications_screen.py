"""Notifications in the app: a toast when an event concerns the signed-in user, the unread
count in the header, and the list with read and unread."""

from __future__ import annotations

from payflow_tui.tui.notices import NotificationWatch
from payflow_tui.tui.screens.notifications import NotificationsScreen

from .conftest import SIZE, settle
from .staff_helpers import press, sign_in, toasts


async def changed_elsewhere(pilot) -> None:
    """What the live-update poll does when another terminal committed."""
    pilot.app._data_changed()
    await settle(pilot)


async def test_money_from_someone_else_pops_up_and_counts_as_unread(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 10_000)  # before Bola's login: listed, not toasted
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.bola)
        assert toasts(app) == []
        assert app.sub_title == "Bola Ade · User · 1 unread"

        pf.transfer(bank.ada, "bola@bank.test", 250_000)  # Ada, at another terminal
        await changed_elsewhere(pilot)
        assert toasts(app) == ["You received ₦2,500.00 from Ada Obi."]
        assert app.sub_title == "Bola Ade · User · 2 unread"

        await changed_elsewhere(pilot)  # nothing new: no second toast
        assert len(toasts(app)) == 1


async def test_the_live_poll_brings_the_toast(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.bola)
        app._poll_changes()  # the first poll only notes the data version
        await settle(pilot)
        pf.transfer(bank.ada, "bola@bank.test", 300_000)
        app._poll_changes()
        await settle(pilot)
        assert "You received ₦3,000.00 from Ada Obi." in toasts(app)


async def test_what_concerns_me_is_toasted_but_not_what_i_did_myself(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.ada)
        pf.transfer(bank.ada, "bola@bank.test", 50_000)  # her own transfer: its screen says so
        pf.withdraw(bank.teller, 20_000, for_email="ada@bank.test")  # a teller pays her out
        await changed_elsewhere(pilot)
        assert len(toasts(app)) == 1 and toasts(app)[0].startswith("You withdrew ₦200.00")
        assert app.sub_title == "Ada Obi · User · 4 unread"  # both are listed, after her deposit's two


async def test_a_flood_is_summed_up(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.bola)
        for n in range(5):
            pf.transfer(bank.ada, "bola@bank.test", 1_000 * (n + 1))
        await changed_elsewhere(pilot)
        shown = toasts(app)
        # The three newest, oldest of them first so the newest ends up nearest the eye.
        assert shown[:3] == [f"You received ₦{n}.00 from Ada Obi." for n in (30, 40, 50)]
        assert shown[3] == "…and 2 more. Ctrl+N shows them all."


async def test_signing_in_as_someone_else_starts_afresh(bank):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 10_000)
    watch = NotificationWatch()
    assert watch.look(pf, bank.bola).new == []  # the first look only sets the marker
    pf.transfer(bank.ada, "bola@bank.test", 20_000)
    assert [n.text for n in watch.look(pf, bank.bola).new] == ["You received ₦200.00 from Ada Obi."]
    assert watch.look(pf, bank.ada).new == []  # Ada's older events are not news to her


async def test_the_list_marks_unread_and_marks_read(bank, make_app):
    pf = bank.pf
    bank.fund(bank.bola, 500_000)  # requested and confirmed: two notifications
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 70_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.bola)
        await press(pilot, "ctrl+n")
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        table = screen.notices.table
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["●", "●", "●"]
        assert rows[0][2] == "You received ₦700.00 from Ada Obi."
        assert rows[2][2].startswith("Your deposit of ₦5,000.00 is waiting")

        await press(pilot, "enter")  # the newest, read
        assert str(table.get_row_at(0)[0]) == ""
        assert pf.unread_notifications(bank.bola) == 2
        assert app.sub_title == "Bola Ade · User · 2 unread"

        await press(pilot, "u")  # unread only
        assert screen.unread_only and table.row_count == 2
        await press(pilot, "a")
        assert table.row_count == 0
        assert pf.unread_notifications(bank.bola) == 0
        assert app.sub_title == "Bola Ade · User"
        await press(pilot, "u")  # all again, every one read
        assert table.row_count == 3 and all(str(table.get_row_at(i)[0]) == "" for i in range(3))


async def test_the_list_pages(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 10_000_000)
    for n in range(55):
        pf.transfer(bank.ada, "bola@bank.test", 100 + n)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.bola)
        await press(pilot, "ctrl+n")
        screen = app.screen
        assert len(screen.notices.items) == 50
        await press(pilot, "n")
        assert len(screen.notices.items) == 5
        assert screen.notices.items[-1].text == "You received ₦1.00 from Ada Obi."


async def test_new_notifications_appear_in_the_open_list(bank, make_app):
    pf = bank.pf
    bank.fund(bank.ada, 1_000_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, bank.bola)
        await press(pilot, "ctrl+n")
        screen = app.screen
        assert screen.notices.items == []
        pf.transfer(bank.ada, "bola@bank.test", 90_000)
        await changed_elsewhere(pilot)
        assert [n.text for n in screen.notices.items] == ["You received ₦900.00 from Ada Obi."]


async def test_a_deposit_i_request_here_is_not_toasted_twice_but_its_confirmation_is(bank, make_app):
    from .conftest import log_in, type_text

    pf = bank.pf
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "ada@bank.test")
        await changed_elsewhere(pilot)  # the watch's first look after login sets its marker
        await pilot.press("d")
        await settle(pilot)
        await type_text(pilot, "25")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # close the reference notice
        await settle(pilot)
        await changed_elsewhere(pilot)
        assert not [t for t in toasts(app) if "waiting for a teller" in t]  # the screen said it already
        assert any(t.startswith("Deposit DEP-") for t in toasts(app))
        [pending] = pf.pending_deposits(bank.teller).items
        pf.confirm_deposit(bank.teller, pending.reference)
        await changed_elsewhere(pilot)
        assert any("was confirmed" in t and pending.reference in t for t in toasts(app))
        assert app._own_events == set()
    rows = pf.notifications(bank.ada, limit=5).items
    assert [n.reference for n in rows[:2]] == [pending.reference, pending.reference]
