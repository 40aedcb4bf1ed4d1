"""report; export transactions; export report."""

from __future__ import annotations

import sys
from pathlib import Path

from ..money import format_amount
from ..services import errors as E
from ..services.queries import TX_STATUSES, TX_TYPES
from ..services.report_views import PLURAL, VOLUME_TYPES, ExportResult, Report
from .context import Context, Result

_PERIODS = ("today", "week", "month")


def register(subparsers, common) -> None:
    p = subparsers.add_parser("report", parents=[common], help="deposits, volumes, subscriptions, alerts, wallets")
    _period_args(p)
    p.set_defaults(func=cmd_report)

    export = subparsers.add_parser("export", parents=[common], help="write transactions or a report as CSV, or the report as a PDF")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    p = export_sub.add_parser("transactions", parents=[common], help="transactions as CSV (streamed)")
    p.add_argument("--as", dest="as_", metavar="EMAIL", help="acting admin")
    p.add_argument("--out", metavar="FILE.csv",
                   help="output file (default: exports/transactions-<time>.csv beside the database)")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day included (local time)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="first day NOT included (local time)")
    p.add_argument("--type", type=str.upper, choices=TX_TYPES, help="only this type")
    p.add_argument("--status", type=str.upper, choices=TX_STATUSES, help="only this status")
    p.set_defaults(func=cmd_export_transactions)

    p = export_sub.add_parser("report", parents=[common], help="the report as CSV, or its summary as a PDF")
    p.add_argument("--out", metavar="FILE.csv|FILE.pdf",
                   help="output file (default: exports/report-<time>.csv or .pdf beside the database)")
    p.add_argument("--format", choices=("csv", "pdf"), type=str.lower,
                   help="csv: every figure as one table; pdf: a one-page summary with a chart"
                        " (default: from the --out file's name, else csv)")
    _period_args(p)
    p.set_defaults(func=cmd_export_report)


def _period_args(p) -> None:
    p.add_argument("--as", dest="as_", metavar="EMAIL", help="acting admin")
    p.add_argument("--period", choices=_PERIODS, help="this day, week (from Monday) or month")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day included (local time)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="first day NOT included (local time)")
    p.add_argument("--currency", metavar="CODE", help="currency of the amounts (default: the configured one)")


def _period_kwargs(args) -> dict:
    return {"period": args.period, "date_from": args.date_from, "date_to": args.date_to,
            "currency": args.currency}


def cmd_report(ctx: Context, args) -> Result:
    session = ctx.login(args.as_)
    report = ctx.pf().report(session, **_period_kwargs(args))
    return Result({"report": report.to_json()}, report_text(report))


def cmd_export_transactions(ctx: Context, args) -> Result:
    session = ctx.login(args.as_)
    pf = ctx.pf()
    out = args.out or pf.default_export_path("transactions")
    show = _progress_printer() if not ctx.json and sys.stderr.isatty() else None
    result = pf.export_transactions(session, out, args.date_from, args.date_to, args.type, args.status,
                                    progress=show)
    if show:
        print(file=sys.stderr)
    return _export_result(result, "transactions")


def cmd_export_report(ctx: Context, args) -> Result:
    session = ctx.login(args.as_)
    pf = ctx.pf()
    named = Path(args.out).suffix.lower().lstrip(".") if args.out else None
    if args.format and named in ("csv", "pdf") and named != args.format:
        raise E.InvalidInput(f"--out {args.out} names a {named.upper()} file but --format is {args.format};"
                             " give one or make them agree.")
    fmt = args.format or ("pdf" if named == "pdf" else "csv")
    out = args.out or pf.default_export_path("report", suffix=fmt)
    if fmt == "pdf":
        result = pf.export_report_pdf(session, out, **_period_kwargs(args))
        return Result({"export": result.to_json()}, f"Wrote the report summary (one page) to {result.path}.")
    return _export_result(pf.export_report(session, out, **_period_kwargs(args)), "report rows")


def _export_result(result: ExportResult, what: str) -> Result:
    return Result({"export": result.to_json()}, f"Wrote {result.rows:,} {what} to {result.path}.")


def _progress_printer():
    def show(done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        print(f"\rExporting: {done:,} of {total:,} rows ({percent}%)", end="", file=sys.stderr, flush=True)

    return show


def report_text(report: Report) -> str:
    """The report as plain text for a terminal."""
    cur = report.currency
    money = lambda minor: format_amount(minor, cur)  # noqa: E731
    span = report.period
    title = {"today": "today", "week": "this week", "month": "this month"}.get(span.name, "the period")
    lines = [f"Report for {title}, {span.label} ({span.timezone}), amounts in {cur}", ""]
    for kind in VOLUME_TYPES:
        label = "Confirmed deposits" if kind == "DEPOSIT" else PLURAL[kind].capitalize()
        lines.append(f"{label + ':':<21}{money(report.totals[kind]):>20}  ({report.total_counts[kind]:,})")
    lines += ["", f"{'Date':<12}" + "".join(f"{PLURAL[k].capitalize():>20}" for k in VOLUME_TYPES)]
    for day in report.volume:
        lines.append(f"{day.day.isoformat():<12}" + "".join(f"{money(day.amounts[k]):>20}" for k in VOLUME_TYPES))
    popular = report.popular_plan
    lines += [
        "",
        f"Active subscriptions: {report.active_subscriptions:,}"
        + (f" (most popular plan: {popular.name}, {popular.active_subscribers:,})" if popular else ""),
        f"Failed renewals in the period: {report.failed_renewals:,}",
    ]
    if not report.alerts_available:
        lines.append("Open alerts: (no alerts recorded in this database)")
    elif not report.open_alerts:
        lines.append("Open alerts: none")
    else:
        lines.append("Open alerts: " + ", ".join(f"{rule} {n:,}" for rule, n in report.open_alerts.items()))
    lines += ["", "Largest wallets:"]
    if not report.largest_wallets:
        lines.append("  (none)")
    for rank, w in enumerate(report.largest_wallets, 1):
        lines.append(f"  {rank:>2}. {w.email:<32} {w.name:<24} {format_amount(w.balance, w.currency):>20}")
    return "\n".join(lines)
