"""deposit (and confirm / reject), withdraw, transfer (one, or a CSV batch), balance, history."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..money import format_amount, to_major_str
from ..services.views import TransactionView, TransferResult
from .context import Context, Result, UsageError, actor_of, add_actor, positive_int, require_text
from .tables import plural, table, when, zone_label

S = argparse.SUPPRESS
MAX_BATCH_BYTES = 5 * 1024 * 1024
TX_TYPES = ("DEPOSIT", "WITHDRAWAL", "TRANSFER", "SUBSCRIPTION")
TX_STATUSES = ("PENDING", "SUCCESS", "FAILED")


def register(subparsers, common) -> None:
    # Options default to SUPPRESS so `deposit confirm` can sit below `deposit` without
    # the nested parser's defaults erasing what was typed before the action word.
    p = subparsers.add_parser("deposit", parents=[common],
                              help="request a deposit; `deposit confirm|reject REF` (TELLER, ADMIN)")
    add_actor(p)
    p.add_argument("--for", dest="for_", metavar="EMAIL", default=S, help="the account holder (staff)")
    p.add_argument("--amount", default=S, help="for example 1,500.00")
    p.add_argument("--key", default=S, help="idempotency key: a retry with it deposits once")
    p.add_argument("--memo", default=S)
    p.set_defaults(func=cmd_deposit)
    actions = p.add_subparsers(dest="deposit_command", metavar="[confirm|reject]")
    c = actions.add_parser("confirm", parents=[common], help="confirm a pending deposit (TELLER, ADMIN)")
    c.add_argument("reference")
    add_actor(c)
    c.set_defaults(func=cmd_deposit_confirm)
    r = actions.add_parser("reject", parents=[common], help="reject a pending deposit (TELLER, ADMIN)")
    r.add_argument("reference")
    add_actor(r)
    r.add_argument("--reason", default=S, help="required; shown to the customer")
    r.set_defaults(func=cmd_deposit_reject)

    p = subparsers.add_parser("withdraw", parents=[common], help="pay cash out of a wallet")
    add_actor(p)
    p.add_argument("--for", dest="for_", metavar="EMAIL", help="the account holder (staff)")
    p.add_argument("--amount")
    p.add_argument("--key")
    p.add_argument("--memo")
    p.add_argument("--otp", metavar="CODE", help="two-factor code, for amounts at or above the step-up threshold")
    p.set_defaults(func=cmd_withdraw)

    p = subparsers.add_parser("transfer", parents=[common], help="send money by email, or a CSV batch")
    add_actor(p)
    p.add_argument("--to", metavar="EMAIL")
    p.add_argument("--amount")
    p.add_argument("--key")
    p.add_argument("--memo")
    p.add_argument("--otp", metavar="CODE", help="two-factor code, for amounts at or above the step-up threshold")
    p.add_argument("--batch", metavar="FILE.csv", help="columns email, amount, reference; one transfer per row")
    p.set_defaults(func=cmd_transfer)

    p = subparsers.add_parser("balance", parents=[common], help="a wallet's balance")
    add_actor(p)
    p.add_argument("--for", dest="for_", metavar="EMAIL")
    p.set_defaults(func=cmd_balance)

    p = subparsers.add_parser("history", parents=[common], help="a wallet's transactions, newest first")
    add_actor(p)
    p.add_argument("--for", dest="for_", metavar="EMAIL")
    p.add_argument("--limit", type=positive_int(10_000), default=20, help="rows (default 20)")
    p.add_argument("--before", type=positive_int(2**62), metavar="ID", help="continue before this row id")
    p.add_argument("--type", type=str.upper, choices=TX_TYPES)
    p.add_argument("--status", type=str.upper, choices=TX_STATUSES)
    p.set_defaults(func=cmd_history)


# -- deposits ----------------------------------------------------------------------------

def _tx_line(tx: TransactionView) -> str:
    return f"{tx.type.title()} {tx.reference}: {tx.display_amount} for {tx.owner_email}, {tx.status}."


def cmd_deposit(ctx: Context, args) -> Result:
    pf = ctx.pf()
    amount = ctx.amount(getattr(args, "amount", None))
    session = ctx.login(actor_of(args))
    tx = pf.request_deposit(session, amount, for_email=getattr(args, "for_", None),
                            key=getattr(args, "key", None), memo=getattr(args, "memo", None))
    text = (f"{tx.reference}\nDeposit of {tx.display_amount} for {tx.owner_email} is {tx.status}"
            + (", awaiting a teller's confirmation." if tx.status == "PENDING" else "."))
    return Result({"transaction": tx.to_json()}, text)


def _no_request_options(args, action: str) -> None:
    stray = [f"--{n}" for n in ("for", "amount", "key", "memo") if hasattr(args, n if n != "for" else "for_")]
    if stray:
        verb = "does" if len(stray) == 1 else "do"
        raise UsageError(f"{', '.join(stray)} {verb} not apply to `deposit {action}`.")


def cmd_deposit_confirm(ctx: Context, args) -> Result:
    _no_request_options(args, "confirm")
    pf = ctx.pf()
    reference = require_text(args.reference, "The deposit reference")
    session = ctx.login(actor_of(args))
    tx = pf.confirm_deposit(session, reference)
    return Result({"transaction": tx.to_json()}, f"Confirmed. {_tx_line(tx)}")


def cmd_deposit_reject(ctx: Context, args) -> Result:
    _no_request_options(args, "reject")
    pf = ctx.pf()
    reference = require_text(args.reference, "The deposit reference")
    reason = require_text(getattr(args, "reason", None), "--reason")
    session = ctx.login(actor_of(args))
    tx = pf.reject_deposit(session, reference, reason)
    return Result({"transaction": tx.to_json()}, f"Rejected. {_tx_line(tx)}\n{tx.failure_reason}")


# -- withdrawals and transfers --------------------------------------------------------------

def cmd_withdraw(ctx: Context, args) -> Result:
    pf = ctx.pf()
    amount = ctx.amount(args.amount)
    session = ctx.login(actor_of(args))
    tx = pf.withdraw(session, amount, for_email=args.for_, key=args.key, memo=args.memo, otp=args.otp)
    wallet = pf.wallet(session, for_email=args.for_)
    return Result({"transaction": tx.to_json(), "balance_after": to_major_str(wallet.balance)},
                  f"{tx.reference}\nWithdrew {tx.display_amount} from {tx.owner_email};"
                  f" balance now {wallet.display_balance}.")


def cmd_transfer(ctx: Context, args) -> Result:
    if args.batch is not None:
        stray = [o for o, v in (("--to", args.to), ("--amount", args.amount), ("--key", args.key),
                                ("--memo", args.memo), ("--otp", args.otp)) if v is not None]
        if stray:
            raise UsageError(f"--batch takes its recipients from the file; drop {', '.join(stray)}.")
        return _transfer_batch(ctx, args)
    if args.to is None:
        raise UsageError("transfer needs --to EMAIL and --amount AMOUNT, or --batch FILE.csv.")
    pf = ctx.pf()
    amount = ctx.amount(args.amount)
    session = ctx.login(actor_of(args))
    result: TransferResult = pf.transfer(session, args.to, amount, key=args.key, memo=args.memo, otp=args.otp)
    credit = result.credit
    text = (f"{result.transfer_ref}\nSent {format_amount(result.amount, result.currency)} to"
            f" {credit.owner_email} ({credit.owner_name}). Your balance: "
            f"{format_amount(result.balance_after, result.currency)}.")
    return Result({"transfer": result.to_json()}, text)


def _read_batch(path_text: str) -> str:
    path = Path(path_text)
    try:
        if path.is_dir():
            raise UsageError(f"{path_text} is a directory, not a CSV file.")
        if path.stat().st_size > MAX_BATCH_BYTES:
            raise UsageError(f"{path_text} is larger than {MAX_BATCH_BYTES // (1024 * 1024)} MB.")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"No such batch file: {path_text}.") from None
    except PermissionError:
        raise UsageError(f"Cannot read {path_text}: permission denied.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path_text} is not UTF-8 text; save the CSV as UTF-8.") from None
    except OSError as exc:
        raise UsageError(f"Cannot read {path_text}: {exc.strerror or exc}.") from None


def _transfer_batch(ctx: Context, args) -> Result:
    pf = ctx.pf()
    text = _read_batch(args.batch)
    session = ctx.login(actor_of(args))
    summary = pf.bulk_transfer(session, text)
    rows = []
    for r in summary.rows:
        outcome = f"SENT {r.transfer_ref}" if r.status == "SENT" else f"REFUSED {r.code}: {r.reason}"
        rows.append((r.line, r.email, format_amount(r.amount) if r.amount else "", r.reference, outcome))
    out = table(("LINE", "EMAIL", "AMOUNT", "REFERENCE", "RESULT"), rows, right=(0, 2))
    out += (f"\nSent {len(summary.sent)} of {plural(len(summary.rows), 'row')}"
            f" ({format_amount(summary.sent_total)}); {len(summary.refused)} refused.")
    return Result(summary.to_json(), out, exit_code=1 if summary.refused else 0)


# -- looking at a wallet ------------------------------------------------------------------

def cmd_balance(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    wallet = pf.wallet(session, for_email=args.for_)
    text = f"{wallet.owner_name} <{wallet.owner_email}>: {wallet.display_balance}"
    if wallet.frozen:
        text += f"\nThe wallet is frozen: {wallet.frozen_reason}"
    return Result({"wallet": wallet.to_json()}, text)


def _signed(tx: TransactionView) -> str:
    # Only money that moved carries a sign; a pending or failed row moved nothing.
    text = format_amount(tx.amount, tx.currency)
    if tx.status != "SUCCESS":
        return text
    return ("+" if tx.direction == "CREDIT" else "-") + text


def _detail(tx: TransactionView) -> str:
    if tx.status == "FAILED":
        return tx.failure_reason or ""
    parts = []
    if tx.counterparty_email:
        parts.append(("from " if tx.direction == "CREDIT" else "to ") + tx.counterparty_email)
    if tx.memo:
        parts.append(tx.memo)
    return "; ".join(parts)


def cmd_history(ctx: Context, args) -> Result:
    pf = ctx.pf()
    session = ctx.login(actor_of(args))
    page = pf.history(session, for_email=args.for_, limit=args.limit, before_id=args.before,
                      type=args.type, status=args.status)
    data = {"transactions": [t.to_json() for t in page.items], "next_cursor": page.next_cursor}
    if not page.items:
        return Result(data, "No transactions.")
    zone = ctx.zone()
    rows = [(t.id, when(t.created_at, zone), t.reference, t.type, _signed(t), t.status, _detail(t))
            for t in page.items]
    text = table(("ID", f"TIME ({zone_label(zone)})", "REFERENCE", "TYPE", "AMOUNT", "STATUS", "DETAILS"),
                 rows, right=(0, 4))
    if page.next_cursor is not None:
        text += f"\nMore with --before {page.next_cursor}"
    return Result(data, text)
