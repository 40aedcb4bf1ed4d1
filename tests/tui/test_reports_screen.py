"""The administrator's reports screen on a fixed month (tests/reports_dataset.py), through the real app."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
import threading
from datetime import date

import pytest
from rich.console import Console
from textual.widgets import DataTable, ProgressBar, Sparkline, Static

from payflow_tui.services import errors as E
from payflow_tui.tui.app import PayFlowApp, create_app
from payflow_tui.tui.screens.home import StaffMenuScreen
from payflow_tui.tui.screens.reports import ReportsScreen
from payflow_tui.tui.widgets.export_panel import ExportPanel
from tests.reports_dataset import month, month_file  # noqa: F401  (fixtures)

from .conftest import SIZE, settle
from .staff_helpers import fill, press, sign_in, toasts


def rendered(screen, selector: str) -> str:
    """What a Static shows, as plain text (its content may be a rich table)."""
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


def wallet_rows(screen) -> list[tuple[str, ...]]:
    table = screen.query_one("#report-wallets", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def chart_totals(screen) -> dict[str, str]:
    return {kind: rendered(screen, f"#total-{kind}").strip()
            for kind in ("deposit", "withdrawal", "transfer", "subscription")}


async def open_reports(pilot, session) -> ReportsScreen:
    await sign_in(pilot, session)
    menu = pilot.app.screen
    key = {section_id: k for k, section_id in menu._keys.items()}["reports"]
    await press(pilot, key)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def test_this_week_shows_the_services_report_and_the_hand_added_figures(month):
    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)

        assert screen.report == month.pf.report(month.admin, period="week")
        title = str(screen.query_one("#reports-title").content)
        assert "This week, 2026-01-12 to 2026-01-18 · Africa/Lagos" in title
        figures = rendered(screen, "#report-figures")
        # 1,000.00 + 250.00 + 300.00 + 400.00 (confirmed Thursday); pending and rejected ones never count.
        assert "Total deposits" in figures and "₦1,950.00" in figures and "4 deposits" in figures
        assert "Active subscriptions  3" in figures
        assert "Plus (2 active)" in figures
        assert "Failed renewals           1" in figures  # Friday's; Saturday the 10th is last week
        assert "Open alerts           none" in figures  # no alert is open on this ledger
        assert chart_totals(screen) == {"deposit": "₦1,950.00", "withdrawal": "₦100.00",
                                        "transfer": "₦200.00", "subscription": "₦50.00"}
        assert screen.query_one("#spark-deposit", Sparkline).data == [125_000, 30_000, 0, 40_000, 0, 0, 0]
        assert screen.query_one("#spark-transfer", Sparkline).data == [0, 20_000, 0, 0, 0, 0, 0]
        days = rendered(screen, "#chart-days")
        assert "Mon 12 Jan" in days and "Sun 18 Jan" in days
        # ada: 1,000 + 300 - 200 + 400 - 50; bola: 500 + 250 + 200 - 100.
        assert wallet_rows(screen) == [
            ("1", "Ada Obi", "ada@bank.test", "₦1,450.00"),
            ("2", "Bola Ade", "bola@bank.test", "₦850.00"),
            ("3", "Ada Admin", "admin@bank.test", "₦0.00"),
            ("4", "Tunde Teller", "teller@bank.test", "₦0.00"),
        ]
        balance = screen.query_one("#report-wallets", DataTable).get_row_at(0)[3]
        assert balance.justify == "right"


async def test_switching_periods(month):
    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)

        await press(pilot, "m")
        assert screen.report.period.name == "month"
        assert (screen.report.period.first_day, screen.report.period.last_day) == (date(2026, 1, 1),
                                                                                    date(2026, 1, 31))
        # The week's 1,950.00 and Sunday the 11th's 500.00; Saturday the 10th's failed renewal too.
        figures = rendered(screen, "#report-figures")
        assert "₦2,450.00" in figures and "5 deposits" in figures
        assert "Failed renewals           2" in figures
        assert screen.query_one("#period-month").has_class("-chosen")
        assert not screen.query_one("#period-week").has_class("-chosen")

        await press(pilot, "t")
        assert screen.report.period.label == "2026-01-17"
        assert "Reports — Today, 2026-01-17" in str(screen.query_one("#reports-title").content)
        assert chart_totals(screen)["deposit"] == "₦0.00"
        assert screen.query_one("#spark-deposit", Sparkline).data == []  # a flat line: nothing moved

        await pilot.click("#period-week")  # the mouse works too
        await settle(pilot)
        assert screen.report == month.pf.report(month.admin, period="week")


async def test_a_custom_range_of_days_both_included(month):
    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)

        await press(pilot, "c")
        assert screen.focused is screen.query_one("#period-range")
        await fill(pilot, "#period-range", "2026-01-11 -> 2026-01-13")

        assert screen.report == month.pf.report(month.admin, date_from="2026-01-11", date_to="2026-01-14")
        title = str(screen.query_one("#reports-title").content)
        assert "Reports — 2026-01-11 to 2026-01-13 · Africa/Lagos" in title
        # 500.00 on Sunday, 1,000.00 and 250.00 on Monday, 300.00 on Tuesday.
        assert chart_totals(screen)["deposit"] == "₦2,050.00"
        assert screen.query_one("#spark-deposit", Sparkline).data == [50_000, 125_000, 30_000]
        assert screen.focused is screen.query_one("#report-wallets")  # back to the report
        assert screen.query_one("#period-range").has_class("-chosen")

        await fill(pilot, "#period-range", "2026-01-14 to 2026-01-14")  # one day
        assert screen.report.period.label == "2026-01-14"
        assert chart_totals(screen)["withdrawal"] == "₦100.00"


async def test_a_bad_range_is_explained_beside_the_field_and_changes_nothing(month):
    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)
        before = screen.report
        error = screen.query_one("#range-error", Static)
        assert not error.has_class("-shown")

        await fill(pilot, "#period-range", "2026-01-31 -> 2026-01-01", submit=False)
        assert error.has_class("-shown")  # as typed, before Enter
        assert str(error.content) == "The end date is before the start date."
        assert screen.query_one("#period-range").has_class("-invalid")
        await press(pilot, "enter")
        assert screen.report is before

        await fill(pilot, "#period-range", "2026-02-30")
        assert str(error.content) == "Start date 2026-02-30 is not a real calendar day."
        assert screen.report is before

        await fill(pilot, "#period-range", "2026-01-01 → 2026-01-31", submit=False)
        assert not error.has_class("-shown")  # the arrow of the placeholder works too
        await press(pilot, "escape")  # leaves the field, not the screen
        assert app.screen is screen and screen.focused is screen.query_one("#report-wallets")
        await press(pilot, "w")
        assert not error.has_class("-shown") and screen.report == before


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


async def test_export_the_periods_transactions_and_the_report(month, tmp_path):
    pf = month.pf
    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)
        await press(pilot, "e")

        out = tmp_path / "exports" / "transactions-20260117-120000.csv"
        assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [out.name]
        rows = csv_rows(out)
        # Created Monday 00:00 to Sunday 24:00 Lagos: 3 deposits on Mon/Tue, the transfer's two rows,
        # the withdrawal and the refused one, Wednesday night's deposit, the rejected one, Friday's
        # charge, failed renewal and pending deposit.
        expected = [r["reference"] for r in pf._conn().execute(
            "SELECT reference FROM transactions WHERE created_at >= '2026-01-11T23:00'"
            " AND created_at < '2026-01-18T23:00' ORDER BY id")]
        assert len(rows) == 12 and [r["reference"] for r in rows] == expected
        assert [r["amount"] for r in rows if r["type"] == "TRANSFER"] == ["200.00", "200.00"]
        assert any(f"12 rows saved to {out}" in t for t in toasts(app))
        assert not screen.query_one(ExportPanel).display

        await press(pilot, "r")
        report_file = tmp_path / "exports" / "report-20260117-120000.csv"
        totals = {r["item"]: (r["count"], r["amount"])
                  for r in csv_rows(report_file) if r["section"] == "total"}
        assert totals["DEPOSIT"] == ("4", "1950.00")
        assert any(f"saved to {report_file}" in t for t in toasts(app))


async def test_save_the_reports_summary_as_a_one_page_pdf(month, tmp_path):
    import pypdfium2 as pdfium

    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)
        await press(pilot, "m")
        await press(pilot, "p")

        out = tmp_path / "exports" / "report-20260117-120000.pdf"
        assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [out.name]
        doc = pdfium.PdfDocument(str(out))
        lines = doc[0].get_textpage().get_text_range().replace("\r", "").split("\n")
        # The period on screen (this month), not the default week.
        assert len(doc) == 1 and "2026-01-01 to 2026-01-31 (31 days), Africa/Lagos time; amounts in NGN" in lines
        assert f"Deposits 5 NGN {screen.report.totals['DEPOSIT'] // 100:,}.00" in lines
        assert any(f"1 page saved to {out}" in t for t in toasts(app))


async def test_escape_cancels_a_running_export_and_leaves_no_file(month, tmp_path, monkeypatch):
    pf = month.pf
    real_export = pf.export_transactions
    started, release = threading.Event(), threading.Event()

    def held_after_first_progress(session, out, *args, progress=None, **kwargs):
        def progress_then_wait(written, total):
            progress(written, total)
            started.set()
            release.wait(10)

        return real_export(session, out, *args, progress=progress_then_wait, **kwargs)

    monkeypatch.setattr(pf, "export_transactions", held_after_first_progress)
    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)
        await pilot.press("e")
        assert await asyncio.to_thread(started.wait, 10)
        await pilot.pause()
        panel = screen.query_one(ExportPanel)
        assert panel.display and panel.running
        assert screen.query_one(ProgressBar).total is None  # working; no row written yet
        assert str(screen.query_one("#export-what").content) == "Exporting transactions… 12 rows"
        assert screen.check_action("export_report", ()) is None  # one export at a time

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # Escape stopped the export, not the screen
        assert str(screen.query_one("#export-hint").content) == "Cancelling…"
        release.set()
        await settle(pilot)

        assert not panel.display and not panel.running
        assert "Export cancelled; no file was written." in toasts(app)
        assert list((tmp_path / "exports").iterdir()) == []  # nor a partial one
        await press(pilot, "escape")
        assert isinstance(app.screen, StaffMenuScreen)


async def test_in_a_browser_the_file_is_offered_as_a_download(month, tmp_path, monkeypatch):
    delivered = []
    monkeypatch.setattr(PayFlowApp, "is_web", property(lambda app: True))
    app = create_app(pf=month.pf, poll=False)
    monkeypatch.setattr(app, "deliver_binary", lambda path, **kw: delivered.append((path, kw)))
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, month.admin)
        await press(pilot, "r")
        path = tmp_path / "exports" / "report-20260117-120000.csv"
        assert delivered == [(path, {"save_filename": path.name, "mime_type": "text/csv"})]
        assert any("downloading it" in t for t in toasts(app))


async def test_the_report_is_computed_off_the_ui_thread_with_a_loading_state(month, monkeypatch):
    pf = month.pf
    real_report = pf.report
    release = threading.Event()

    def slow_report(*args, **kwargs):
        release.wait(10)
        return real_report(*args, **kwargs)

    monkeypatch.setattr(pf, "report", slow_report)
    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, month.admin)
        key = {section_id: k for k, section_id in app.screen._keys.items()}["reports"]
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.query_one("#report-body").loading and screen.report is None
        assert screen.check_action("export_transactions", ()) is None  # nothing to export yet
        await pilot.press("c", *"2026")  # the screen still answers keys meanwhile
        assert screen.query_one("#period-range").value == "2026"

        release.set()
        await settle(pilot)
        assert not screen.query_one("#report-body").loading
        assert screen.report.deposits_total == 195_000


async def test_a_failure_is_a_sentence_and_the_loading_state_ends(month, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk I/O error")

    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)
        monkeypatch.setattr(month.pf, "report", broken)
        await press(pilot, "m")
        assert not screen.query_one("#report-body").loading
        assert "Something went wrong: disk I/O error. Please try again." in toasts(app)
        assert screen.report.period.name == "week"  # the last good report stays


async def test_the_screen_follows_changes_made_elsewhere(month):
    pf = month.pf
    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, month.admin)
        teller = month.login("teller")  # another terminal, Saturday noon
        tx = pf.request_deposit(teller, 12_345, for_email="bola@bank.test")
        pf.confirm_deposit(teller, tx.reference)
        app._data_changed()
        await settle(pilot)
        assert screen.report.deposits_total == 195_000 + 12_345
        assert chart_totals(screen)["deposit"] == "₦2,073.45"
        assert wallet_rows(screen)[1] == ("2", "Bola Ade", "bola@bank.test", "₦973.45")


async def test_a_teller_has_no_reports_section_and_the_service_refuses(month):
    teller = month.login("teller")
    app = create_app(pf=month.pf, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, teller)
        assert "reports" not in [s.id for s in app.screen._sections]
    with pytest.raises(E.PermissionDenied):
        month.pf.report(teller, period="week")
    with pytest.raises(E.PermissionDenied):
        month.pf.export_report(teller, month.path.parent / "r.csv")


def test_logging_in_loads_neither_the_reports_screen_nor_pandas():
    code = ("import sys, payflow_tui.tui.app, payflow_tui.tui.screens.login;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'pyarrow')"
            " or m == 'payflow_tui.tui.screens.reports'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
