"""Benchmarks that print figures beside a baseline measured in the same run.

Each module in ``BENCH_MODULES`` registers its benchmarks with ``@benchmark``;
``payflow bench`` runs them all, ``payflow bench NAME...`` only those named.
A later benchmark is one more module and one more line below. Databases that
several benchmarks read (a million rows take a minute to build) are built once
per run into ``BenchOptions.shared``.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH_MODULES = [
    "payflow_tui.bench.transfers",
    "payflow_tui.bench.demo_load",
    "payflow_tui.bench.app_registered",
    "payflow_tui.bench.renewals",
    "payflow_tui.bench.export_csv",
    "payflow_tui.bench.reports_screen",
    "payflow_tui.bench.staff_screens",
]


@dataclass
class BenchOptions:
    quick: bool = False  # tiny sizes: proves the code runs, the figures mean nothing
    repeat: int | None = None  # None: each benchmark's own default
    workdir: Path = Path(".")  # scratch databases go here
    # Databases built once per run and read by several benchmarks (None: build into workdir).
    # A benchmark that writes into one works on a copy in its workdir.
    shared: Path | None = None
    echo: Callable[[str], None] | None = print  # progress and results for people

    def say(self, text: str) -> None:
        if self.echo is not None:
            self.echo(text)


@dataclass
class BenchReport:
    name: str
    figures: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"name": self.name, **self.figures}


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[BenchOptions], BenchReport]


_REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, description: str):
    """Register ``fn(options) -> BenchReport`` under ``name``."""

    def register(fn: Callable[[BenchOptions], BenchReport]):
        _REGISTRY[name] = Benchmark(name, description, fn)
        return fn

    return register


def available() -> list[Benchmark]:
    for module in BENCH_MODULES:
        importlib.import_module(module)
    return list(_REGISTRY.values())


def run_benchmarks(names: list[str] | None = None, *, quick: bool = False, repeat: int | None = None,
                   workdir: str | Path | None = None,
                   echo: Callable[[str], None] | None = print) -> list[BenchReport]:
    """Run the named benchmarks (all when ``names`` is empty), each in its own scratch directory,
    all with one shared directory for the databases they have in common."""
    known = {b.name: b for b in available()}
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise ValueError(f"Unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(known)}.")
    chosen = [known[n] for n in names] if names else list(known.values())
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
    reports = []
    shared = Path(tempfile.mkdtemp(prefix="payflow-bench-shared-", dir=workdir))
    try:
        for bench in chosen:
            scratch = Path(tempfile.mkdtemp(prefix=f"payflow-bench-{bench.name}-", dir=workdir))
            try:
                options = BenchOptions(quick=quick, repeat=repeat, workdir=scratch, shared=shared, echo=echo)
                options.say(f"== {bench.name}: {bench.description}")
                report = bench.run(options)
                for line in report.lines:
                    options.say(line)
                reports.append(report)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    return reports
