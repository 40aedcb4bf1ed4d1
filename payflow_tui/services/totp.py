"""TOTP (RFC 6238) and recovery codes: the pure parts, no database.

Codes are checked against the service clock, never the machine's, so a
sandbox's moved clock and a test's frozen one both hold.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import datetime

# pyotp and segno are imported where used: only two-factor screens and calls need them,
# and the app's start-up stays light.

ISSUER = "PayFlow"
# RFC 6238 section 5.2: accept at most one step of drift either way.
VALID_WINDOW = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # 5 bits a character, no I/L/O/U


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (RFC 4226's recommended length)."""
    import pyotp

    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_text(uri: str) -> str:
    """The QR code as Unicode half blocks: two rows a line, readable by a phone
    from any terminal (no escape codes, so a Textual widget can show it too)."""
    import segno

    buffer = io.StringIO()
    segno.make(uri, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()


def looks_like_totp(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def normalise(code: str | None) -> str:
    """What people type: spaces and dashes are grouping only."""
    return "".join(str(code or "").split()).replace("-", "").upper()


def code_at(secret: str, at: datetime, offset: int = 0) -> str:
    """The code for the step ``offset`` steps from ``at`` (for tests and tools)."""
    import pyotp

    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(at) + offset)


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step ``code`` belongs to within the allowed drift, else None."""
    import pyotp

    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    # Every candidate is compared, so the time taken does not say which matched.
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if secrets.compare_digest(code, totp.generate_otp(step)):
            found = step
    return found


def new_recovery_codes() -> list[str]:
    """Ten single-use codes of 60 random bits each, shown as XXXX-XXXX-XXXX."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def recovery_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "replace")).hexdigest()
