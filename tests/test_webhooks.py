"""Webhook delivery against a real receiver on 127.0.0.1: signatures, retries,
the backoff schedule, dead letters, redelivery and deduplication."""

from __future__ import annotations

import json
import socket
import sqlite3
from datetime import timedelta

import pytest

from payflow_tui.clock import from_iso
from payflow_tui.services import errors as E
from payflow_tui.services import signing
from payflow_tui.services.worker import WebhookWorker
from tests.conftest import PASSWORD
from tests.webhook_receiver import Receiver

SECRET = "whsec_test_0123456789abcdef"


@pytest.fixture
def receiver(clock):
    r = Receiver(SECRET, now=lambda: int(clock().timestamp())).start()
    yield r
    r.stop()


@pytest.fixture
def hooked(bank, clock, receiver):
    """Ada funded before the endpoint exists (so those events are not sent), then an endpoint."""
    bank.pf.set_setting(bank.admin, "email_notifications", "0")  # webhooks alone here
    bank.fund(bank.ada, 20_000_000)
    clock.advance(seconds=1)
    endpoint, _ = bank.pf.add_webhook(bank.admin, receiver.url, SECRET)
    return endpoint


def deliveries(pf, **where) -> list[sqlite3.Row]:
    sql = "SELECT d.*, o.type, o.event_id AS evt FROM deliveries d JOIN outbox o ON o.id = d.event_id" \
          " WHERE d.channel = 'WEBHOOK'"
    return pf._conn().execute(sql + " ORDER BY d.id").fetchall()


def test_an_event_is_posted_signed_and_recorded(bank, hooked, receiver, pf):
    pf.transfer(bank.ada, "bola@bank.test", 500_000, memo="rent")
    counts = pf.deliver_due_webhooks()

    assert counts["delivered"] == 2 and counts["failed"] == 0
    assert sorted(receiver.types()) == ["transfer.received", "transfer.sent"]
    for req in receiver.requests:
        assert req.signature_ok
        assert req.headers["PayFlow-Event-Id"] == req.event_id and req.event_id.startswith("evt_")
        assert req.headers["Content-Type"] == "application/json"
        assert req.body["data"]["amount"] == "5000.00" and req.body["data"]["currency"] == "NGN"
        assert req.body["created_at"].endswith("+00:00")
    received = next(r for r in receiver.requests if r.event_type == "transfer.received")
    assert received.body["data"]["sender"] == "ada@bank.test"
    assert received.body["user_id"] == bank.bola.user_id
    assert [d["status"] for d in deliveries(pf)] == ["DELIVERED", "DELIVERED"]
    # The signature is over the exact bytes sent, so a receiver re-serialising would fail: it must not.
    header = received.headers[signing.SIGNATURE_HEADER]
    assert signing.verify(SECRET, header, received.raw, now=int(pf.now().timestamp()))
    assert not signing.verify(SECRET, header, received.raw + b" ", now=int(pf.now().timestamp()))
    assert not signing.verify("another-secret-123456", header, received.raw, now=int(pf.now().timestamp()))
    assert not signing.verify(SECRET, header, received.raw, now=int(pf.now().timestamp()) + 301)
    # A second pass has nothing left to send.
    assert pf.deliver_due_webhooks()["attempted"] == 0
    assert len(receiver.requests) == 2


def test_endpoints_receive_only_their_event_types(bank, hooked, receiver, pf, clock):
    pf.remove_webhook(bank.admin, hooked.id)
    pf.add_webhook(bank.admin, receiver.url, SECRET, event_types="transfer.received,deposit.*")
    clock.advance(seconds=1)
    pf.transfer(bank.ada, "bola@bank.test", 100_000)
    bank.fund(bank.bola, 200_000)
    pf.withdraw(bank.ada, 100_000)
    pf.deliver_due_webhooks()
    assert sorted(receiver.types()) == ["deposit.confirmed", "deposit.requested", "transfer.received"]


def test_failures_retry_with_backoff_until_delivered(bank, hooked, receiver, pf, clock):
    receiver.script = ["fail", "fail"]
    pf.withdraw(bank.ada, 100_000)
    start = clock()
    assert pf.deliver_due_webhooks()["failed"] == 1
    # Not due yet: nothing is sent before the backoff is over.
    clock.advance(seconds=59)
    assert pf.deliver_due_webhooks()["attempted"] == 0
    clock.advance(seconds=1)
    assert pf.deliver_due_webhooks()["failed"] == 1
    clock.advance(minutes=2)
    assert pf.deliver_due_webhooks()["delivered"] == 1

    (d,) = deliveries(pf)
    assert d["status"] == "DELIVERED" and d["attempts"] == 3
    attempts = pf.delivery_attempts(bank.admin, d["id"])
    assert [a["outcome"] for a in attempts] == ["FAILED", "FAILED", "DELIVERED"]
    assert [a["status_code"] for a in attempts] == [500, 500, 204]
    assert [a["at"] - start for a in attempts] == [timedelta(0), timedelta(minutes=1), timedelta(minutes=3)]
    # Every attempt carried the same event id, each freshly signed.
    assert len({r.event_id for r in receiver.requests}) == 1
    assert [r.headers["PayFlow-Delivery-Attempt"] for r in receiver.requests] == ["1", "2", "3"]


