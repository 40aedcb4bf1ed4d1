"""The benchmarks run end to end on tiny sizes (figures are printed, never asserted)."""

from __future__ import annotations

import json
import shutil

import pytest

from payflow_tui.bench import available, export_csv, run_benchmarks
from payflow_tui.cli import main


def test_the_registry_names_every_benchmark():
    assert {b.name for b in available()} >= {"transfers", "transfers-4proc", "demo", "export", "reports-screen",
                                              "staff-screens"}
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


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is the baseline")
def test_export_benchmark_times_the_export_beside_sqlite3_and_pandas(tmp_path, monkeypatch):
    monkeypatch.setenv("PAYFLOW_BENCH_PANDAS", "1")
    lines: list[str] = []
    (report,) = run_benchmarks(["export"], quick=True, workdir=tmp_path, echo=lines.append)
    figures = report.figures
    assert figures["exported_rows"] == figures["baseline_rows"] == figures["transactions"] > 2_000
    assert figures["baseline"]["peak_mb"] > 0 and figures["export_process"]["peak_mb"] > 0
    assert figures["export_call"]["ratio_wall"] > 0 and figures["export_process"]["ratio_cpu"] > 0
    assert figures["pandas"]["wall_s"] > 0 and figures["pandas"]["peak_mb"] > 0
    assert set(figures["report_ms"]) == {"the year, first call in the process", "this week", "this month",
                                         "a whole year, 366 days"}
    assert figures["trigger_insert_us"]["with"] > 0 and figures["meets_target"] in (True, False)
    assert any(line.startswith("  sqlite3 -csv, same SQL (baseline)") for line in lines)
    assert any("load average" in line for line in lines)
    assert list(tmp_path.iterdir()) == []  # the shared database and the CSV files are removed


def test_export_benchmark_without_the_sqlite3_shell_says_so_and_skips_the_baseline(tmp_path, monkeypatch):
    monkeypatch.setattr(export_csv, "sqlite3_shell", lambda: None)
    lines: list[str] = []
    (report,) = run_benchmarks(["export"], quick=True, workdir=tmp_path, echo=lines.append)
    figures = report.figures
    assert figures["baseline"] is None and figures["meets_target"] is None and figures["pandas"] is None
    assert figures["exported_rows"] == figures["transactions"] and "ratio_wall" not in figures["export_call"]
    assert any("the sqlite3 shell is not installed, baseline skipped" in line for line in lines)


def test_reports_screen_benchmark_times_the_screen_on_both_databases(tmp_path):
    lines: list[str] = []
    (report,) = run_benchmarks(["reports-screen"], quick=True, workdir=tmp_path, echo=lines.append)
    figures = report.figures
    assert figures["baseline_transactions"] == 1_000 and figures["transactions"] > 2_000
    for step in ("open (this week)", "switch to this month", "type a whole year's range",
                 "all transactions screen: open (for scale)"):
        assert figures["steps"][step]["small_ms"] > 0 and figures["steps"][step]["ratio"] > 0
    assert figures["steps"]["export the year, from the screen"]["large_ms"] > 0
    assert figures["export_screen_over_call"] > 0 and figures["meets_target"] in (True, False)
    assert any("export from the screen / the call alone" in line for line in lines)
    assert list(tmp_path.iterdir()) == []  # the copies and the exported files are removed


def test_staff_screens_benchmark_times_screens_and_calls_on_both_databases(tmp_path):
    lines: list[str] = []
    (report,) = run_benchmarks(["staff-screens"], quick=True, workdir=tmp_path, echo=lines.append)
    figures = report.figures
    assert figures["transactions"] == 2_000 and figures["baseline_transactions"] == 1_000
    for step in ("all transactions: open", "all transactions: next page", "all transactions: filter email",
                 "audit log: open", "pending deposits: open"):
        assert figures["screens_s"][step]["small"] > 0 and figures["screens_s"][step]["ratio"] > 0
    assert figures["services_ms"]["pending_deposits()"]["large"] > 0
    assert figures["meets_target"] in (True, False)
    assert any(line.strip().startswith("all transactions: next page again") for line in lines)
    assert list(tmp_path.iterdir()) == []


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="Unknown benchmark"):
        run_benchmarks(["nope"], quick=True, echo=None)


def test_payflow_bench_json(tmp_path, capsys):
    assert main(["bench", "transfers", "--quick", "--json", "--dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["name"] for b in data["benchmarks"]] == ["transfers"]
    assert set(data["benchmarks"][0]) >= {"baseline_per_s", "service_per_s", "ratio", "runs", "machine"}
