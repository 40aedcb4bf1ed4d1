"""init, admin create, register."""

from __future__ import annotations

from ..services.views import UserView
from .context import Context, Result, read_secret, require_text


def register(subparsers, common) -> None:
    p = subparsers.add_parser("init", parents=[common], help="create or migrate the database")
    p.add_argument("--sandbox", action="store_true", help="a sandbox with a movable clock")
    p.set_defaults(func=cmd_init)

    admin = subparsers.add_parser("admin", parents=[common], help="bootstrap the first admin")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    p = admin_sub.add_parser("create", parents=[common], help="create the first admin (PAYFLOW_PASSWORD)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_admin_create)

    p = subparsers.add_parser("register", parents=[common],
                              help="open your own account holder's account (PAYFLOW_PASSWORD)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_register)


def cmd_init(ctx: Context, args) -> Result:
    pf = ctx.pf(sandbox=bool(args.sandbox), create=True)
    kind = "sandbox" if pf.is_sandbox() else "database"
    return Result({"db": ctx.db_path, "sandbox": pf.is_sandbox()}, f"Initialised {kind} at {ctx.db_path}.")


def user_result(user: UserView, verb: str) -> Result:
    return Result({"user": user.to_json()}, f"{verb} {user.role.lower()} {user.email} ({user.name}).")


def cmd_admin_create(ctx: Context, args) -> Result:
    pf = ctx.pf()
    require_text(args.email, "--email")
    require_text(args.name, "--name")
    password = read_secret("PAYFLOW_PASSWORD", "New admin's password: ", confirm=True)
    return user_result(pf.create_first_admin(args.email, args.name, password), "Created")


def cmd_register(ctx: Context, args) -> Result:
    pf = ctx.pf()
    require_text(args.email, "--email")
    require_text(args.name, "--name")
    password = read_secret("PAYFLOW_PASSWORD", "Choose a password (10 characters or more): ", confirm=True)
    return user_result(pf.register(args.email, args.name, password), "Registered")
