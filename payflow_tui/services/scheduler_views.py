"""What the scheduler services return: runs and the scheduler's status."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import from_iso
from .views import View


@dataclass(frozen=True)
class RunView(View):
    """One scheduler run: what it answered, when, and what it did."""

    id: int
    trigger: str  # SCHEDULE (the loop) or MANUAL (run now, payflow renew)
    holder: str
    covers_fire: datetime
    started_at: datetime
    finished_at: datetime | None
    status: str  # RUNNING, DONE, INTERRUPTED, ABANDONED
    charged: int
    suspended: int
    expired: int
    errors: int
    details: dict

    def counts(self) -> dict:
        """The run's counts, flat: charged, suspended, expired, errors and each task's own."""
        out: dict = {"charged": self.charged, "suspended": self.suspended, "expired": self.expired,
                     "errors": self.errors}
        for result in self.details.values():
            for key, value in result.items():
                if key not in out and isinstance(value, (int, str)) and not isinstance(value, bool):
                    out[key] = value
        return out


@dataclass(frozen=True)
class TaskState(View):
    name: str
    every_seconds: float | None
    last_run_at: datetime | None
    last_status: str | None
    last_error: str | None


@dataclass(frozen=True)
class SchedulerStatus(View):
    schedule: str
    timezone: str
    now: datetime
    next_run_at: datetime
    owed_fire: datetime | None  # a fire time no finished run covers yet: runs at the next start
    last_run: RunView | None
    lease_holder: str | None
    lease_expires_at: datetime | None
    running: bool
    tasks: list[TaskState] = field(default_factory=list)

    def to_json(self) -> dict:
        data = {k: v for k, v in super().to_json().items() if k not in ("last_run", "tasks")}
        data["last_run"] = self.last_run.to_json() if self.last_run else None
        data["tasks"] = [t.to_json() for t in self.tasks]
        return data


def run_view(row) -> RunView:
    return RunView(
        id=row["id"], trigger=row["trigger"], holder=row["holder"], covers_fire=from_iso(row["covers_fire"]),
        started_at=from_iso(row["started_at"]),
        finished_at=from_iso(row["finished_at"]) if row["finished_at"] else None,
        status=row["status"], charged=row["charged"], suspended=row["suspended"], expired=row["expired"],
        errors=row["errors"], details=json.loads(row["details"]),
    )
