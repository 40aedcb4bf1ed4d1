"""plan create|edit|archive|delete|list, subscribe, subscription list|cancel|resume."""

from __future__ import annotations

import argparse

from ..money import format_amount
from ..services.subscription_views import PlanView, SubscriptionView
from .context import Context, Result, UsageError, parse_amount_arg


def register(subparsers, common) -> None:
    plan = subparsers.add_parser("plan", parents=[common], help="subscription plans")
    actions = plan.add_subparsers(dest="plan_command", required=True, metavar="ACTION")

    p = actions.add_parser("create", parents=[common], help="add a plan (admin)")
    _acting(p)
    p.add_argument("--name", required=True)
    p.add_argument("--price", required=True, help="price per period, e.g. 1,500.00")
    p.add_argument("--days", required=True, type=_days, help="period length in days")
    p.add_argument("--features", help='a JSON object, e.g. \'{"seats": 3}\'')
    p.add_argument("--currency", help="three-letter code (default: the database's currency)")
    p.add_argument("--inactive", action="store_true", help="create it closed to subscribers")
    p.set_defaults(func=cmd_plan_create)

    p = actions.add_parser("edit", parents=[common], help="change a plan (admin); a new price applies from the next renewal")
    _acting(p)
    p.add_argument("plan", metavar="NAME")
    p.add_argument("--rename", metavar="NEW_NAME")
    p.add_argument("--price")
    p.add_argument("--days", type=_days)
    p.add_argument("--features")
    flag = p.add_mutually_exclusive_group()
    flag.add_argument("--active", dest="active", action="store_const", const=True, default=None)
    flag.add_argument("--inactive", dest="active", action="store_const", const=False)
    p.set_defaults(func=cmd_plan_edit)

    p = actions.add_parser("archive", parents=[common], help="retire a plan (admin); live subscriptions keep renewing")
    _acting(p)
    p.add_argument("plan", metavar="NAME")
    p.set_defaults(func=cmd_plan_archive)

    p = actions.add_parser("delete", parents=[common], help="delete a plan nobody ever subscribed to (admin)")
    _acting(p)
    p.add_argument("plan", metavar="NAME")
    p.set_defaults(func=cmd_plan_delete)

    p = actions.add_parser("list", parents=[common], help="the plan catalogue")
    _acting(p)
    p.add_argument("--all", action="store_true", help="inactive and archived plans too (admin)")
    p.set_defaults(func=cmd_plan_list)

    p = subparsers.add_parser("subscribe", parents=[common], help="subscribe to a plan (charges the first period now)")
    _acting(p)
    p.add_argument("--plan", required=True)
    p.add_argument("--for", dest="for_", metavar="EMAIL", help="the customer (teller or admin)")
    p.set_defaults(func=cmd_subscribe)

    sub = subparsers.add_parser("subscription", parents=[common], help="list, cancel or resume subscriptions")
    actions = sub.add_subparsers(dest="subscription_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", parents=[common], help="your subscriptions, or every one with --all (admin)")
    _acting(p)
    p.add_argument("--for", dest="for_", metavar="EMAIL")
    p.add_argument("--all", action="store_true", help="every subscriber's (admin)")
    p.add_argument("--status", help="with --all: ACTIVE, SUSPENDED or EXPIRED")
    p.add_argument("--plan", help="with --all: one plan's subscriptions")
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_subscription_list)
    for name, func, text in (("cancel", cmd_subscription_cancel, "cancel at the end of the paid period"),
                             ("resume", cmd_subscription_resume, "undo a cancel before the period ends")):
        p = actions.add_parser(name, parents=[common], help=text)
        _acting(p)
        p.add_argument("--plan", required=True)
        p.add_argument("--for", dest="for_", metavar="EMAIL")
        p.set_defaults(func=func)


def _acting(parser) -> None:
    parser.add_argument("--as", dest="as_", metavar="EMAIL", help="the acting user (password: PAYFLOW_PASSWORD)")


def _days(text: str) -> int:
    if not text.strip().isdigit() or not text.strip().isascii():
        raise argparse.ArgumentTypeError(f"must be a whole number of days, not {text!r}")
    return int(text)


