"""The benchmarks run end to end on tiny sizes (figures are printed, never asserted)."""

from __future__ import annotations

import json

import pytest

from payflow_tui.bench import available, run_benchmarks
from payflow_tui.cli import main


def test_the_registry_names_every_benchmark():
    assert {b.name for b in available()} >= {"transfers", "transfers-4proc", "demo"}
    assert all(b.description for b in available())


def test_transfers_single_and_four_processes_run_and_leave_sound_ledgers(tmp_path):
    lines: list[str] = []
    reports = run_benchmarks(["transfers", "transfers-4proc"], quick=True, workdir=tmp_path, echo=lines.append)
    assert [r.name for r in reports] == ["transfers", "transfers-4proc"]
    single, multi = (r.figures for r in reports)
    assert single["processes"] == 1 and multi["processes"] == 4
    for figures in (single, multi):
        assert figures["baseline_per_s"] > 0 and figures["service_per_s"] > 0 and figures["ratio"] > 0
        assert figures["verify"] == {"service": "ok", "baseline": "ok"}
    assert any("ratio service/baseline" in line for line in lines)
    assert list(tmp_path.iterdir()) == []  # scratch databases are removed


def test_demo_benchmark_runs(tmp_path):
    (report,) = run_benchmarks(["demo"], quick=True, workdir=tmp_path, echo=None)
    assert report.figures["transactions"] == 500 and report.figures["seconds"] > 0


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="Unknown benchmark"):
        run_benchmarks(["nope"], quick=True, echo=None)


def test_payflow_bench_json(tmp_path, capsys):
    assert main(["bench", "transfers", "--quick", "--json", "--dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["name"] for b in data["benchmarks"]] == ["transfers"]
    assert set(data["benchmarks"][0]) >= {"baseline_per_s", "service_per_s", "ratio", "runs", "machine"}
