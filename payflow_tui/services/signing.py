"""Webhook signatures: ``PayFlow-Signature: t=TIMESTAMP,v1=HEX``.

v1 is HMAC-SHA256 keyed with the endpoint's secret over ``"{t}.{body}"``,
the exact bytes of the request body. The timestamp lets a receiver refuse
an old request replayed at it; the event id lets it drop a repeat.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "PayFlow-Signature"
DEFAULT_TOLERANCE_S = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body,
                    hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    return f"t={int(timestamp)},v1={signature(secret, int(timestamp), body)}"


def verify(secret: str, header: str, body: bytes, *, now: int,
           tolerance: int = DEFAULT_TOLERANCE_S) -> bool:
    """What a receiver does: a v1 signature matches and ``t`` is within
    ``tolerance`` seconds of the receiver's clock ``now``."""
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, v) for v in parts.get("v1", []))