def test_backoff_doubles_to_six_hours_and_gives_up_after_three_days(bank, hooked, receiver, pf, clock):
    receiver.default = "fail"
    pf.withdraw(bank.ada, 100_000)
    start = clock()
    for _ in range(40):  # bounded: the schedule has 20 attempts
        pf.deliver_due_webhooks()
        (d,) = deliveries(pf)
        if d["status"] != "PENDING":
            break
        clock.now = from_iso(d["next_attempt_at"])
    (d,) = deliveries(pf)
    assert d["status"] == "DEAD"

    admin = pf.login("admin@bank.test", PASSWORD)  # three days on, the old session idled out
    times = [a["at"] for a in pf.delivery_attempts(admin, d["id"])]
    gaps = [int((b - a).total_seconds() // 60) for a, b in zip(times, times[1:])]
    assert gaps == [1, 2, 4, 8, 16, 32, 64, 128, 256] + [360] * 10
    assert times[-1] - start <= timedelta(days=3) < times[-1] - start + timedelta(hours=6)
    assert d["attempts"] == len(receiver.requests) == 20

    page = pf.webhook_deliveries(admin, status="DEAD")
    assert [x.id for x in page.items] == [d["id"]] and page.items[0].last_error == "HTTP 500"
    clock.advance(days=10)
    assert pf.deliver_due_webhooks()["attempted"] == 0  # dead stays dead until an admin redelivers


def test_admin_redelivers_a_dead_delivery(bank, hooked, receiver, pf, clock):
    receiver.default = "fail"
    pf.withdraw(bank.ada, 100_000)
    pf.deliver_due_webhooks()
    (d,) = deliveries(pf)
    pf._conn().execute("UPDATE deliveries SET status = 'DEAD', next_attempt_at = NULL WHERE id = ?", (d["id"],))

    with pytest.raises(E.PermissionDenied):
        pf.redeliver(bank.ada, d["id"])
    with pytest.raises(E.NotFound):
        pf.redeliver(bank.admin, 999)
    receiver.default = "ok"
    view = pf.redeliver(bank.admin, d["id"])
    assert view.status == "PENDING"
    assert pf.deliver_due_webhooks()["delivered"] == 1
    assert deliveries(pf)[0]["status"] == "DELIVERED"
    actions = [e["action"] for e in pf.audit_entries(bank.admin).items]
    assert "WEBHOOK_REDELIVERED" in actions


def test_a_slow_receiver_times_out_and_the_retry_is_deduplicated(bank, hooked, receiver, pf, clock):
    pf.set_setting(bank.admin, "webhook_timeout_seconds", "0.3")
    receiver.script = ["slow"]
    pf.withdraw(bank.ada, 100_000)
    assert pf.deliver_due_webhooks()["failed"] == 1
    (d,) = deliveries(pf)
    assert "timed out" in d["last_error"]

    clock.advance(minutes=1)
    assert pf.deliver_due_webhooks()["delivered"] == 1
    # The receiver had acted on the first request before answering too late:
    # the retry carries the same event id, and the receiver does nothing twice.
    first, second = receiver.requests
    assert first.event_id == second.event_id
    assert (first.duplicate, second.duplicate) == (False, True)
    assert list(receiver.processed) == [first.event_id]


def test_redelivering_a_delivered_event_sends_the_same_id(bank, hooked, receiver, pf):
    pf.withdraw(bank.ada, 100_000)
    pf.deliver_due_webhooks()
    (d,) = deliveries(pf)
    pf.redeliver(bank.admin, d["id"])
    pf.deliver_due_webhooks()
    assert [r.duplicate for r in receiver.requests] == [False, True]
    assert len(receiver.processed) == 1
    assert deliveries(pf)[0]["attempts"] == 2


def test_no_write_lock_is_held_while_posting(bank, hooked, receiver, pf, db_path):
    seen = []

    def try_to_write():
        probe = sqlite3.connect(db_path, timeout=0.2)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError:
            seen.append("locked")
        finally:
            probe.close()

    receiver.on_request = try_to_write
    pf.transfer(bank.ada, "bola@bank.test", 100_000)
    pf.deliver_due_webhooks()
    assert seen == ["free", "free"]


def test_a_change_that_rolled_back_is_never_delivered(bank, hooked, receiver, pf, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full after the postings")

    # The transfer writes its postings and both events, then fails before committing.
    monkeypatch.setattr(pf, "_transfer_result", crash)
    with pytest.raises(RuntimeError):
        pf.transfer(bank.ada, "bola@bank.test", 100_000)
    monkeypatch.undo()
    # A refused transfer commits its FAILED row but emits nothing either.
    with pytest.raises(E.InsufficientFunds):
        pf.transfer(bank.bola, "ada@bank.test", 100_000)

    assert pf.balance(bank.bola) == 0
    assert pf._conn().execute("SELECT count(*) FROM outbox WHERE type LIKE 'transfer.%'").fetchone()[0] == 0
    pf.deliver_due_webhooks()
    assert receiver.requests == []
    assert deliveries(pf) == []


def test_removing_an_endpoint_cancels_what_it_still_owed(bank, hooked, receiver, pf):
    receiver.default = "fail"
    pf.withdraw(bank.ada, 100_000)
    pf.deliver_due_webhooks()
    removed = pf.remove_webhook(bank.admin, hooked.id)
    assert removed.removed_at is not None
    assert deliveries(pf)[0]["status"] == "CANCELLED"
    assert pf.webhooks(bank.admin) == []
    with pytest.raises(E.Conflict):
        pf.redeliver(bank.admin, deliveries(pf)[0]["id"])
    pf.withdraw(bank.ada, 100_000)
    pf.deliver_due_webhooks()
    assert len(receiver.requests) == 1


def test_an_unreachable_endpoint_is_retried(bank, pf, clock):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pf.set_setting(bank.admin, "email_notifications", "0")
    pf.add_webhook(bank.admin, f"http://127.0.0.1:{port}/gone", SECRET)
    bank.fund(bank.ada, 1000)
    counts = pf.deliver_due_webhooks()
    assert counts["failed"] == 2 and counts["delivered"] == 0
    d = deliveries(pf)[0]
    assert d["status"] == "PENDING" and "Connect" in d["last_error"]
    assert from_iso(d["next_attempt_at"]) == clock() + timedelta(minutes=1)


def test_a_lapsed_claim_cannot_overwrite_a_newer_one(bank, hooked, pf, clock):
    pf.withdraw(bank.ada, 100_000)
    first, _ = pf._claim_due(10)
    again, _ = pf._claim_due(10)
    assert len(first) == 1 and again == []  # claimed: a second runner leaves it alone
    clock.advance(hours=1)  # the first runner stalled past its lease
    second, _ = pf._claim_due(10)
    assert len(second) == 1
    assert pf._record(first[0], clock(), True, 204, None) == "lost"
    assert pf._record(second[0], clock(), True, 204, None) == "delivered"


def test_endpoint_registration_is_checked_and_admin_only(bank, pf):
    with pytest.raises(E.PermissionDenied):
        pf.add_webhook(bank.teller, "https://hooks.example.com/x", SECRET)
    with pytest.raises(E.InvalidInput, match="https"):
        pf.add_webhook(bank.admin, "http://hooks.example.com/x", SECRET)
    with pytest.raises(E.InvalidInput, match="not an http"):
        pf.add_webhook(bank.admin, "ftp://hooks.example.com/x", SECRET)
    with pytest.raises(E.InvalidInput, match="16 to 200"):
        pf.add_webhook(bank.admin, "https://hooks.example.com/x", "short")
    with pytest.raises(E.InvalidInput, match="Unknown event type"):
        pf.add_webhook(bank.admin, "https://hooks.example.com/x", SECRET, event_types=["transfer.recieved"])
    assert pf._conn().execute("SELECT count(*) FROM webhook_endpoints").fetchone()[0] == 0

    endpoint, secret = pf.add_webhook(bank.admin, "https://hooks.example.com/x")
    assert secret.startswith("whsec_") and len(secret) > 30
    listed = pf.webhooks(bank.admin)
    assert [e.id for e in listed] == [endpoint.id] and secret not in json.dumps(listed[0].to_json())
    assert listed[0].event_types == []


def test_the_worker_thread_delivers_on_its_own(bank, hooked, receiver, pf):
    import time

    pf.withdraw(bank.ada, 100_000)
    with WebhookWorker(pf, interval=0.05) as worker:
        for _ in range(200):  # bounded wait: at most a few seconds
            if receiver.requests:
                break
            worker.wake()
            time.sleep(0.02)
    assert receiver.types() == ["withdrawal.completed"]
    assert receiver.requests[0].signature_ok


def test_the_readme_snippet_verifies_a_real_request(bank, hooked, receiver, pf, monkeypatch):
    import pathlib
    import time

    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Two-factor, webhooks and notifications"):]
    snippet = section.split("```python", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(snippet, scope)
    pf.withdraw(bank.ada, 100_000)
    pf.deliver_due_webhooks()
    (req,) = receiver.requests
    monkeypatch.setattr(time, "time", lambda: pf.now().timestamp())  # the receiver's clock: the bank's
    assert scope["verify"](SECRET, req.headers[signing.SIGNATURE_HEADER], req.raw)
    assert not scope["verify"](SECRET, req.headers[signing.SIGNATURE_HEADER], req.raw.replace(b"1000", b"9000"))


@pytest.mark.parametrize("text, ms", [
    ("10", 10_000), ("2.5", 2_500), ("0.1", 100), ("1.25", 1_250), ("120", 120_000),
    ("0.05", None), ("120.001", None), ("1.", None), ("", None), ("ten", None), ("1e2", None), ("1000", None),
])
def test_the_webhook_timeout_is_read_as_whole_milliseconds(text, ms):
    from payflow_tui.services.delivery import timeout_ms

    assert timeout_ms(text) == ms
