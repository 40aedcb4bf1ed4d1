"""clock show | advance, verify, demo, bench: running and checking the installation."""

from __future__ import annotations

import time
from pathlib import Path

from ..services import errors as E
from .context import Context, Result, UsageError, actor_of, add_actor, positive_int, require_text
from .tables import plural, table


class BenchFailed(E.PayFlowError):
    """A benchmark could not finish (a worker process failed)."""

    code = "BENCH_FAILED"
    exit_code = E.EXIT_BUSINESS


def register(subparsers, common) -> None:
    clock = subparsers.add_parser("clock", parents=[common], help="the business clock (a sandbox's moves)")
    sub = clock.add_subparsers(dest="clock_command", required=True, metavar="ACTION")
    p = sub.add_parser("show", parents=[common], help="the current business time")
    p.set_defaults(func=cmd_clock_show)
    p = sub.add_parser("advance", parents=[common], help="move a sandbox's clock forward (ADMIN)")
    add_actor(p)
    p.add_argument("--by", required=True, help="31d, 12h, 90m (also w, s)")
    p.set_defaults(func=cmd_clock_advance)

    p = subparsers.add_parser("verify", parents=[common],
                              help="check the whole ledger; exit 1 naming each problem")
    p.set_defaults(func=cmd_verify)

    p = subparsers.add_parser("demo", parents=[common], help="fill a sandbox with realistic data")
    p.add_argument("--users", type=positive_int(1_000_000), default=1_000, help="users to create (default 1000)")
    p.add_argument("--transactions", type=positive_int(10_000_000), default=100_000,
                   help="transaction rows to write (default 100000)")
    p.add_argument("--seed", type=int, default=None, help="repeatable data for the same seed")
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("bench", parents=[common], help="run benchmarks (all, or the ones named)")
    p.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run, figures not meaningful")
    p.add_argument("--repeat", type=positive_int(100), default=None, help="repetitions (median reported)")
    p.add_argument("--dir", default=None, help="where to put scratch databases (default: a temp dir)")
    p.set_defaults(func=cmd_bench)


def cmd_clock_show(ctx: Context, args) -> Result:
    info = ctx.pf().clock_info()
    kind = "sandbox (movable with `clock advance`)" if info["sandbox"] else "normal database (real time)"
    text = f"{info['now'].isoformat(timespec='seconds')}  {kind}"
    if info["offset_seconds"]:
        text += f", moved forward {info['offset_seconds'] / 86400:.2f} days"
    return Result({"now": info["now"].isoformat(), "sandbox": info["sandbox"],
                   "offset_seconds": info["offset_seconds"]}, text)


def cmd_clock_advance(ctx: Context, args) -> Result:
    pf = ctx.pf()
    by = require_text(args.by, "--by")
    from ..clock import parse_duration

    try:
        parse_duration(by)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    session = ctx.login(actor_of(args))
    now = pf.advance_clock(session, by)
    return Result({"now": now.isoformat()}, f"The business clock now reads {now.isoformat(timespec='seconds')}.")


def cmd_verify(ctx: Context, args) -> Result:
    report = ctx.pf().verify()
    counts = ", ".join(f"{n:,} {t}" for t, n in report.checked.items())
    if report.ok:
        return Result(report.to_json(), f"Ledger OK ({counts}).")
    lines = [f"Ledger check FAILED: {len(report.problems)} problem(s)."]
    lines += [f"  - {p}" for p in report.problems]
    lines.append(f"Checked {counts}.")
    return Result(report.to_json(), "\n".join(lines), exit_code=1)


def cmd_demo(ctx: Context, args) -> Result:
    pf = ctx.pf()
    started = time.perf_counter()
    summary = pf.demo(args.users, args.transactions, seed=args.seed)
    seconds = time.perf_counter() - started
    data = {**summary.to_json(), "seconds": round(seconds, 2)}
    by_kind = table(("TYPE", "STATUS", "ROWS"),
                    [(t, s, f"{n:,}") for (t, s), n in sorted(summary.by_type_status.items())], right=(2,))
    text = (f"Filled {ctx.db_path} in {seconds:.1f} s: {summary.users:,} users"
            f" ({plural(summary.tellers, 'teller')}), {summary.transactions:,} transaction rows,"
            f" {summary.journal_entries:,} journal entries, from {summary.first_at:%Y-%m-%d}"
            f" to {summary.last_at:%Y-%m-%d}.\n{by_kind}\n"
            f"Every demo user's password is {summary.password!r}; an admin is {summary.admin_email},"
            f" a teller {summary.teller_email}.")
    return Result(data, text)


def cmd_bench(ctx: Context, args) -> Result:
    from ..bench import available, run_benchmarks

    if args.list:
        rows = [(b.name, b.description) for b in available()]
        return Result({"benchmarks": [{"name": n, "description": d} for n, d in rows]},
                      table(("NAME", "MEASURES"), rows))
    known = {b.name for b in available()}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise UsageError(f"Unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}.")
    if args.dir is not None:
        try:
            Path(args.dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--dir {args.dir}: {exc.strerror or exc}.") from None
    try:
        reports = run_benchmarks(args.names, quick=args.quick, repeat=args.repeat, workdir=args.dir,
                                 echo=None if ctx.json else print)
    except RuntimeError as exc:  # a worker process failed: say which, without a traceback
        raise BenchFailed(str(exc)) from None
    return Result({"benchmarks": [r.to_json() for r in reports]}, "")