def _when(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else "-"


def plan_line(plan: PlanView) -> str:
    state = "archived" if plan.archived_at else ("active" if plan.active else "inactive")
    live = "" if plan.live_subscriptions is None else f", {plan.live_subscriptions} live"
    return f"{plan.name}: {format_amount(plan.price, plan.currency)} every {plan.duration_days} days ({state}{live})"


def subscription_line(sub: SubscriptionView) -> str:
    if sub.status == "EXPIRED":
        state = f"EXPIRED {_when(sub.ended_at)} ({(sub.end_reason or '').lower()})"
    elif sub.status == "SUSPENDED":
        state = f"SUSPENDED, unpaid since {_when(sub.next_renewal_at)}, grace until {_when(sub.grace_until)}"
    elif sub.cancel_at_period_end:
        state = f"ACTIVE, cancelled: ends {_when(sub.current_period_end)}"
    else:
        state = f"ACTIVE, renews {_when(sub.next_renewal_at)} at {sub.display_price}"
    return f"#{sub.id} {sub.user_email} {sub.plan_name}: {state}"


def cmd_plan_create(ctx: Context, args) -> Result:
    session = ctx.login(args.as_)
    pf = ctx.pf()
    plan = pf.create_plan(session, args.name, parse_amount_arg(ctx, args.price), args.days,
                          features=args.features, active=not args.inactive, currency=args.currency)
    return Result({"plan": plan.to_json()}, f"Created {plan_line(plan)}.")


def cmd_plan_edit(ctx: Context, args) -> Result:
    session = ctx.login(args.as_)
    price = parse_amount_arg(ctx, args.price) if args.price is not None else None
    plan = ctx.pf().edit_plan(session, args.plan, new_name=args.rename, price=price,
                              duration_days=args.days, features=args.features, active=args.active)
    return Result({"plan": plan.to_json()}, f"Updated {plan_line(plan)}.")


def cmd_plan_archive(ctx: Context, args) -> Result:
    plan = ctx.pf().archive_plan(ctx.login(args.as_), args.plan)
    return Result({"plan": plan.to_json()}, f"Archived {plan_line(plan)}.")


def cmd_plan_delete(ctx: Context, args) -> Result:
    ctx.pf().delete_plan(ctx.login(args.as_), args.plan)
    return Result({"deleted": args.plan.strip()}, f"Deleted plan {args.plan.strip()}.")


def cmd_plan_list(ctx: Context, args) -> Result:
    plans = ctx.pf().list_plans(ctx.login(args.as_), include_closed=args.all)
    text = "\n".join(plan_line(p) for p in plans) or "No plans."
    return Result({"plans": [p.to_json() for p in plans]}, text)


def cmd_subscribe(ctx: Context, args) -> Result:
    sub = ctx.pf().subscribe(ctx.login(args.as_), args.plan, for_email=args.for_)
    return Result({"subscription": sub.to_json()},
                  f"Subscribed {sub.user_email} to {sub.plan_name}: charged {sub.display_price};"
                  f" renews {_when(sub.next_renewal_at)}.")


def cmd_subscription_list(ctx: Context, args) -> Result:
    session = ctx.login(args.as_)
    pf = ctx.pf()
    if args.all:
        page = pf.list_subscriptions(session, status=args.status, plan=args.plan, email=args.for_,
                                     limit=args.limit)
        subs, more = page.items, page.next_cursor
    else:
        if args.status or args.plan:
            raise UsageError("--status and --plan filter the admin list: add --all.")
        subs, more = pf.my_subscriptions(session, for_email=args.for_), None
    text = "\n".join(subscription_line(s) for s in subs) or "No subscriptions."
    return Result({"subscriptions": [s.to_json() for s in subs], "next_cursor": more}, text)


def cmd_subscription_cancel(ctx: Context, args) -> Result:
    sub = ctx.pf().cancel_subscription(ctx.login(args.as_), args.plan, for_email=args.for_)
    return Result({"subscription": sub.to_json()}, f"Cancelled: {subscription_line(sub)}.")


def cmd_subscription_resume(ctx: Context, args) -> Result:
    sub = ctx.pf().resume_subscription(ctx.login(args.as_), args.plan, for_email=args.for_)
    return Result({"subscription": sub.to_json()}, f"Resumed: {subscription_line(sub)}.")
