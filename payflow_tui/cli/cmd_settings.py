"""settings list | set KEY VALUE (ADMIN): the bank's settings, as on the app's Settings screen."""

from __future__ import annotations

from .context import Context, Result, actor_of, add_actor
from .tables import table


def register(subparsers, common) -> None:
    settings = subparsers.add_parser("settings", parents=[common], help="the bank's settings (ADMIN)")
    sub = settings.add_subparsers(dest="settings_command", required=True, metavar="ACTION")

    p = sub.add_parser("list", parents=[common], help="every setting an admin may change, with its value")
    add_actor(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("set", parents=[common], help="change one setting (audited)")
    add_actor(p)
    p.add_argument("key", metavar="KEY", help="a key from `payflow settings list`")
    p.add_argument("value", metavar="VALUE", help="the new value, as `settings list` shows values")
    p.set_defaults(func=cmd_set)


def cmd_list(ctx: Context, args) -> Result:
    pf = ctx.pf()
    values = pf.get_settings(ctx.login(actor_of(args)))
    rows = [(key, values.get(key, "")) for key in pf.editable_settings()]
    return Result({"settings": [{"key": k, "value": v} for k, v in rows]},
                  table(("KEY", "VALUE"), rows))


def cmd_set(ctx: Context, args) -> Result:
    key, value = args.key.strip(), args.value.strip()  # as the service stores them
    old = ctx.pf().set_setting(ctx.login(actor_of(args)), key, value)
    return Result({"key": key, "old": old, "value": value}, f"{key}: {old} -> {value}.")
