"""renew (one run, for system cron), scheduler (the long-running loop), scheduler status."""

from __future__ import annotations

import signal
import sys
import threading

from ..services.scheduler import LEASE_SECONDS, Scheduler
from ..services.scheduler_views import RunView
from .context import Context, Result


def register(subparsers, common) -> None:
    p = subparsers.add_parser("renew", parents=[common],
                              help="run the scheduled work once now: renewals, deposit expiry, ...")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for a run in another process to finish (default: refuse at once)")
    p.set_defaults(func=cmd_renew)

    p = subparsers.add_parser("scheduler", parents=[common],
                              help="run the scheduler until SIGINT or SIGTERM (for a service manager)")
    p.add_argument("--tick", type=float, default=1.0, metavar="SECONDS",
                   help="longest sleep between looks at the clock (default 1)")
    p.add_argument("--holder", help="a name for this runner in the lease and the run records")
    p.add_argument("--lease", type=float, default=LEASE_SECONDS, metavar="SECONDS",
                   help=f"lease length; a runner that dies is replaced after it (default {LEASE_SECONDS:g})")
    p.set_defaults(func=cmd_scheduler)
    actions = p.add_subparsers(dest="scheduler_command", metavar="ACTION")
    s = actions.add_parser("status", parents=[common], help="last and next run, who runs now (admin)")
    s.add_argument("--as", dest="as_", metavar="EMAIL")
    s.set_defaults(func=cmd_scheduler_status)


def run_line(run: RunView) -> str:
    counts = run.counts()
    extra = "".join(f", {k.replace('_', ' ')} {v}" for k, v in counts.items()
                    if k not in ("charged", "suspended", "expired", "errors", "checked", "amount_charged"))
    return (f"Run {run.id} ({run.trigger.lower()}, {run.status.lower()}): charged {run.charged}"
            f" ({counts.get('amount_charged', '0.00')}), suspended {run.suspended}, expired {run.expired},"
            f" errors {run.errors}{extra}.")


def cmd_renew(ctx: Context, args) -> Result:
    run = ctx.pf().run_scheduled_work(wait=max(0.0, args.wait))
    return Result({**run.counts(), "run": run.to_json()}, run_line(run))


def cmd_scheduler(ctx: Context, args) -> Result:
    pf = ctx.pf()
    stop = threading.Event()
    stopped_by: list[str] = []

    def on_signal(signum, _frame) -> None:
        stopped_by.append(signal.Signals(signum).name)
        stop.set()

    def on_run(run: RunView) -> None:
        if not ctx.json:
            print(run_line(run), flush=True)

    loop = Scheduler(pf, holder=args.holder, tick=max(0.01, args.tick), lease_seconds=max(1.0, args.lease),
                     on_run=on_run)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not ctx.json:
            print(f"Scheduler {loop.holder} started on {ctx.db_path}; Ctrl+C or SIGTERM stops it.", flush=True)
        else:
            print(f"Scheduler {loop.holder} started on {ctx.db_path}.", file=sys.stderr, flush=True)
        loop.run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    reason = stopped_by[0] if stopped_by else "stop"
    return Result({"holder": loop.holder, "runs": loop.runs, "stopped_by": reason,
                   "last_run": loop.last_run.to_json() if loop.last_run else None},
                  f"Scheduler stopped by {reason} after {loop.runs} run(s).")


def cmd_scheduler_status(ctx: Context, args) -> Result:
    status = ctx.pf().scheduler_status(ctx.login(args.as_))
    last = run_line(status.last_run) if status.last_run else "No run yet."
    lines = [
        f"Schedule: {status.schedule} ({status.timezone}).",
        f"Next run: {status.next_run_at:%Y-%m-%d %H:%M UTC}"
        + (f"; a run owed since {status.owed_fire:%Y-%m-%d %H:%M UTC} happens at the next start."
           if status.owed_fire else "."),
        f"Last run: {last}",
        f"Running now: {status.lease_holder}." if status.running else "Running now: nobody.",
    ]
    return Result({"scheduler": status.to_json()}, "\n".join(lines))
