"""The app's benchmarks in ``payflow bench``: start-up and the history on a large ledger."""

from __future__ import annotations

from . import BenchOptions, BenchReport, benchmark


@benchmark("app", "start-up beside a bare Textual app; history open and paging on 1,000,000 transactions")
def run_app_bench(options: BenchOptions) -> BenchReport:
    from . import app_bench

    size = 20_000 if options.quick else 1_000_000
    args = ["--transactions", str(size), "--db", str(options.workdir / f"app-{size}.db")]
    if options.quick:
        args += ["--runs", "2", "--steps", "3"]
    app_bench.main(args)
    return BenchReport("app", {"transactions": size})
