"""Why an account is locked or a wallet frozen, in the words the account holder is given.

``yield AccountNotice()`` on a screen of the signed-in account holder shows their
own notice; ``AccountNotice(for_email=...)`` shows staff what that customer is
told. It loads ``pf.account_notice`` in a worker, fetches again whenever the
database changes, and stays hidden while the account is in good standing.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from ...services import errors as E
from ...services.fraud_views import AccountNotice as Notice
from ..live import unattended


class AccountNotice(Static):
    DEFAULT_CSS = """
    AccountNotice {
        height: auto;
    }
    """

    def __init__(self, for_email: str | None = None, *, lead: str = "", id: str | None = None,
                 classes: str = "notice notice-error", follow_changes: bool = True) -> None:
        super().__init__("", id=id, classes=classes)
        self.for_email = for_email
        self.lead = lead
        # False where the host screen calls load() from its own reload: one fetch per change.
        self.follow_changes = follow_changes
        self.notice: Notice | None = None

    def on_mount(self) -> None:
        self.display = False
        self.load()
        signal = getattr(self.app, "data_changed_signal", None)
        if signal is not None and self.follow_changes:  # without live updates it is never refreshed
            signal.subscribe(self, lambda _app: self.load(live=True))

    def load(self, *, live: bool = False) -> None:
        """Fetch the notice again; ``live`` fetches (the data changed) are not activity."""
        app: Any = self.app
        if app.session is None:
            return
        fetch = unattended(app.pf, app.pf.account_notice) if live else app.pf.account_notice
        app.call_service(fetch, app.session, self.for_email, on_done=self._show, on_error=self._unknown,
                         group=f"account-notice-{id(self)}", exclusive=True)

    def _show(self, notice: Notice) -> None:
        self.notice = notice
        self.display = not notice.ok
        self.update(self.lead + notice.message)

    def _unknown(self, exc: E.PayFlowError) -> None:
        # Nothing to explain is better than a wrong explanation: the host screen shows its own errors.
        self.notice = None
        self.display = False
