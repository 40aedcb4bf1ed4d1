"""alerts list|show|ack|resolve, rules list|set, audit list: the fraud desk from a shell."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..money import format_amount
from ..services.fraud_views import AlertView, RuleView
from ..services.rule_defs import RULES, money_to_json
from .context import Context, Result, UsageError


def register(subparsers, common) -> None:
    acting = _Acting(common)

    alerts = subparsers.add_parser("alerts", parents=[common], help="fraud alerts (admin)")
    sub = alerts.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    p = acting.parser(sub, "list", "the alert queue: severity first, then oldest first")
    p.add_argument("--status", help="OPEN, ACKNOWLEDGED, RESOLVED or ALL (default: not resolved)")
    p.add_argument("--severity", help="CRITICAL, HIGH, MEDIUM or LOW")
    p.add_argument("--rule", help="a rule code, e.g. DAILY_TRANSFER_OUT")
    p.add_argument("--user", help="alerts about this user (email)")
    _date_range(p)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--after", type=int, help="continue after this cursor (from the previous page)")
    p.set_defaults(func=cmd_alerts_list)
    p = acting.parser(sub, "show", "one alert with the transactions it is about")
    p.add_argument("alert_id", type=int)
    p.set_defaults(func=cmd_alerts_show)
    p = acting.parser(sub, "ack", "acknowledge an open alert")
    p.add_argument("alert_id", type=int)
    p.set_defaults(func=cmd_alerts_ack)
    p = acting.parser(sub, "resolve", "resolve an alert with a note")
    p.add_argument("alert_id", type=int)
    p.add_argument("--note", required=True, help="what was found or done")
    p.set_defaults(func=cmd_alerts_resolve)

    rules = subparsers.add_parser("rules", parents=[common], help="fraud rules (admin)")
    sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    acting.parser(sub, "list", "every rule with its parameters").set_defaults(func=cmd_rules_list)
    p = acting.parser(sub, "set", "change a rule (audited)")
    p.add_argument("code", help="the rule's code, e.g. DAILY_TRANSFER_OUT")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--enable", dest="enabled", action="store_const", const=True, default=None)
    state.add_argument("--disable", dest="enabled", action="store_const", const=False)
    p.add_argument("--action", help="LOCK_USER, ALERT, BLOCK or FREEZE (as the rule allows)")
    p.add_argument("--severity", help="CRITICAL, HIGH, MEDIUM or LOW")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="amounts in naira (150000 or 150,000.00), 'none' to clear; repeatable")
    p.set_defaults(func=cmd_rules_set)

    audit = subparsers.add_parser("audit", parents=[common], help="the audit trail (admin)")
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    p = acting.parser(sub, "list", "audit entries, newest first")
    p.add_argument("--actor", help="who acted (email)")
    p.add_argument("--subject", help="whom it was done to (email)")
    p.add_argument("--action", dest="event", help="an event type, e.g. WALLET_FROZEN")
    _date_range(p)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--before", type=int, help="continue before this entry id (from the previous page)")
    p.set_defaults(func=cmd_audit_list)


class _Acting:
    def __init__(self, common) -> None:
        self.common = common

    def parser(self, sub, name: str, help_text: str):
        p = sub.add_parser(name, parents=[self.common], help=help_text)
        p.add_argument("--as", dest="as_", metavar="EMAIL", help="the acting admin (password: PAYFLOW_PASSWORD)")
        return p


def _date_range(p) -> None:
    p.add_argument("--from", dest="date_from", metavar="WHEN",
                   help="from this date (YYYY-MM-DD, the bank's time zone) or ISO time")
    p.add_argument("--to", dest="date_to", metavar="WHEN",
                   help="up to and including this date, or before this ISO time")


def _when(ctx: Context, text: str | None, *, end: bool) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            start, stop = ctx.pf().day_bounds(date.fromisoformat(text))
            return stop if end else start
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(ctx.pf().timezone_name()))
    return moment


# -- alerts ----------------------------------------------------------------------------------

def _alert_line(a: AlertView) -> str:
    who = a.user_email or "-"
    return (f"#{a.id:<5} {a.severity:<8} {a.status:<12} {a.created_at:%Y-%m-%d %H:%M}  {a.rule:<28}"
            f" {who:<24} {a.summary}")


def cmd_alerts_list(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(args.as_)
    page = pf.list_alerts(session, status=args.status, severity=args.severity, rule=args.rule,
                          email=args.user, date_from=_when(ctx, args.date_from, end=False),
                          date_to=_when(ctx, args.date_to, end=True), limit=args.limit, after=args.after)
    lines = [_alert_line(a) for a in page.items] or ["No alerts."]
    if page.has_more:
        lines.append(f"More: --after {page.next_cursor}")
    return Result({"alerts": [a.to_json() for a in page.items], "next_cursor": page.next_cursor},
                  "\n".join(lines))


def cmd_alerts_show(ctx: Context, args) -> Result:
    detail = ctx.pf().get_alert(ctx.login(args.as_), args.alert_id)
    a = detail.alert
    lines = [_alert_line(a), f"  {a.rule_title}"]
    for key, value in money_to_json(a.details).items():
        lines.append(f"  {key}: {value}")
    if a.acknowledged_by:
        lines.append(f"  acknowledged by {a.acknowledged_by} at {a.acknowledged_at:%Y-%m-%d %H:%M}")
    if a.resolved_by:
        lines.append(f"  resolved by {a.resolved_by} at {a.resolved_at:%Y-%m-%d %H:%M}: {a.resolution_note}")
    lines.append(f"  transactions ({len(detail.transactions)}):")
    for t in detail.transactions:
        lines.append(f"    {t.reference:<18} {t.type:<10} {t.direction:<6} {t.status:<8}"
                     f" {format_amount(t.amount, t.currency):>16}  {t.owner_email}"
                     + (f" -> {t.counterparty_email}" if t.counterparty_email else ""))
    return Result(detail.to_json(), "\n".join(lines))


def cmd_alerts_ack(ctx: Context, args) -> Result:
    a = ctx.pf().acknowledge_alert(ctx.login(args.as_), args.alert_id)
    return Result({"alert": a.to_json()}, f"Alert {a.id} acknowledged.")


def cmd_alerts_resolve(ctx: Context, args) -> Result:
    a = ctx.pf().resolve_alert(ctx.login(args.as_), args.alert_id, args.note)
    return Result({"alert": a.to_json()}, f"Alert {a.id} resolved.")


# -- rules -----------------------------------------------------------------------------------

def _rule_text(r: RuleView) -> str:
    state = "on " if r.enabled else "off"
    return f"{r.code:<28} {state} {r.action:<9} {r.severity:<8} {r.description}"


def cmd_rules_list(ctx: Context, args) -> Result:
    rules = ctx.pf().list_rules(ctx.login(args.as_))
    return Result({"rules": [r.to_json() for r in rules]}, "\n".join(_rule_text(r) for r in rules))


def cmd_rules_set(ctx: Context, args) -> Result:
    pf = ctx.pf()
    params = _params(ctx, args.code, args.param)
    rule = pf.set_rule(ctx.login(args.as_), args.code, enabled=args.enabled, action=args.action,
                       severity=args.severity, params=params or None)
    return Result({"rule": rule.to_json()}, "Changed: " + _rule_text(rule))


def _params(ctx: Context, code: str, pairs: list[str]) -> dict:
    """NAME=VALUE pairs typed as the rule's parameters expect (amounts in naira)."""
    specs = RULES.get((code or "").strip().upper())
    params: dict = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name:
            raise UsageError(f"--param {pair!r} is not NAME=VALUE.")
        spec = specs.params.get(name) if specs else None
        if spec is None or spec.kind == "day":
            params[name] = text  # the service names what is wrong with it
        elif text.lower() in ("none", "off", "null"):
            params[name] = None
        elif spec.kind == "money":
            params[name] = ctx.pf().parse_amount(text)
        elif text.isascii() and text.isdigit():
            params[name] = int(text)
        else:
            raise UsageError(f"--param {name} must be a whole number of {spec.kind}, not {text!r}.")
    return params


# -- audit -----------------------------------------------------------------------------------

def cmd_audit_list(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(args.as_)
    page = pf.audit_entries(session, limit=args.limit, before_id=args.before, actor_email=args.actor,
                            subject_email=args.subject, action=args.event,
                            date_from=_when(ctx, args.date_from, end=False),
                            date_to=_when(ctx, args.date_to, end=True))
    rows = [{**e, "at": e["at"].isoformat(), "details": money_to_json(e["details"])} for e in page.items]
    lines = [f"{e['id']:>6} {e['at'][:19]}  {e['action']:<20} {e['actor'] or 'system':<22}"
             f" {e['subject'] or '-':<22} {_details_text(e['details'])}" for e in rows] or ["No entries."]
    if page.has_more:
        lines.append(f"More: --before {page.next_cursor}")
    return Result({"entries": rows, "next_cursor": page.next_cursor}, "\n".join(lines))


def _details_text(details: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in details.items())
