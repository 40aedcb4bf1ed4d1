"""Other features' periodic work, run by the one scheduler loop.

The wallet integrity check runs in every cron run; webhook and email delivery
runs every few seconds between them. Each is added only when the feature that
provides it is part of this PayFlow, so the scheduler works without them.
"""

from __future__ import annotations

from datetime import timedelta

from .scheduler import KeepAlive, ScheduledTask, SchedulerMixin

# Often enough that a webhook feels prompt; an idle pass is one read.
DELIVERY_EVERY = timedelta(seconds=5)


class BackgroundTasksMixin(SchedulerMixin):
    def _scheduler_tasks(self) -> list[ScheduledTask]:
        tasks = super()._scheduler_tasks()
        if hasattr(self, "check_wallet_integrity"):
            tasks.append(ScheduledTask("wallet_integrity", self._task_wallet_integrity))
        if hasattr(self, "deliver_due_webhooks"):
            tasks.append(ScheduledTask("webhook_delivery", self._task_webhook_delivery, every=DELIVERY_EVERY))
        return tasks

    def _task_wallet_integrity(self, keep_alive: KeepAlive) -> dict:
        report = self.check_wallet_integrity()  # type: ignore[attr-defined]
        return {"wallets_checked": report.checked_wallets, "wallets_mismatched": len(report.findings)}

    def _task_webhook_delivery(self, keep_alive: KeepAlive) -> dict:
        return self.deliver_due_webhooks()  # type: ignore[attr-defined]
