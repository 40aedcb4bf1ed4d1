"""The periodic work of features built before the scheduler, on its task list.

The fraud feature's wallet integrity check runs in every cron run. Webhook and
notification delivery runs every two seconds outside the lease: each pass
claims its own deliveries, and an idle pass is a read.
"""

from __future__ import annotations

from datetime import timedelta

from .scheduler import KeepAlive, ScheduledTask, SchedulerMixin

DELIVERY_EVERY = timedelta(seconds=2)


class ScheduledWorkMixin(SchedulerMixin):
    def _scheduler_tasks(self) -> list[ScheduledTask]:
        tasks = super()._scheduler_tasks()
        tasks.append(ScheduledTask("wallet_integrity", self._task_wallet_integrity))
        tasks.append(ScheduledTask("deliveries", self._task_deliveries, every=DELIVERY_EVERY, exclusive=False))
        return tasks

    def _task_wallet_integrity(self, keep_alive: KeepAlive) -> dict:
        report = self.check_wallet_integrity()  # type: ignore[attr-defined]
        return {"wallets_checked": report.checked_wallets, "wallets_mismatched": len(report.findings)}

    def _task_deliveries(self, keep_alive: KeepAlive) -> dict:
        return self.deliver_due_webhooks()  # type: ignore[attr-defined]
