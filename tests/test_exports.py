"""CSV exports read back with pandas and compared with the rows in the database."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pandas as pd
import pytest
from tests.reports_dataset import Month, lagos, month, month_file  # noqa: F401  (fixtures)

from payflow_tui.money import to_major_str
from payflow_tui.services import errors as E

COLUMNS = ["id", "reference", "created_at", "updated_at", "type", "direction", "status", "amount",
           "currency", "owner_email", "counterparty_email", "transfer_ref", "memo", "failure_code",
           "failure_reason"]


def database_rows(path) -> list[dict]:
    """Every transaction as the export should show it, built here from raw rows and integers."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    emails = {r["wallet"]: r["email"] for r in conn.execute(
        "SELECT w.id AS wallet, u.email FROM wallets w JOIN users u ON u.id = w.user_id")}
    rows = []
    for r in conn.execute("SELECT * FROM transactions ORDER BY id"):
        rows.append({
            "id": str(r["id"]), "reference": r["reference"], "created_at": r["created_at"],
            "updated_at": r["updated_at"], "type": r["type"], "direction": r["direction"],
            "status": r["status"], "amount": to_major_str(r["amount"]), "currency": r["currency"],
            "owner_email": emails[r["wallet_id"]],
            "counterparty_email": emails.get(r["counterparty_wallet_id"], ""),
            "transfer_ref": r["transfer_ref"] or "", "memo": r["memo"] or "",
            "failure_code": r["failure_code"] or "", "failure_reason": r["failure_reason"] or "",
        })
    conn.close()
    return rows


def read_back(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def test_everything_read_back_equals_the_database(month, tmp_path):
    out = tmp_path / "all.csv"
    result = month.pf.export_transactions(month.admin, out)

    frame = read_back(out)
    expected = database_rows(month.path)
    assert list(frame.columns) == COLUMNS
    assert frame.to_dict("records") == expected
    # Thirteen events in the timeline, the transfer two rows: fourteen rows.
    assert result.rows == len(expected) == 14 and result.path == out
    assert result.bytes == out.stat().st_size
    transfer = frame[frame["type"] == "TRANSFER"]
    assert list(transfer["amount"]) == ["200.00", "200.00"]
    assert list(transfer["memo"]) == ['Rent, "January" ₦ share'] * 2
    assert all(datetime.fromisoformat(t).utcoffset() is not None for t in frame["created_at"])
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("filters", [
    {"type": "DEPOSIT"},
    {"type": "transfer"},
    {"status": "FAILED"},
    {"status": "pending"},
    {"type": "SUBSCRIPTION", "status": "FAILED"},
    {"date_from": "2026-01-13"},
    {"date_to": "2026-01-13"},
    {"date_from": "2026-01-12", "date_to": "2026-01-13"},
    {"date_from": date(2026, 1, 13), "date_to": date(2026, 1, 15), "type": "DEPOSIT"},
    {"date_from": lagos("2026-01-14 12:00"), "date_to": lagos("2026-01-14 22:00")},
])
def test_filters_select_exactly_the_right_rows(month, tmp_path, filters):
    out = tmp_path / "some.csv"
    month.pf.export_transactions(month.admin, out, **filters)

    def bound(value):
        if value is None or isinstance(value, datetime):
            return value
        return lagos(f"{value} 00:00")

    low, high = bound(filters.get("date_from")), bound(filters.get("date_to"))
    expected = [
        r["id"] for r in database_rows(month.path)
        if r["type"] == filters.get("type", r["type"]).upper()
        and r["status"] == filters.get("status", r["status"]).upper()
        and (low is None or datetime.fromisoformat(r["created_at"]) >= low)
        and (high is None or datetime.fromisoformat(r["created_at"]) < high)
    ]
    assert expected, "each filter should select something"
    assert list(read_back(out)["id"]) == expected


def test_lagos_midnight_splits_the_export(month, tmp_path):
    monday, tuesday = tmp_path / "mon.csv", tmp_path / "tue.csv"
    month.pf.export_transactions(month.admin, monday, "2026-01-12", "2026-01-13", "DEPOSIT")
    month.pf.export_transactions(month.admin, tuesday, "2026-01-13", "2026-01-14", "DEPOSIT")
    # Monday: 10:00 and 23:59:59 Lagos; Tuesday: 00:00:00 Lagos (which is Monday 23:00 UTC).
    assert list(read_back(monday)["amount"]) == ["1000.00", "250.00"]
    assert list(read_back(tuesday)["amount"]) == ["300.00"]
    assert list(read_back(tuesday)["created_at"]) == ["2026-01-12T23:00:00.000000+00:00"]


def test_nothing_matches_gives_only_the_header(month, tmp_path):
    out = tmp_path / "none.csv"
    result = month.pf.export_transactions(month.admin, out, "2025-01-01", "2025-02-01")
    assert result.rows == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",") == COLUMNS
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_progress_reports_rows_written_of_total(month, tmp_path, monkeypatch):
    from payflow_tui.services import exports

    monkeypatch.setattr(exports, "BATCH_ROWS", 5)
    calls = []
    result = month.pf.export_transactions(month.admin, tmp_path / "p.csv",
                                          progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 14), (5, 14), (10, 14), (14, 14)]
    assert result.rows == 14


