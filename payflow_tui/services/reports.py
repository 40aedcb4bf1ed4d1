"""The admin's reports: money moved per day, subscriptions, alerts, largest wallets.

SQL does the heavy aggregation (per local day, from the ``report_volume``
summary that triggers keep in the posting transaction); pandas shapes the
result into daily series. pandas is imported inside the functions that use
it, never at module import, so the app starts without paying for it.
"""

from __future__ import annotations

import csv
import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..clock import from_iso, to_iso
from ..db.migrations import run_sql_file
from ..money import to_major_str
from . import errors as E
from .base import Session
from .exports import ExportsMixin, check_out_path
from .periods import Period, local_midnight, resolve_period
from .report_views import VOLUME_TYPES, DayVolume, ExportResult, PlanCount, Report, WalletRank

TOP_WALLETS = 10
_CURRENCY = re.compile(r"[A-Z]{3}")
_EXPORT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")


class ReportsMixin(ExportsMixin):
    def report(self, session: Session, *, period: str | None = None, date_from: date | str | None = None,
               date_to: date | str | None = None, currency: str | None = None) -> Report:
        """The report for one period. Callers: ADMIN only.

        ``period`` is today, week or month in the configured time zone; or
        give ``date_from`` (included) and/or ``date_to`` (excluded) as local
        days (YYYY-MM-DD). Default: this week. Amounts are in ``currency``
        (default: the configured default currency). Refuses (INVALID_INPUT)
        an unknown period, a malformed date, an empty or reversed range, and
        a malformed currency.
        """
        self._ensure_summary()
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            return self._report(conn, period, date_from, date_to, currency)

    def report_period(self, session: Session, *, period: str | None = None,
                      date_from: date | str | None = None, date_to: date | str | None = None) -> Period:
        """Resolve a period without computing the report (a screen's title). ADMIN only."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            return self._period(conn, period, date_from, date_to)

    def export_report(self, session: Session, out_path: str | Path, *, period: str | None = None,
                      date_from: date | str | None = None, date_to: date | str | None = None,
                      currency: str | None = None) -> ExportResult:
        """Write the report as one CSV table (UTF-8, header row). Callers: ADMIN only.

        Columns: section, item, date, count, amount, currency; amounts in
        major units with two decimals. Sections: timezone, period (first and
        last day), volume (per day and type), total, subscriptions, plan,
        renewals, alert, wallet. Refuses what ``report`` refuses and an
        output path whose folder does not exist.
        """
        out = check_out_path(out_path)
        report = self.report(session, period=period, date_from=date_from, date_to=date_to,
                             currency=currency)
        partial = out.with_name(out.name + ".part")
        try:
            with open(partial, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["section", "item", "date", "count", "amount", "currency"])
                rows = _report_rows(report)
                writer.writerows(rows)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return ExportResult(out, len(rows), out.stat().st_size)

    def export_report_pdf(self, session: Session, out_path: str | Path, *, period: str | None = None,
                          date_from: date | str | None = None, date_to: date | str | None = None,
                          currency: str | None = None) -> ExportResult:
        """Write the report's summary as a one-page A4 PDF. Callers: ADMIN only.

        The page holds the period, the totals per movement type, a bar chart
        of money moved per day, subscriptions and open alerts, and the largest
        wallets; amounts carry the currency code. ``rows`` of the result is the
        number of pages (1). Refuses what ``export_report`` refuses.
        """
        from .report_pdf import write_report_pdf

        out = check_out_path(out_path, "pdf")
        report = self.report(session, period=period, date_from=date_from, date_to=date_to,
                             currency=currency)
        partial = out.with_name(out.name + ".part")
        try:
            pages = write_report_pdf(report, partial)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return ExportResult(out, pages, out.stat().st_size)

    def default_export_path(self, name: str, *, suffix: str = "csv") -> Path:
        """Where a screen saves an export: ``<database folder>/exports/<name>-<local time>.csv``.

        With the default database that is ``data/exports/``. The folder is
        created; an existing file is never reused (a counter is appended).
        """
        if not _EXPORT_NAME.fullmatch(name or "") or not suffix.isalnum():
            raise E.InvalidInput(f"Export name {name!r} must be lower-case letters, digits, - or _.")
        conn = self._conn()
        local = self._now(conn).astimezone(ZoneInfo(self._setting(conn, "timezone")))
        folder = Path(self.path).resolve().parent / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{name}-{local:%Y%m%d-%H%M%S}"
        candidate, n = folder / f"{stem}.{suffix}", 1
        while candidate.exists():
            n += 1
            candidate = folder / f"{stem}-{n}.{suffix}"
        return candidate

    # -- computing ------------------------------------------------------------------------

    def _ensure_summary(self) -> None:
        """Build the summary if migration 4 was skipped: migrations run by version
        number, so a database that reached a later feature's version before this
        feature was merged never ran it. The build is the migration itself
        (rebuilt from every transaction, then kept by its triggers)."""
        conn = self._conn()
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger'"
                        " AND name = 'report_volume_settled'").fetchone():
            return
        import sqlite_utils

        with self._write() as conn:
            run_sql_file(sqlite_utils.Database(conn), "schema_reports.sql")

    def _period(self, conn: sqlite3.Connection, period, date_from, date_to) -> Period:
        tz_name = self._setting(conn, "timezone")
        earliest = None
        if period is None and date_from is None and date_to is not None:
            first = conn.execute("SELECT min(created_at) FROM transactions").fetchone()[0]
            if first:
                earliest = from_iso(first).astimezone(ZoneInfo(tz_name)).date()
        return resolve_period(self._now(conn), tz_name, period=period, date_from=date_from,
                              date_to=date_to, earliest=earliest)

    def _report(self, conn: sqlite3.Connection, period, date_from, date_to, currency) -> Report:
        if currency is None:
            currency = self._setting(conn, "default_currency")
        currency = str(currency).strip().upper()
        if not _CURRENCY.fullmatch(currency):
            raise E.InvalidInput(f"Currency {currency!r} is not a three-letter code such as NGN.")
        span = self._period(conn, period, date_from, date_to)
        volume, totals, counts = _daily_volume(conn, span, currency)
        plans = [PlanCount(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT p.id, p.name, count(s.id) FROM subscription_plans p"
            " LEFT JOIN user_subscriptions s ON s.plan_id = p.id AND s.status = 'ACTIVE'"
            " GROUP BY p.id, p.name ORDER BY count(s.id) DESC, p.name, p.id")]
        active = conn.execute("SELECT count(*) FROM user_subscriptions WHERE status = 'ACTIVE'").fetchone()[0]
        failed_renewals = conn.execute(
            "SELECT count(*) FROM transactions WHERE status = 'FAILED' AND type = 'SUBSCRIPTION'"
            " AND created_at >= ? AND created_at < ?", (to_iso(span.start), to_iso(span.end)),
        ).fetchone()[0]
        alerts_available, open_alerts = _open_alerts(conn)
        wallets = [WalletRank(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(
            "SELECT w.id, u.email, u.name, w.balance, w.currency FROM wallets w"
            " JOIN users u ON u.id = w.user_id WHERE w.currency = ?"
            " ORDER BY w.balance DESC, w.id LIMIT ?", (currency, TOP_WALLETS))]
        return Report(span, currency, self._now(conn), volume, totals, counts, active, plans,
                      failed_renewals, alerts_available, open_alerts, wallets)


def _daily_volume(conn: sqlite3.Connection, span: Period, currency: str):
    """Per-day sums by type: SQL groups the summary's quarter hours into local
    days (each day an exact range of quarters), pandas fills the empty days."""
    import pandas as pd

    zone_days = span.days
    zone = ZoneInfo(span.timezone)
    edges = [_quarter(local_midnight(d, zone)) for d in [*zone_days, span.end_day]]
    bounds = [(d.isoformat(), lo, hi) for d, lo, hi in zip(zone_days, edges, edges[1:])]
    values = ", ".join("(?, ?, ?)" for _ in bounds)
    rows = conn.execute(
        f"WITH days (day, lo, hi) AS (VALUES {values})"
        " SELECT d.day, v.type, sum(v.count), sum(v.amount) FROM days d"
        " JOIN report_volume v ON v.quarter >= d.lo AND v.quarter < d.hi AND v.currency = ?"
        " GROUP BY d.day, v.type",
        (*[x for b in bounds for x in b], currency),
    ).fetchall()
    index = [d.isoformat() for d in zone_days]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["day", "type", "count", "amount"])
    frame = frame.astype({"count": "int64", "amount": "int64"})
    shaped = {}
    for column in ("amount", "count"):
        table = (frame.set_index(["day", "type"])[column].unstack("type", fill_value=0)
                 .reindex(index=index, columns=list(VOLUME_TYPES), fill_value=0))
        # Money stays integral: a float here would mean a silent NaN somewhere.
        if not all(pd.api.types.is_integer_dtype(t) for t in table.dtypes):
            raise TypeError(f"report {column}s lost their integer type: {table.dtypes.to_dict()}")
        shaped[column] = table
    amounts, counts = shaped["amount"], shaped["count"]
    # tolist() turns int64 cells into Python ints in one pass.
    volume = [
        DayVolume(day, dict(zip(VOLUME_TYPES, a)), dict(zip(VOLUME_TYPES, c)))
        for day, a, c in zip(zone_days, amounts.to_numpy().tolist(), counts.to_numpy().tolist())
    ]
    totals = {k: int(amounts[k].sum()) for k in VOLUME_TYPES}
    total_counts = {k: int(counts[k].sum()) for k in VOLUME_TYPES}
    return volume, totals, total_counts


def _quarter(instant: datetime) -> int:
    # Midnights fall on whole quarter hours, so this division is exact.
    return int(instant.timestamp()) // 900


def _open_alerts(conn: sqlite3.Connection) -> tuple[bool, dict[str, int]]:
    """Open alerts per rule, if the fraud feature's ``alerts`` table is there."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").fetchone()
    if not exists:
        return False, {}
    columns = {r[1] for r in conn.execute("PRAGMA table_info(alerts)")}
    if not {"rule", "status"} <= columns:
        return False, {}
    rows = conn.execute("SELECT rule, count(*) FROM alerts WHERE status = 'OPEN'"
                        " GROUP BY rule ORDER BY count(*) DESC, rule").fetchall()
    return True, {r[0]: r[1] for r in rows}


def _report_rows(report: Report) -> list[list]:
    cur = report.currency
    rows: list[list] = [
        ["timezone", report.period.timezone, "", "", "", ""],
        ["period", "first day", report.period.first_day.isoformat(), "", "", ""],
        ["period", "last day", report.period.last_day.isoformat(), "", "", ""],
    ]
    for day in report.volume:
        for kind in VOLUME_TYPES:
            rows.append(["volume", kind, day.day.isoformat(), day.counts[kind],
                         to_major_str(day.amounts[kind]), cur])
    for kind in VOLUME_TYPES:
        rows.append(["total", kind, "", report.total_counts[kind], to_major_str(report.totals[kind]), cur])
    rows.append(["subscriptions", "active", "", report.active_subscriptions, "", ""])
    rows += [["plan", p.name, "", p.active_subscribers, "", ""] for p in report.plans]
    rows.append(["renewals", "failed", "", report.failed_renewals, "", ""])
    rows += [["alert", rule, "", n, "", ""] for rule, n in report.open_alerts.items()]
    rows += [["wallet", w.email, "", "", to_major_str(w.balance), w.currency] for w in report.largest_wallets]
    return rows
