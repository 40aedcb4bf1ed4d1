"""Freezing and unfreezing a wallet: a reason first, then a confirmation, then the service.

Shared by the customer card and the users screen so both ask the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .widgets.dialogs import ConfirmDialog, InputDialog

if TYPE_CHECKING:
    from ..services.views import WalletView
    from .base import PayFlowScreen


def ask_freeze(screen: "PayFlowScreen", email: str, name: str,
               on_done: Callable[["WalletView"], None]) -> None:
    """Ask why, confirm, then freeze ``email``'s wallet (the service checks the role)."""

    def confirm(reason: str | None) -> None:
        if not reason:
            return
        body = (f"Freeze {name}'s wallet ({email})?\n"
                "No money moves in or out until an administrator unfreezes it.\n"
                f"Reason: {reason}")
        screen.app.push_screen(
            ConfirmDialog("Freeze wallet", body, confirm_label="Freeze wallet", danger=True),
            lambda ok: screen.call(screen.pf.freeze_wallet, screen.session, email, reason,
                                   on_done=frozen) if ok else None,
        )

    def frozen(wallet: "WalletView") -> None:
        screen.notify(f"{name}'s wallet is frozen: {wallet.frozen_reason}", title="Wallet frozen",
                      severity="warning")
        on_done(wallet)

    screen.app.push_screen(
        InputDialog("Freeze wallet", f"Why freeze {name}'s wallet? The reason goes into the audit log.",
                    placeholder="e.g. card reported stolen", confirm_label="Next"),
        confirm,
    )


def ask_unfreeze(screen: "PayFlowScreen", email: str, name: str,
                 on_done: Callable[["WalletView"], None]) -> None:
    """Ask why, confirm, then lift the freeze on ``email``'s wallet."""

    def confirm(reason: str | None) -> None:
        if not reason:
            return
        body = (f"Unfreeze {name}'s wallet ({email})?\n"
                "Money can move in and out again at once.\n"
                f"Reason: {reason}")
        screen.app.push_screen(
            ConfirmDialog("Unfreeze wallet", body, confirm_label="Unfreeze wallet"),
            lambda ok: screen.call(screen.pf.unfreeze_wallet, screen.session, email, reason,
                                   on_done=unfrozen) if ok else None,
        )

    def unfrozen(wallet: "WalletView") -> None:
        screen.notify(f"{name}'s wallet is active again.", title="Wallet unfrozen")
        on_done(wallet)

    screen.app.push_screen(
        InputDialog("Unfreeze wallet", f"Why unfreeze {name}'s wallet? The reason goes into the audit log.",
                    placeholder="e.g. customer identity checked", confirm_label="Next"),
        confirm,
    )
