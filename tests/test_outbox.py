"""The outbox: one event per change, in the change's own transaction."""

from __future__ import annotations

import json
import sqlite3

import pytest

from payflow_tui.services import errors as E


def events(pf) -> list[dict]:
    rows = pf._conn().execute("SELECT * FROM outbox ORDER BY id").fetchall()
    return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]


def test_each_core_flow_writes_its_event(bank, pf, clock):
    ada, bola = bank.ada.user_id, bank.bola.user_id
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 250_050, memo="lunch")
    pf.withdraw(bank.bola, 50_000)
    rejected = pf.request_deposit(bank.bola, 10_000)
    pf.reject_deposit(bank.teller, rejected.reference, "no cash seen")
    stale = pf.request_deposit(bank.bola, 20_000)
    pf.freeze_wallet(bank.admin, "bola@bank.test", "checking a complaint")
    pf.unfreeze_wallet(bank.admin, "bola@bank.test")
    clock.advance(hours=25)
    pf.expire_pending_deposits()

    got = [(e["type"], e["user_id"]) for e in events(pf)]
    assert got == [
        ("deposit.requested", ada), ("deposit.confirmed", ada),
        ("transfer.sent", ada), ("transfer.received", bola),
        ("withdrawal.completed", bola),
        ("deposit.requested", bola), ("deposit.rejected", bola),
        ("deposit.requested", bola),
        ("wallet.frozen", bola), ("wallet.unfrozen", bola),
        ("deposit.expired", bola),
    ]
    by_type = {e["type"]: e for e in events(pf)}
    sent = by_type["transfer.sent"]["payload"]
    assert sent["amount"] == "2500.50" and sent["currency"] == "NGN" and sent["to"] == "bola@bank.test"
    assert sent["memo"] == "lunch" and sent["transfer_ref"].startswith("TRF-")
    assert by_type["deposit.expired"]["payload"]["reference"] == stale.reference
    assert by_type["deposit.rejected"]["payload"]["reason"] == "no cash seen"
    ids = [e["event_id"] for e in events(pf)]
    assert len(set(ids)) == len(ids) and all(i.startswith("evt_") and len(i) == 28 for i in ids)
    assert by_type["deposit.expired"]["created_at"] > by_type["deposit.confirmed"]["created_at"]


def test_an_event_rolls_back_with_its_change(bank, pf):
    with pytest.raises(RuntimeError):
        with pf._write() as conn:
            pf._emit(conn, "transfer.sent", user_id=bank.ada.user_id, amount=100)
            raise RuntimeError("the change failed")
    assert events(pf) == []


def test_refused_operations_emit_nothing(bank, pf):
    with pytest.raises(E.InsufficientFunds):
        pf.withdraw(bank.ada, 100)
    with pytest.raises(E.NotFound):
        pf.transfer(bank.ada, "nobody@bank.test", 100)
    assert events(pf) == []


def test_a_written_event_cannot_be_altered(bank, pf):
    bank.fund(bank.ada, 1000)
    with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
        pf._conn().execute("UPDATE outbox SET payload = '{\"amount\":\"9999.00\"}' WHERE id = 1")
    pf._conn().execute("UPDATE outbox SET read_at = 'x' WHERE id = 1")  # bookkeeping may change


def test_later_features_can_emit_their_own_types(bank, pf):
    wallet_id = pf.wallet(bank.ada).id
    with pf._write() as conn:
        pf._emit(conn, "subscription.charged", user_id=bank.ada.user_id, amount=150_000, plan_name="Gold",
                 wallet_id=wallet_id)
    (event,) = events(pf)
    assert event["payload"] == {"amount": "1500.00", "currency": "NGN", "plan_name": "Gold",
                                "wallet_id": wallet_id}
    assert pf.notifications(bank.ada).items[0].text == "You were charged ₦1,500.00 for Gold."
