"""The cron schedule in local time: Africa/Lagos, and zones whose clocks change (DST)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from tests.subs_support import set_time

from payflow_tui.services import Scheduler
from payflow_tui.services import errors as E
from payflow_tui.services.cron import latest_fire, next_fire, valid_schedule

UTC = timezone.utc
LAGOS = ZoneInfo("Africa/Lagos")


def test_latest_and_next_fire_in_lagos():
    now = datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert latest_fire("0 0 * * *", LAGOS, now) == datetime(2026, 1, 14, 23, tzinfo=UTC)
    assert next_fire("0 0 * * *", LAGOS, now) == datetime(2026, 1, 15, 23, tzinfo=UTC)
    exactly = datetime(2026, 1, 14, 23, tzinfo=UTC)
    assert latest_fire("0 0 * * *", LAGOS, exactly) == exactly
    assert next_fire("0 0 * * *", LAGOS, exactly) == datetime(2026, 1, 15, 23, tzinfo=UTC)


@pytest.mark.parametrize("expr, ok", [("0 0 * * *", True), ("*/15 9-17 * * 1-5", True),
                                      ("0 0 * * * *", False), ("61 0 * * *", False), ("daily", False),
                                      ("", False)])
def test_only_five_field_cron_expressions_are_accepted(expr, ok):
    assert valid_schedule(expr) is ok


def test_the_schedule_and_zone_are_settings_an_admin_changes(bank):
    pf = bank.pf
    for bad in ("0 0 * *", "every day"):
        with pytest.raises(E.InvalidInput):
            pf.set_setting(bank.admin, "scheduler_cron", bad)
    with pytest.raises(E.InvalidInput):
        pf.set_setting(bank.admin, "timezone", "Mars/Olympus")
    pf.set_setting(bank.admin, "scheduler_cron", "0 6 * * 1")
    pf.set_setting(bank.admin, "timezone", "Europe/London")
    status = pf.scheduler_status(bank.admin)
    assert (status.schedule, status.timezone) == ("0 6 * * 1", "Europe/London")
    assert status.next_run_at == datetime(2026, 1, 19, 6, tzinfo=UTC)  # Monday 06:00 GMT


def drive(pf, clock, start: datetime, end: datetime, every=timedelta(minutes=10)) -> None:
    """Step a scheduler loop through simulated time, as a running process would."""
    loop = Scheduler(pf, tick=every.total_seconds())
    set_time(clock, start)
    while clock.now < end:
        loop.step()
        clock.advance(seconds=every.total_seconds())


def fires(pf, zone: ZoneInfo) -> list[datetime]:
    return [datetime.fromisoformat(r[0]).astimezone(zone) for r in pf._conn().execute(
        "SELECT covers_fire FROM scheduler_runs WHERE status = 'DONE' ORDER BY id")]


@pytest.mark.parametrize("zone_name, expr, start, days, skipped_wall", [
    # Clocks go back on 1 November: 01:30 happens twice, and runs once.
    ("America/New_York", "30 1 * * *", datetime(2026, 10, 28, 12, tzinfo=UTC), 8, None),
    # Clocks go forward on 8 March: 02:30 never happens; that day runs at the change (03:00).
    ("America/New_York", "30 2 * * *", datetime(2026, 3, 5, 12, tzinfo=UTC), 7, (2026, 3, 8)),
    ("Europe/London", "30 1 * * *", datetime(2026, 10, 22, 12, tzinfo=UTC), 7, None),
    ("Europe/London", "30 1 * * *", datetime(2026, 3, 26, 12, tzinfo=UTC), 7, (2026, 3, 29)),
    ("Europe/London", "0 0 * * *", datetime(2026, 3, 26, 12, tzinfo=UTC), 7, None),
    ("Africa/Lagos", "0 0 * * *", datetime(2026, 3, 26, 12, tzinfo=UTC), 7, None),
])
def test_one_run_per_local_day_across_clock_changes(bank, clock, zone_name, expr, start, days, skipped_wall):
    pf = bank.pf
    pf.set_setting(bank.admin, "timezone", zone_name)
    pf.set_setting(bank.admin, "scheduler_cron", expr)
    zone = ZoneInfo(zone_name)
    drive(pf, clock, start, start + timedelta(days=days))
    runs = fires(pf, zone)
    per_day = Counter(f.date() for f in runs)
    assert len(runs) == days + 1  # the day before start (owed at the first start), then one a day
    assert set(per_day.values()) == {1}
    hour, minute = int(expr.split()[1]), int(expr.split()[0])
    for fire in runs:
        if skipped_wall and fire.timetuple()[:3] == skipped_wall:
            assert fire.hour > hour  # the wall time did not exist that day
        else:
            assert (fire.hour, fire.minute) == (hour, minute)
    started = [datetime.fromisoformat(r[0]) for r in pf._conn().execute(
        "SELECT started_at FROM scheduler_runs ORDER BY id")]
    # After the first (owed) run, each run starts within one step of its fire time.
    assert all(timedelta(0) <= s - f < timedelta(minutes=10) for s, f in zip(started[1:], runs[1:]))
