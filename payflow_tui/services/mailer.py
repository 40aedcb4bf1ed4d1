"""Notification emails: an .eml file in a local outbox folder, or SMTP when configured."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the email package loads only when a mail is written: start-up stays light
    from email.message import EmailMessage

SMTP_TIMEOUT_S = 15.0


def build_email(*, event_id: str, to_email: str, to_name: str, from_addr: str, text: str,
                at: datetime, details: list[tuple[str, str]], footer: str) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr

    msg = EmailMessage()
    msg["From"] = from_addr
    msg["To"] = formataddr((to_name, to_email))
    msg["Subject"] = f"PayFlow: {text.rstrip('.')}"
    msg["Date"] = format_datetime(at)
    # The event id doubles as the message id, so a resent email is recognisably the same one.
    msg["Message-ID"] = f"<{event_id}@payflow.local>"
    msg["X-PayFlow-Event-Id"] = event_id
    lines = [f"Hello {to_name},", "", text, ""]
    lines += [f"{label}: {value}" for label, value in details]
    lines += ["", f"If you did not expect this, contact {footer}.", "", "PayFlow"]
    msg.set_content("\n".join(lines) + "\n")
    return msg


def write_eml(folder: Path, msg: EmailMessage, event_id: str) -> Path:
    """Write ``msg`` as ``<event id>.eml``; a retry overwrites the same file whole."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{event_id}.eml"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".eml")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(msg.as_bytes())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def send_smtp(msg: EmailMessage, *, host: str, port: int, starttls: bool) -> None:
    import smtplib

    with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
        if starttls:
            smtp.starttls()
        smtp.send_message(msg)
