"""2fa, webhook, notifications."""

from __future__ import annotations

from ..clock import to_iso
from .context import Context, Result, UsageError


def register(subparsers, common) -> None:
    def acting(parser, required: bool = True):
        parser.add_argument("--as", dest="as_", metavar="EMAIL", required=required, help="the acting user")
        return parser

    tfa = subparsers.add_parser("2fa", parents=[common], help="two-factor authentication (TOTP)")
    tfa_sub = tfa.add_subparsers(dest="tfa_command", required=True, metavar="ACTION")
    acting(tfa_sub.add_parser("enrol", parents=[common], help="start enrolling: prints the QR code and secret")
           ).set_defaults(func=cmd_2fa_enrol)
    p = acting(tfa_sub.add_parser("confirm", parents=[common], help="finish enrolling with a code from the app"))
    p.add_argument("--code", required=True)
    p.set_defaults(func=cmd_2fa_confirm)
    p = acting(tfa_sub.add_parser("disable", parents=[common], help="turn two-factor off (a code or recovery code)"))
    p.add_argument("--code", required=True)
    p.set_defaults(func=cmd_2fa_disable)
    acting(tfa_sub.add_parser("status", parents=[common], help="whether two-factor is on")
           ).set_defaults(func=cmd_2fa_status)
    p = acting(tfa_sub.add_parser("reset", parents=[common], help="remove a user's enrolment (admin)"))
    p.add_argument("--email", required=True)
    p.set_defaults(func=cmd_2fa_reset)

    hook = subparsers.add_parser("webhook", parents=[common], help="webhook endpoints and deliveries (admin)")
    hook_sub = hook.add_subparsers(dest="webhook_command", required=True, metavar="ACTION")
    p = acting(hook_sub.add_parser("add", parents=[common], help="register an endpoint"))
    p.add_argument("--url", required=True)
    p.add_argument("--secret", help="signing secret (generated when left out)")
    p.add_argument("--events", help="comma-separated event types (every type when left out)")
    p.add_argument("--description")
    p.set_defaults(func=cmd_webhook_add)
    p = acting(hook_sub.add_parser("list", parents=[common], help="registered endpoints"))
    p.add_argument("--all", action="store_true", help="include removed endpoints")
    p.set_defaults(func=cmd_webhook_list)
    p = acting(hook_sub.add_parser("remove", parents=[common], help="stop sending to an endpoint"))
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_webhook_remove)
    p = acting(hook_sub.add_parser("deliveries", parents=[common], help="the delivery log, newest first"))
    p.add_argument("--endpoint", type=int)
    p.add_argument("--status", help="PENDING, DELIVERED, DEAD or CANCELLED")
    p.add_argument("--event", help="an event id (evt_...)")
    p.add_argument("--email", action="store_true", help="notification emails instead of webhooks")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_webhook_deliveries)
    p = acting(hook_sub.add_parser("attempts", parents=[common], help="every attempt of one delivery"))
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_webhook_attempts)
    p = acting(hook_sub.add_parser("redeliver", parents=[common], help="send a delivery again now"))
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_webhook_redeliver)
    p = hook_sub.add_parser("deliver", parents=[common], help="run one delivery pass now (for cron)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_webhook_deliver)

    p = acting(subparsers.add_parser("notifications", parents=[common], help="your notifications"))
    p.add_argument("--unread", action="store_true", help="only unread ones")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--mark-read", action="store_true", help="mark them all read afterwards")
    p.set_defaults(func=cmd_notifications)


# -- 2fa -------------------------------------------------------------------------------------

def cmd_2fa_enrol(ctx: Context, args) -> Result:
    enrolment = ctx.pf().begin_2fa_enrolment(ctx.login(args.as_))
    text = (f"Scan this with your authenticator app:\n\n{enrolment.qr}\n"
            f"Or type the secret: {enrolment.secret}\n\n"
            f"Then finish with: payflow 2fa confirm --as {args.as_} --code CODE")
    return Result({"enrolment": enrolment.to_json()}, text)


def cmd_2fa_confirm(ctx: Context, args) -> Result:
    codes = ctx.pf().confirm_2fa_enrolment(ctx.login(args.as_), args.code)
    text = ("Two-factor authentication is on. Recovery codes (shown once; keep them safe,"
            " each works once):\n  " + "\n  ".join(codes))
    return Result({"enabled": True, "recovery_codes": codes}, text)


def cmd_2fa_disable(ctx: Context, args) -> Result:
    ctx.pf().disable_2fa(ctx.login(args.as_), args.code)
    return Result({"enabled": False}, "Two-factor authentication is off.")


def cmd_2fa_status(ctx: Context, args) -> Result:
    status = ctx.pf().two_factor_status(ctx.login(args.as_))
    from ..money import to_major_str

    data = {**status, "step_up_threshold": to_major_str(status["step_up_threshold"])}
    return Result({"two_factor": data}, status["message"])


def cmd_2fa_reset(ctx: Context, args) -> Result:
    ctx.pf().reset_2fa(ctx.login(args.as_), args.email)
    return Result({"reset": args.email}, f"Removed {args.email}'s two-factor enrolment.")


# -- webhooks --------------------------------------------------------------------------------

def _endpoint_line(e) -> str:
    types = ",".join(e.event_types) or "every event"
    state = f"removed {e.removed_at:%Y-%m-%d}" if e.removed_at else (
        f"{e.pending} pending, {e.delivered} delivered, {e.dead} dead")
    return f"#{e.id}  {e.url}  [{types}]  secret {e.secret_hint}  ({state})"


def cmd_webhook_add(ctx: Context, args) -> Result:
    endpoint, secret = ctx.pf().add_webhook(ctx.login(args.as_), args.url, args.secret,
                                             args.events, args.description)
    text = f"Added webhook {_endpoint_line(endpoint)}"
    if args.secret is None:
        text += f"\nSigning secret (shown once): {secret}"
    return Result({"webhook": endpoint.to_json(), "secret": secret}, text)


def cmd_webhook_list(ctx: Context, args) -> Result:
    endpoints = ctx.pf().webhooks(ctx.login(args.as_), include_removed=args.all)
    text = "\n".join(_endpoint_line(e) for e in endpoints) or "No webhooks."
    return Result({"webhooks": [e.to_json() for e in endpoints]}, text)


def cmd_webhook_remove(ctx: Context, args) -> Result:
    endpoint = ctx.pf().remove_webhook(ctx.login(args.as_), args.id)
    return Result({"webhook": endpoint.to_json()}, f"Removed webhook #{endpoint.id} ({endpoint.url}).")


def _delivery_line(d) -> str:
    when = {"PENDING": f"next {d.next_attempt_at:%Y-%m-%d %H:%M}" if d.next_attempt_at else "",
            "DELIVERED": f"at {d.delivered_at:%Y-%m-%d %H:%M}" if d.delivered_at else ""}.get(d.status, "")
    last = f"  last: {d.last_error}" if d.last_error and d.status != "DELIVERED" else ""
    return (f"#{d.id}  {d.status:<9}  {d.event_type:<20}  {d.event_id}  -> {d.destination}"
            f"  attempts {d.attempts}  {when}{last}")


def cmd_webhook_deliveries(ctx: Context, args) -> Result:
    page = ctx.pf().webhook_deliveries(ctx.login(args.as_), endpoint_id=args.endpoint, status=args.status,
                                       event_id=args.event, channel="EMAIL" if args.email else "WEBHOOK",
                                       limit=_limit(args.limit))
    text = "\n".join(_delivery_line(d) for d in page.items) or "No deliveries."
    return Result({"deliveries": [d.to_json() for d in page.items], "next_cursor": page.next_cursor}, text)


def cmd_webhook_attempts(ctx: Context, args) -> Result:
    attempts = ctx.pf().delivery_attempts(ctx.login(args.as_), args.id)
    rows = [{**a, "at": a["at"].isoformat()} for a in attempts]
    text = "\n".join(f"{to_iso(a['at'])[:19]}  {a['outcome']:<9}  {a['status_code'] or '-'}  {a['error'] or ''}"
                     for a in attempts) or "No attempts yet."
    return Result({"attempts": rows}, text)


def cmd_webhook_redeliver(ctx: Context, args) -> Result:
    d = ctx.pf().redeliver(ctx.login(args.as_), args.id)
    return Result({"delivery": d.to_json()}, f"Delivery #{d.id} ({d.event_id}) will be sent on the next pass.")


def cmd_webhook_deliver(ctx: Context, args) -> Result:
    counts = ctx.pf().deliver_due_webhooks(limit=_limit(args.limit))
    text = ", ".join(f"{v} {k}" for k, v in counts.items())
    return Result({"delivery_pass": counts}, f"Delivery pass: {text}.")


# -- notifications -----------------------------------------------------------------------------

def cmd_notifications(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(args.as_)
    page = pf.notifications(session, limit=_limit(args.limit, 500), unread_only=args.unread)
    lines = [f"{'  ' if n.read else '* '}{n.created_at:%Y-%m-%d %H:%M}  {n.text}" for n in page.items]
    data = {"notifications": [n.to_json() for n in page.items], "unread": pf.unread_notifications(session)}
    if args.mark_read:
        data["marked_read"] = pf.mark_notifications_read(session, [n.id for n in page.items])
    return Result(data, "\n".join(lines) or "No notifications.")


def _limit(value: int, ceiling: int = 1000) -> int:
    if not 1 <= value <= ceiling:
        raise UsageError(f"--limit must be from 1 to {ceiling}.")
    return value
