"""payflow report / export: output, exit codes and files, run in-process."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tests.conftest import PASSWORD
from tests.reports_dataset import month_file  # noqa: F401  (fixture)

from payflow_tui.cli import main


@pytest.fixture
def db(month_file, tmp_path, monkeypatch):
    import sqlite3

    path = tmp_path / "payflow.db"
    src, dst = sqlite3.connect(month_file), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    monkeypatch.setenv("PAYFLOW_PASSWORD", PASSWORD)
    return path


def run(capsys, db, *args):
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, db, *args):
    code, out, _ = run(capsys, db, *args, "--json")
    return code, json.loads(out)


def test_report_json_for_a_custom_week(capsys, db):
    code, data = run_json(capsys, db, "report", "--as", "admin@bank.test", "--from", "2026-01-12",
                          "--to", "2026-01-19")
    assert code == 0
    report = data["report"]
    assert report["deposits_total"] == "1950.00"
    assert [d["date"] for d in report["days"]][0::6] == ["2026-01-12", "2026-01-18"]
    assert report["days"][1]["transfers"] == "200.00"
    assert report["failed_renewals"] == 1
    assert report["popular_plan"]["name"] == "Plus"
    assert report["period"]["start"] == "2026-01-11T23:00:00+00:00"
    assert report["open_alerts"] == [] and report["alerts_available"] is True


def test_report_text_for_people(capsys, db):
    code, out, _ = run(capsys, db, "report", "--as", "admin@bank.test", "--from", "2026-01-12",
                       "--to", "2026-01-19")
    assert code == 0
    assert "2026-01-12 to 2026-01-18 (Africa/Lagos)" in out
    assert "Confirmed deposits:" in out and "₦1,950.00" in out
    assert "most popular plan: Plus" in out
    assert "ada@bank.test" in out and "₦1,450.00" in out


@pytest.mark.parametrize("args, code, error", [
    (["--from", "2026-02-30"], 2, "INVALID_INPUT"),
    (["--from", "12-01-2026"], 2, "INVALID_INPUT"),
    (["--from", "2026-01-19", "--to", "2026-01-12"], 2, "INVALID_INPUT"),
    (["--period", "year"], 2, "INVALID_INPUT"),
    (["--period", "week", "--from", "2026-01-01"], 2, "INVALID_INPUT"),
])
def test_bad_report_arguments_exit_2(capsys, db, args, code, error):
    got, data = run_json(capsys, db, "report", "--as", "admin@bank.test", *args)
    assert got == code and data["error"]["code"] == error
    assert data["error"]["message"]


def test_report_needs_an_admin(capsys, db):
    code, data = run_json(capsys, db, "report", "--as", "teller@bank.test", "--period", "week")
    assert code == 3 and data["error"]["code"] == "PERMISSION_DENIED"


def test_export_transactions_with_filters(capsys, db, tmp_path):
    out = tmp_path / "deposits.csv"
    code, data = run_json(capsys, db, "export", "transactions", "--as", "admin@bank.test", "--out", str(out),
                          "--from", "2026-01-12", "--to", "2026-01-14", "--type", "deposit",
                          "--status", "SUCCESS")
    assert code == 0 and data["export"] == {"path": str(out), "rows": 3, "bytes": out.stat().st_size}
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame["amount"]) == ["1000.00", "250.00", "300.00"]
    assert set(frame["type"]) == {"DEPOSIT"} and set(frame["status"]) == {"SUCCESS"}


def test_export_transactions_text_and_default_path(capsys, db):
    code, out, _ = run(capsys, db, "export", "transactions", "--as", "admin@bank.test")
    assert code == 0 and out.startswith("Wrote 14 transactions to ")
    written = [p for p in (db.parent / "exports").iterdir() if p.name.startswith("transactions-")]
    assert len(written) == 1 and written[0].suffix == ".csv"
    assert str(written[0]) in out


@pytest.mark.parametrize("args", [
    ["--type", "refund"],
    ["--status", "done"],
    ["--from", "yesterday"],
    ["--out", "/no/such/folder/x.csv"],
])
def test_bad_export_arguments_exit_2(capsys, db, tmp_path, args):
    code, data = run_json(capsys, db, "export", "transactions", "--as", "admin@bank.test", *args)
    assert code == 2 and data["error"]["code"] == "INVALID_INPUT"


def test_export_report(capsys, db, tmp_path):
    out = tmp_path / "report.csv"
    code, data = run_json(capsys, db, "export", "report", "--as", "admin@bank.test", "--out", str(out),
                          "--from", "2026-01-13", "--to", "2026-01-14")
    assert code == 0 and data["export"]["path"] == str(out)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    totals = frame[frame["section"] == "total"].set_index("item")["amount"].to_dict()
    assert totals == {"DEPOSIT": "300.00", "WITHDRAWAL": "0.00", "TRANSFER": "200.00", "SUBSCRIPTION": "0.00"}


def test_export_needs_an_admin(capsys, db, tmp_path):
    out = tmp_path / "x.csv"
    code, data = run_json(capsys, db, "export", "transactions", "--as", "ada@bank.test", "--out", str(out))
    assert code == 3 and data["error"]["code"] == "PERMISSION_DENIED" and not out.exists()


def test_export_report_as_a_one_page_pdf(capsys, db, tmp_path):
    import pypdfium2 as pdfium

    out = tmp_path / "summary.PDF"  # the format follows the file's name, whatever its case
    code, out_text, _ = run(capsys, db, "export", "report", "--as", "admin@bank.test", "--out", str(out),
                            "--from", "2026-01-13", "--to", "2026-01-14")
    assert code == 0 and out_text == f"Wrote the report summary (one page) to {out}.\n"
    doc = pdfium.PdfDocument(str(out))
    lines = doc[0].get_textpage().get_text_range().replace("\r", "").split("\n")
    assert len(doc) == 1 and "Transfers 1 NGN 200.00" in lines and "Deposits 1 NGN 300.00" in lines

    code, data = run_json(capsys, db, "export", "report", "--as", "admin@bank.test", "--format", "pdf")
    written = db.parent / "exports"
    assert code == 0 and data["export"]["rows"] == 1
    assert [p.suffix for p in written.iterdir()] == [".pdf"] and data["export"]["path"].startswith(str(written))


@pytest.mark.parametrize("args, code", [
    (["--format", "xls"], 2),
    (["--format", "csv", "--out", "summary.pdf"], 2),  # the name and the format disagree
    (["--format", "pdf", "--out", "figures.CSV"], 2),
    (["--format", "pdf", "--out", "/no/such/folder/r.pdf"], 2),
    (["--format", "pdf", "--period", "year"], 2),
])
def test_bad_pdf_export_arguments_write_nothing(capsys, db, args, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a relative --out would land
    got, data = run_json(capsys, db, "export", "report", "--as", "admin@bank.test", *args)
    assert got == code and data["error"]["code"] == "INVALID_INPUT"
    assert not (db.parent / "exports").exists() or not any((db.parent / "exports").iterdir())
    assert not list(tmp_path.glob("*.pdf*")) and not list(tmp_path.glob("*.CSV*"))


def test_a_pdf_needs_an_admin(capsys, db, tmp_path):
    out = tmp_path / "r.pdf"
    code, data = run_json(capsys, db, "export", "report", "--as", "ada@bank.test", "--out", str(out))
    assert code == 3 and data["error"]["code"] == "PERMISSION_DENIED" and not out.exists()