def test_raising_from_progress_cancels_and_leaves_no_file(month, tmp_path, monkeypatch):
    from payflow_tui.services import exports

    monkeypatch.setattr(exports, "BATCH_ROWS", 5)

    def cancel(done, total):
        if done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        month.pf.export_transactions(month.admin, tmp_path / "cancelled.csv", progress=cancel)
    assert not list(tmp_path.glob("*.csv*"))


@pytest.mark.parametrize("who", ["teller", "ada"])
def test_only_admins_export(month, tmp_path, who):
    session = month.login(who)
    for call in (lambda out: month.pf.export_transactions(session, out),
                 lambda out: month.pf.export_report(session, out)):
        out = tmp_path / "denied.csv"
        with pytest.raises(E.PermissionDenied):
            call(out)
        assert not out.exists()


@pytest.mark.parametrize("kwargs, words", [
    ({"type": "REFUND"}, "Type must be one of"),
    ({"status": "DONE"}, "Status must be one of"),
    ({"date_from": "13/01/2026"}, "YYYY-MM-DD"),
    ({"date_from": "2026-01-14", "date_to": "2026-01-13"}, "before the end date"),
    ({"date_from": datetime(2026, 1, 13)}, "time zone"),
])
def test_bad_filters_are_refused_and_write_nothing(month, tmp_path, kwargs, words):
    out = tmp_path / "bad.csv"
    with pytest.raises(E.InvalidInput, match=words):
        month.pf.export_transactions(month.admin, out, **kwargs)
    assert not out.exists()


def test_bad_output_paths_are_refused(month, tmp_path):
    with pytest.raises(E.InvalidInput, match="does not exist"):
        month.pf.export_transactions(month.admin, tmp_path / "missing" / "x.csv")
    with pytest.raises(E.InvalidInput, match="is a folder"):
        month.pf.export_transactions(month.admin, tmp_path)
    with pytest.raises(E.InvalidInput, match="does not exist"):
        month.pf.export_report(month.admin, tmp_path / "missing" / "r.csv")


def test_report_csv_holds_the_report(month, tmp_path):
    out = tmp_path / "report.csv"
    result = month.pf.export_report(month.admin, out, period="week")

    frame = read_back(out)
    assert list(frame.columns) == ["section", "item", "date", "count", "amount", "currency"]
    assert result.rows == len(frame)
    volume = frame[frame["section"] == "volume"]
    assert len(volume) == 7 * 4
    deposits = volume[volume["item"] == "DEPOSIT"]
    assert list(deposits["amount"]) == ["1250.00", "300.00", "0.00", "400.00", "0.00", "0.00", "0.00"]
    assert list(deposits["date"])[0] == "2026-01-12"
    totals = frame[frame["section"] == "total"].set_index("item")
    assert totals.loc["DEPOSIT", "amount"] == "1950.00" and totals.loc["DEPOSIT", "count"] == "4"
    assert totals.loc["TRANSFER", "amount"] == "200.00"
    facts = {(r.section, r.item): r for r in frame.itertuples()}
    assert facts[("timezone", "Africa/Lagos")]
    assert facts[("period", "first day")].date == "2026-01-12"
    assert facts[("period", "last day")].date == "2026-01-18"
    assert facts[("subscriptions", "active")].count == "3"
    assert facts[("plan", "Plus")].count == "2"
    assert facts[("renewals", "failed")].count == "1"
    wallets = frame[frame["section"] == "wallet"]
    assert list(wallets["item"])[:2] == ["ada@bank.test", "bola@bank.test"]
    assert list(wallets["amount"])[:2] == ["1450.00", "850.00"]


def test_a_database_path_with_uri_characters(month_file, tmp_path):
    folder = tmp_path / "branch #1? 100% ₦"
    folder.mkdir()
    m = Month(month_file, folder / "payflow.db")
    try:
        result = m.pf.export_transactions(m.admin, folder / "out.csv")
        assert result.rows == 14
    finally:
        m.pf.close()
