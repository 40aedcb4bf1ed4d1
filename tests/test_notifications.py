"""Notifications: sentences, read and unread, and emails (.eml files or SMTP)."""

from __future__ import annotations

import socketserver
import threading
from email import policy
from email.parser import BytesParser

import pytest

from payflow_tui.services import errors as E


def texts(page) -> list[str]:
    return [n.text for n in page.items]


def test_a_user_reads_their_own_events_as_sentences(bank, pf):
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 500_000)
    pf.freeze_wallet(bank.admin, "bola@bank.test", "checking a complaint")

    assert texts(pf.notifications(bank.bola)) == [
        "Your wallet was frozen: checking a complaint.",
        "You received ₦5,000.00 from Ada Obi.",
    ]
    ada = texts(pf.notifications(bank.ada))
    assert ada[0] == "You sent ₦5,000.00 to Bola Ade."
    assert ada[1].startswith("Your deposit of ₦10,000.00 was confirmed (DEP-")
    assert ada[2].startswith("Your deposit of ₦10,000.00 is waiting for a teller's confirmation")
    assert texts(pf.notifications(bank.teller)) == []


def test_read_and_unread(bank, pf):
    bank.fund(bank.ada, 1_000_000)
    for _ in range(3):
        pf.transfer(bank.ada, "bola@bank.test", 1000)
    page = pf.notifications(bank.bola)
    assert pf.unread_notifications(bank.bola) == 3 and not any(n.read for n in page.items)

    newest = page.items[0].id
    foreign = pf.notifications(bank.ada).items[0].id
    assert pf.mark_notifications_read(bank.bola, [newest, foreign]) == 1  # Ada's stays Ada's
    assert [n.read for n in pf.notifications(bank.bola).items] == [True, False, False]
    assert [n.id for n in pf.notifications(bank.bola, unread_only=True).items] == [n.id for n in page.items[1:]]
    assert pf.unread_notifications(bank.ada) == 5
    assert pf.mark_notifications_read(bank.bola) == 2
    assert pf.unread_notifications(bank.bola) == 0


def test_after_id_gives_only_newer_events_and_pages_go_back(bank, pf):
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 1000)
    last_seen = pf.notifications(bank.bola).items[0].id
    pf.transfer(bank.ada, "bola@bank.test", 2000)
    fresh = pf.notifications(bank.bola, after_id=last_seen)
    assert texts(fresh) == ["You received ₦20.00 from Ada Obi."]

    first = pf.notifications(bank.ada, limit=2)
    assert first.has_more
    rest = pf.notifications(bank.ada, before_id=first.next_cursor, limit=10)
    assert len(first.items) + len(rest.items) == 4 and not rest.has_more
    with pytest.raises(E.InvalidInput):
        pf.notifications(bank.ada, limit=0)


def test_fraud_alerts_are_for_staff_not_the_customer(bank, pf):
    with pf._write() as conn:
        pf._emit(conn, "alert.opened", user_id=bank.ada.user_id, reason="many failed transfers")
        pf._emit(conn, "alert.opened", user_id=bank.teller.user_id, reason="many failed transfers")
    assert texts(pf.notifications(bank.ada)) == []
    assert texts(pf.notifications(bank.teller)) == ["A fraud alert was opened: many failed transfers."]


def test_emails_are_written_by_the_delivery_pass_as_eml_files(bank, pf, db_path):
    folder = db_path.parent / "outbox"
    bank.fund(bank.ada, 1_000_000)
    pf.transfer(bank.ada, "bola@bank.test", 500_000)
    assert not folder.exists()  # nothing is written inside the money transaction

    counts = pf.deliver_due_webhooks()
    assert counts["delivered"] == 4
    assert pf.email_outbox_dir() == folder
    files = sorted(folder.glob("evt_*.eml"))
    assert len(files) == 4 and not list(folder.glob(".tmp-*"))
    mails = [BytesParser(policy=policy.default).parse(f.open("rb")) for f in files]
    received = next(m for m in mails if "received" in m["Subject"])
    assert received["To"] == "Bola Ade <bola@bank.test>"
    assert received["Subject"] == "PayFlow: You received ₦5,000.00 from Ada Obi"
    assert "You received ₦5,000.00 from Ada Obi." in received.get_content()
    assert received["Message-ID"] == f"<{received['X-PayFlow-Event-Id']}@payflow.local>"
    page = pf.webhook_deliveries(bank.admin, channel="EMAIL", status="DELIVERED")
    assert {d.destination for d in page.items} == {"ada@bank.test", "bola@bank.test"}


def test_email_can_be_turned_off_or_sent_elsewhere(bank, pf, tmp_path):
    pf.set_setting(bank.admin, "email_outbox_dir", str(tmp_path / "mail"))
    bank.fund(bank.ada, 1000)
    pf.deliver_due_webhooks()
    # The setting in force when the delivery pass fans events out is the one that counts.
    pf.set_setting(bank.admin, "email_notifications", "0")
    bank.fund(bank.bola, 1000)
    pf.deliver_due_webhooks()
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2  # Ada's two, none of Bola's


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept one message at a time."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.split(b" ")[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.wfile.write(b"250 OK\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.messages.append(data)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"502 no\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_email_goes_over_smtp_when_configured(bank, pf, smtp_server, db_path):
    pf.set_setting(bank.admin, "smtp_host", "127.0.0.1")
    pf.set_setting(bank.admin, "smtp_port", str(smtp_server.server_address[1]))
    pf.set_setting(bank.admin, "smtp_from", "Bank <alerts@bank.test>")
    bank.fund(bank.ada, 1_000_000)
    assert pf.deliver_due_webhooks()["delivered"] == 2
    assert len(smtp_server.messages) == 2
    mail = BytesParser(policy=policy.default).parsebytes(smtp_server.messages[1])
    assert mail["From"] == "Bank <alerts@bank.test>" and mail["To"] == "Ada Obi <ada@bank.test>"
    assert "was confirmed" in mail["Subject"]
    assert not (db_path.parent / "outbox").exists()


def test_an_smtp_server_that_is_down_is_retried(bank, pf, smtp_server, clock):
    port = smtp_server.server_address[1]
    smtp_server.shutdown()
    smtp_server.server_close()
    pf.set_setting(bank.admin, "smtp_host", "127.0.0.1")
    pf.set_setting(bank.admin, "smtp_port", str(port))
    bank.fund(bank.ada, 1000)
    assert pf.deliver_due_webhooks()["failed"] == 2
    page = pf.webhook_deliveries(bank.admin, channel="EMAIL", status="PENDING")
    assert len(page.items) == 2 and page.items[0].last_error.startswith("ConnectionRefusedError")
