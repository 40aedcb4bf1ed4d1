"""The renewal benchmark runs end to end (quick sizes: the figures mean nothing)."""

from __future__ import annotations

from payflow_tui.bench import run_benchmarks


def test_the_renewal_benchmark_runs_both_sides_and_measures_memory(tmp_path):
    lines: list[str] = []
    (report,) = run_benchmarks(["renewals"], quick=True, workdir=tmp_path, echo=lines.append)
    figures = report.figures
    assert figures["subscriptions"] == 2_000 and figures["slices"] >= 10
    assert figures["baseline_ms_per_1000"] > 0 and figures["service_ms_per_1000"] > 0
    assert set(figures["traced_peak_kib"]) == {"200", "2000"}
    assert any("ratio service/baseline" in line for line in lines)
    assert list(tmp_path.iterdir()) == []  # the scratch databases are gone
