"""user add | list | freeze | unfreeze | unlock | disable | enable | role (staff work on accounts)."""

from __future__ import annotations

import argparse

from ..money import format_amount
from ..services.views import WalletView
from .cmd_setup import user_result
from .context import Context, Result, actor_of, add_actor, positive_int, read_secret, require_text
from .tables import plural, table, when, zone_label

ROLES = ("ADMIN", "TELLER", "USER")
STATUSES = ("ACTIVE", "LOCKED", "DISABLED")


def _upper_choice(choices):
    def parse(text: str) -> str:
        value = (text or "").strip().upper()
        if value not in choices:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(choices)}")
        return value

    parse.__name__ = "choice"
    return parse


def register(subparsers, common) -> None:
    user = subparsers.add_parser("user", parents=[common], help="manage users (staff)")
    sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    p = sub.add_parser("add", parents=[common], help="create a user (ADMIN; password from PAYFLOW_NEW_PASSWORD)")
    add_actor(p)
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--role", type=_upper_choice(ROLES), default="USER", help="ADMIN, TELLER or USER (default)")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", parents=[common], help="list users with balances (ADMIN; TELLER sees account holders)")
    add_actor(p)
    p.add_argument("--search", help="part of an email or name")
    p.add_argument("--role", type=_upper_choice(ROLES))
    p.add_argument("--status", type=_upper_choice(STATUSES))
    p.add_argument("--limit", type=positive_int(10_000), default=100, help="rows per page (default 100)")
    p.add_argument("--after", type=positive_int(2**62), metavar="ID", help="continue after this user id")
    p.set_defaults(func=cmd_list)

    for name, func, doc, reason_required in (
        ("freeze", cmd_freeze, "freeze a wallet (ADMIN; --reason required)", True),
        ("unfreeze", cmd_unfreeze, "lift a wallet's freeze (ADMIN)", False),
        ("unlock", cmd_unlock, "unlock a locked user (ADMIN)", False),
        ("disable", cmd_disable, "disable a user (ADMIN)", False),
        ("enable", cmd_enable, "re-enable a disabled user (ADMIN)", False),
    ):
        p = sub.add_parser(name, parents=[common], help=doc)
        add_actor(p)
        p.add_argument("--email", required=True, help="the user acted on")
        if name != "enable":
            p.add_argument("--reason", required=reason_required, help="recorded in the audit log")
        p.set_defaults(func=func)

    p = sub.add_parser("role", parents=[common], help="change a user's role (ADMIN)")
    add_actor(p)
    p.add_argument("--email", required=True)
    p.add_argument("--role", required=True, type=_upper_choice(ROLES))
    p.set_defaults(func=cmd_role)


def cmd_add(ctx: Context, args) -> Result:
    pf = ctx.pf()
    require_text(args.email, "--email")
    require_text(args.name, "--name")
    session = ctx.login(actor_of(args))
    password = read_secret("PAYFLOW_NEW_PASSWORD", f"Password for {args.email.strip()}: ", confirm=True)
    return user_result(pf.create_user(session, args.email, args.name, password, args.role), "Created")


def cmd_list(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    page = pf.list_users(session, search=args.search, role=args.role, status=args.status,
                         limit=args.limit, after_id=args.after)
    data = {"users": [u.to_json() for u in page.items], "next_cursor": page.next_cursor}
    zone = ctx.zone()
    rows = [
        (u.id, u.email, u.name, u.role, u.status + (" (frozen)" if u.frozen else ""),
         format_amount(u.balance) if u.balance is not None else "", when(u.created_at, zone))
        for u in page.items
    ]
    text = table(("ID", "EMAIL", "NAME", "ROLE", "STATUS", "BALANCE", f"CREATED ({zone_label(zone)})"), rows,
                 right=(0, 5))
    text += f"\n{plural(len(page.items), 'user')}"
    if page.next_cursor is not None:
        text += f"; more with --after {page.next_cursor}"
    return Result(data, text)


def _wallet_result(wallet: WalletView, verb: str) -> Result:
    text = f"{verb} the wallet of {wallet.owner_email} (balance {wallet.display_balance})."
    if wallet.frozen:
        text += f"\nReason: {wallet.frozen_reason}"
    return Result({"wallet": wallet.to_json()}, text)


def cmd_freeze(ctx: Context, args) -> Result:
    pf = ctx.pf()
    reason = require_text(args.reason, "--reason")
    session = ctx.login(actor_of(args))
    return _wallet_result(pf.freeze_wallet(session, args.email, reason), "Froze")


def cmd_unfreeze(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    return _wallet_result(pf.unfreeze_wallet(session, args.email, args.reason), "Unfroze")


def cmd_unlock(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    return user_result(pf.unlock_user(session, args.email, args.reason), "Unlocked")


def cmd_disable(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    return user_result(pf.disable_user(session, args.email, args.reason), "Disabled")


def cmd_enable(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    return user_result(pf.enable_user(session, args.email), "Enabled")


def cmd_role(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    user = pf.change_role(session, args.email, args.role)
    return Result({"user": user.to_json()}, f"{user.email} is now {user.role}.")

