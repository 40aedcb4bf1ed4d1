"""``PayFlow``: the one door to the database, composed of one mixin per concern."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from .. import db as dbmod
from ..clock import Clock
from . import errors as E
from .admin import AdminMixin
from .auth import AuthMixin
from .background_tasks import BackgroundTasksMixin
from .bulk import BulkMixin
from .demo import DemoMixin
from .deposits import DepositsMixin
from .integrity import IntegrityMixin
from .notify import NotifyMixin
from .payments import PaymentsMixin
from .queries import QueriesMixin
from .reports import ReportsMixin
from .rules import FraudMixin
from .sandbox import SandboxMixin
from .subscriptions import SubscriptionsMixin


class PayFlow(
    AuthMixin,
    DepositsMixin,
    PaymentsMixin,
    BulkMixin,
    AdminMixin,
    QueriesMixin,
    SandboxMixin,
    FraudMixin,  # before IntegrityMixin: its verify() runs the wallet integrity check first
    IntegrityMixin,
    BackgroundTasksMixin,  # before SubscriptionsMixin: its tasks run after the renewals
    SubscriptionsMixin,
    ReportsMixin,
    NotifyMixin,
    DemoMixin,
):
    """The transactional service module.

        pf = PayFlow.open("data/payflow.db")
        session = pf.login("ada@example.com", password)
    """

    @classmethod
    def open(cls, path: str | Path = "data/payflow.db", *, clock: Clock | None = None,
             password_hasher: PasswordHasher | None = None, sandbox: bool | None = None) -> "PayFlow":
        """Open (creating or migrating) the database at ``path``.

        ``sandbox`` is honoured only for a new, empty database; asking for a
        different kind than an existing database is refused.
        """
        pf = cls(path, clock=clock, password_hasher=password_hasher)
        conn = pf._conn()
        dbmod.migrate(conn)
        if sandbox is not None:
            pf._init_kind(sandbox)
        return pf

    def _init_kind(self, sandbox: bool) -> None:
        with self._write() as conn:
            stored = conn.execute("SELECT value FROM settings WHERE key = 'sandbox'").fetchone()
            want = "1" if sandbox else "0"
            if stored is None:
                used = conn.execute("SELECT 1 FROM users LIMIT 1").fetchone()
                if used and sandbox:
                    raise E.NotSandbox("This database already has users; a sandbox must start empty.")
                self._put_setting(conn, "sandbox", want)
            elif stored[0] != want:
                kind = "a sandbox" if stored[0] == "1" else "a normal database"
                raise E.Conflict(f"{self.path} is already {kind}.")
