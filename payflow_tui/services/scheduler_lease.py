"""The scheduler's lease: one runner at a time across processes.

Kept in wall time (the base clock), not business time: moving a sandbox's
clock forward must not expire a lease that a live runner holds.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta

from ..clock import from_iso, to_iso
from .base import ServiceBase

LEASE = "main"
LEASE_SECONDS = 60.0


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _died_here(host: str, pid: int) -> bool:
    """Whether a lease holder ran on this machine and its process is gone: a killed
    runner's lease is then taken over at once instead of when it expires."""
    if host != socket.gethostname() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, owned by someone else
        return False
    return False


class LeaseMixin(ServiceBase):
    def _take_lease(self, holder: str, seconds: float = LEASE_SECONDS) -> bool:
        """Take (or extend) the lease unless another holder's is unexpired."""
        wall = self._base_clock()
        with self._write() as conn:
            row = conn.execute("SELECT holder, host, pid, expires_at FROM scheduler_lease WHERE name = ?",
                               (LEASE,)).fetchone()
            if (row and row["holder"] != holder and from_iso(row["expires_at"]) > wall
                    and not _died_here(row["host"], row["pid"])):
                return False
            if row is None or row["holder"] != holder:
                # Only a lease holder runs, so a run still marked RUNNING by anyone else died.
                conn.execute("UPDATE scheduler_runs SET status = 'ABANDONED', finished_at = ?"
                             " WHERE status = 'RUNNING' AND holder <> ?", (to_iso(self._now(conn)), holder))
            conn.execute(
                "INSERT INTO scheduler_lease (name, holder, host, pid, acquired_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " host = excluded.host, pid = excluded.pid,"
                " acquired_at = CASE WHEN holder = excluded.holder THEN acquired_at ELSE excluded.acquired_at END,"
                " expires_at = excluded.expires_at",
                (LEASE, holder, socket.gethostname(), os.getpid(), to_iso(wall),
                 to_iso(wall + timedelta(seconds=seconds))),
            )
            return True

    def _renew_lease(self, holder: str, seconds: float = LEASE_SECONDS) -> bool:
        """Extend our lease; False when another holder has taken it."""
        wall = self._base_clock()
        with self._write() as conn:
            return conn.execute(
                "UPDATE scheduler_lease SET expires_at = ? WHERE name = ? AND holder = ?",
                (to_iso(wall + timedelta(seconds=seconds)), LEASE, holder),
            ).rowcount == 1

    def _release_lease(self, holder: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM scheduler_lease WHERE name = ? AND holder = ?", (LEASE, holder))
