"""Reports on a fixed month (tests/reports_dataset.py) against figures added up by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from tests.conftest import PASSWORD
from tests.reports_dataset import lagos, month, month_file  # noqa: F401  (fixtures)

from payflow_tui.db.migrations import run_sql_file
from payflow_tui.services import errors as E

ZERO = {"DEPOSIT": 0, "WITHDRAWAL": 0, "TRANSFER": 0, "SUBSCRIPTION": 0}


def day(amounts: dict | None = None, **counts) -> tuple[dict, dict]:
    return {**ZERO, **(amounts or {})}, {**ZERO, **counts}


def volume(report) -> dict[date, tuple[dict, dict]]:
    return {d.day: (d.amounts, d.counts) for d in report.volume}


def test_this_week_day_by_day(month):
    report = month.pf.report(month.admin, period="week")

    assert (report.period.first_day, report.period.last_day) == (date(2026, 1, 12), date(2026, 1, 18))
    assert report.period.start == lagos("2026-01-12 00:00")
    assert report.period.end == lagos("2026-01-19 00:00")
    assert volume(report) == {
        # 1,000.00 at 10:00 and 250.00 at 23:59:59; the pending and rejected ones never count.
        date(2026, 1, 12): day({"DEPOSIT": 125_000}, DEPOSIT=2),
        # 300.00 at 00:00:00; the 200.00 transfer once, not as two rows.
        date(2026, 1, 13): day({"DEPOSIT": 30_000, "TRANSFER": 20_000}, DEPOSIT=1, TRANSFER=1),
        # 100.00 withdrawn; the refused 10,000.00 is not volume.
        date(2026, 1, 14): day({"WITHDRAWAL": 10_000}, WITHDRAWAL=1),
        # Requested on Wednesday night, confirmed on Thursday: money moved on Thursday.
        date(2026, 1, 15): day({"DEPOSIT": 40_000}, DEPOSIT=1),
        date(2026, 1, 16): day({"SUBSCRIPTION": 5_000}, SUBSCRIPTION=1),
        date(2026, 1, 17): day(),
        date(2026, 1, 18): day(),
    }
    assert report.deposits_total == 100_000 + 25_000 + 30_000 + 40_000
    assert report.totals == {"DEPOSIT": 195_000, "WITHDRAWAL": 10_000, "TRANSFER": 20_000, "SUBSCRIPTION": 5_000}
    assert report.total_counts == {"DEPOSIT": 4, "WITHDRAWAL": 1, "TRANSFER": 1, "SUBSCRIPTION": 1}
    assert report.series("DEPOSIT") == [125_000, 30_000, 0, 40_000, 0, 0, 0]
    assert report.failed_renewals == 1  # Friday's; Saturday the 10th is last week
    assert all(isinstance(v, int) for d in report.volume for v in d.amounts.values())


def test_subscriptions_wallets_and_no_open_alerts(month):
    report = month.pf.report(month.admin, period="week")

    assert report.active_subscriptions == 3  # ada and bola on Plus, admin on Basic
    assert report.popular_plan.name == "Plus" and report.popular_plan.active_subscribers == 2
    assert [(p.name, p.active_subscribers) for p in report.plans] == [("Plus", 2), ("Basic", 1), ("Gold", 0)]
    # ada: 1,000 + 300 - 200 + 400 - 50; bola: 500 + 250 + 200 - 100; staff hold nothing.
    assert [(w.email, w.balance) for w in report.largest_wallets] == [
        ("ada@bank.test", 145_000), ("bola@bank.test", 85_000),
        ("admin@bank.test", 0), ("teller@bank.test", 0),
    ]
    assert report.largest_wallets[0].balance == month.pf.balance(month.admin, for_email="ada@bank.test")
    assert report.alerts_available is True and report.open_alerts == {}


def test_open_alerts_by_rule(month):
    at = "2026-01-16T09:00:00.000000+00:00"
    rows = []
    for rule, status in [("NEW_RECIPIENTS", "OPEN"), ("NEW_RECIPIENTS", "OPEN"), ("DAILY_TRANSFER_OUT", "OPEN"),
                         ("DAILY_TRANSFER_OUT", "RESOLVED"), ("REPEATED_FAILURES", "ACKNOWLEDGED")]:
        acked = (None, None) if status == "OPEN" else (1, at)
        resolved = (1, at, "done") if status == "RESOLVED" else (None, None, None)
        rows.append((rule, status, at, at, *acked, *resolved))
    with month.pf._write() as conn:
        conn.executemany(
            "INSERT INTO alerts (rule, severity, summary, status, created_at, updated_at, acknowledged_by,"
            " acknowledged_at, resolved_by, resolved_at, resolution_note)"
            " VALUES (?, 'HIGH', 'seen in the week', ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    report = month.pf.report(month.admin, period="week")
    assert report.alerts_available is True
    assert report.open_alerts == {"NEW_RECIPIENTS": 2, "DAILY_TRANSFER_OUT": 1}
    assert list(report.open_alerts) == ["NEW_RECIPIENTS", "DAILY_TRANSFER_OUT"]


def test_this_month_and_today(month):
    report = month.pf.report(month.admin, period="month")
    assert (report.period.first_day, report.period.last_day) == (date(2026, 1, 1), date(2026, 1, 31))
    assert len(report.volume) == 31
    assert report.deposits_total == 195_000 + 50_000  # plus Sunday the 11th at 23:59:59
    assert report.failed_renewals == 2

    month.clock.now = lagos("2026-01-13 15:00")
    today = month.pf.report(month.admin, period="today")
    assert [d.day for d in today.volume] == [date(2026, 1, 13)]
    assert today.totals == {**ZERO, "DEPOSIT": 30_000, "TRANSFER": 20_000}


def test_midnight_boundary_in_lagos(month):
    monday = month.pf.report(month.admin, date_from="2026-01-12", date_to="2026-01-13")
    tuesday = month.pf.report(month.admin, date_from="2026-01-13", date_to="2026-01-14")
    # 23:59:59 Monday Lagos is 22:59:59 UTC; 00:00:00 Tuesday Lagos is still Monday in UTC.
    assert monday.deposits_total == 100_000 + 25_000
    assert tuesday.deposits_total == 30_000


def test_custom_range_excludes_its_end_day(month):
    report = month.pf.report(month.admin, date_from=date(2026, 1, 13), date_to=date(2026, 1, 15))
    assert [d.day for d in report.volume] == [date(2026, 1, 13), date(2026, 1, 14)]
    assert report.totals == {**ZERO, "DEPOSIT": 30_000, "TRANSFER": 20_000, "WITHDRAWAL": 10_000}


def test_only_an_end_date_starts_at_the_first_transaction(month):
    report = month.pf.report(month.admin, date_to="2026-01-12")
    assert (report.period.first_day, report.period.last_day) == (date(2026, 1, 10), date(2026, 1, 11))
    assert report.deposits_total == 50_000 and report.failed_renewals == 1


def test_another_time_zone_moves_the_day_boundaries(month):
    month.pf.set_setting(month.admin, "timezone", "UTC")
    report = month.pf.report(month.admin, date_from="2026-01-12", date_to="2026-01-13")
    # In UTC, Sunday 23:59:59 Lagos (22:59:59 UTC) is still Sunday, and Tuesday 00:00 Lagos is Monday.
    assert report.deposits_total == 100_000 + 25_000 + 30_000
    assert report.period.timezone == "UTC"


def _confirmed_deposit_at(bank, pf, clock, utc_text: str, amount: int) -> None:
    clock.now = datetime.fromisoformat(utc_text + "+00:00")
    bank.admin = pf.login("admin@bank.test", PASSWORD)
    bank.teller = pf.login("teller@bank.test", PASSWORD)
    tx = pf.request_deposit(bank.teller, amount, for_email="ada@bank.test")
    pf.confirm_deposit(bank.teller, tx.reference)


def test_half_hour_zone(bank, pf, clock):
    pf.set_setting(bank.admin, "timezone", "Asia/Kolkata")  # UTC+05:30: midnight is hh:30 UTC
    _confirmed_deposit_at(bank, pf, clock, "2026-01-12T18:29:59.999999", 1_000)
    _confirmed_deposit_at(bank, pf, clock, "2026-01-12T18:30:00", 2_000)
    report = pf.report(bank.admin, date_from="2026-01-12", date_to="2026-01-14")
    assert [d.amounts["DEPOSIT"] for d in report.volume] == [1_000, 2_000]


def test_daylight_saving_day_has_23_hours(bank, pf, clock):
    pf.set_setting(bank.admin, "timezone", "America/New_York")  # clocks go forward on 2026-03-08
    for utc_text, amount in (("2026-03-08T04:59:59", 4_000), ("2026-03-08T05:00:00", 8_000),
                             ("2026-03-09T03:59:59", 16_000), ("2026-03-09T04:00:00", 32_000)):
        _confirmed_deposit_at(bank, pf, clock, utc_text, amount)
    report = pf.report(bank.admin, date_from="2026-03-07", date_to="2026-03-10")
    assert report.period.start.isoformat() == "2026-03-07T05:00:00+00:00"
    assert report.period.end.isoformat() == "2026-03-10T04:00:00+00:00"
    assert [d.amounts["DEPOSIT"] for d in report.volume] == [4_000, 8_000 + 16_000, 32_000]


def test_empty_database_reports_zeros(bank, pf):
    report = pf.report(bank.admin, period="week")
    assert len(report.volume) == 7 and report.totals == ZERO
    assert report.popular_plan is None and report.plans == [] and report.failed_renewals == 0
    assert report.to_json()["deposits_total"] == "0.00"


def test_report_json_uses_decimal_strings(month):
    data = month.pf.report(month.admin, period="week").to_json()
    assert data["deposits_total"] == "1950.00"
    assert data["totals"]["transfers"] == {"amount": "200.00", "count": 1}
    assert data["days"][0] == {
        "date": "2026-01-12", "deposits": "1250.00", "deposits_count": 2, "withdrawals": "0.00",
        "withdrawals_count": 0, "transfers": "0.00", "transfers_count": 0, "subscriptions": "0.00",
        "subscriptions_count": 0,
    }
    assert data["period"]["start"] == "2026-01-11T23:00:00+00:00"
    assert data["popular_plan"] == {"plan_id": 2, "name": "Plus", "active_subscribers": 2}
    assert data["largest_wallets"][0]["balance"] == "1450.00"


@pytest.mark.parametrize("who", ["teller", "ada"])
def test_only_admins_see_reports(bank, pf, who):
    with pytest.raises(E.PermissionDenied):
        pf.report(getattr(bank, who), period="week")
    with pytest.raises(E.PermissionDenied):
        pf.report_period(getattr(bank, who), period="week")


@pytest.mark.parametrize("kwargs, words", [
    ({"period": "year"}, "not one of today, week, month"),
    ({"date_from": "2026-1-5"}, "YYYY-MM-DD"),
    ({"date_from": "2026-02-30"}, "not a real calendar day"),
    ({"date_from": "２０２６-01-01"}, "YYYY-MM-DD"),
    ({"date_from": "2026-01-10", "date_to": "2026-01-10"}, "before the end date"),
    ({"date_from": "2026-01-10", "date_to": "2026-01-01"}, "before the end date"),
    ({"date_from": "1969-12-31"}, "outside"),
    ({"date_from": "2000-01-01", "date_to": "2026-01-01"}, "at most"),
    ({"period": "week", "date_from": "2026-01-01"}, "not both"),
    ({"currency": "naira"}, "three-letter"),
])
def test_bad_periods_are_refused_with_a_clear_message(bank, pf, kwargs, words):
    with pytest.raises(E.InvalidInput, match=words):
        pf.report(bank.admin, **kwargs)


def test_another_currency_has_its_own_figures(month):
    report = month.pf.report(month.admin, period="week", currency="usd")
    assert report.currency == "USD" and report.totals == ZERO and report.largest_wallets == []


def test_summary_table_matches_the_transactions(month):
    """The triggers' running sums equal a fresh aggregation, and rerunning the
    migration (which rebuilds the summary) changes nothing."""
    direct_sql = (
        "SELECT CAST(strftime('%s', substr(updated_at, 1, 16)) AS INTEGER) / 900, type, currency,"
        " count(*), sum(amount) FROM transactions WHERE status = 'SUCCESS'"
        " AND NOT (type = 'TRANSFER' AND direction = 'CREDIT') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )
    conn = month.pf._conn()
    summary = conn.execute("SELECT * FROM report_volume ORDER BY 1, 2, 3").fetchall()
    assert [tuple(r) for r in summary] == [tuple(r) for r in conn.execute(direct_sql)]
    assert sum(r["amount"] for r in summary) == 50_000 + 195_000 + 10_000 + 20_000 + 5_000

    import sqlite_utils

    conn.execute("BEGIN IMMEDIATE")
    run_sql_file(sqlite_utils.Database(conn), "schema_reports.sql")
    conn.execute("COMMIT")
    assert [tuple(r) for r in conn.execute("SELECT * FROM report_volume ORDER BY 1, 2, 3")] == \
        [tuple(r) for r in summary]


def test_default_export_path(month):
    first = month.pf.default_export_path("transactions")
    assert first == month.path.parent / "exports" / "transactions-20260117-120000.csv"
    assert first.parent.is_dir()
    first.write_text("taken")
    assert month.pf.default_export_path("transactions").name == "transactions-20260117-120000-2.csv"
    with pytest.raises(E.InvalidInput):
        month.pf.default_export_path("../escape")


def test_reporting_modules_do_not_import_heavy_libraries_at_import():
    """pandas, pyarrow and ADBC load when a report or export runs, not when the app starts."""
    import ast
    from pathlib import Path

    import payflow_tui

    root = Path(payflow_tui.__file__).parent
    heavy = {"pandas", "pyarrow", "adbc_driver_sqlite", "numpy"}
    for rel in ("services/reports.py", "services/exports.py", "services/periods.py",
                "services/report_views.py", "cli/cmd_reports.py"):
        tree = ast.parse((root / rel).read_text())
        for node in tree.body:
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {n.split(".")[0] for n in names} & heavy, f"{rel} imports {names} at module level"


def test_a_database_that_skipped_migration_4_gets_its_summary_on_first_report(month):
    conn = month.pf._conn()
    before = month.pf.report(month.admin, period="month").totals
    for statement in ("DROP TRIGGER report_volume_inserted", "DROP TRIGGER report_volume_settled",
                      "DROP TABLE report_volume"):
        conn.execute(statement)
    assert month.pf.report(month.admin, period="month").totals == before
    # ... and the triggers are back for what happens next.
    month.pf.withdraw(month.login("ada"), 1_000)
    assert month.pf.report(month.admin, period="month").totals["WITHDRAWAL"] == before["WITHDRAWAL"] + 1_000
