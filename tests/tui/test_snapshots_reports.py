"""Snapshots of the reports screen at 100x30, on the fixed month of tests/reports_dataset.py.

Regenerate with ``pytest tests/tui/test_snapshots_reports.py --snapshot-update`` and look
at the .svg files before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from payflow_tui.services import ledger
from tests import reports_dataset
from tests.reports_dataset import build_month

from .conftest import SIZE, settle
from .staff_helpers import sign_in
from .test_snapshots_staff import fixed_references  # noqa: F401  (a fixture)


@pytest.fixture
def month(bank, clock, fixed_references, monkeypatch):  # noqa: F811
    # The dataset module imported the random one; give it the counting one too.
    monkeypatch.setattr(reports_dataset, "new_reference", ledger.new_reference)
    return build_month(bank, clock).bank


def steps(session, *keys: str):
    async def run_before(pilot) -> None:
        await sign_in(pilot, session)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        keys_by_section = {section_id: k for k, section_id in pilot.app.screen._keys.items()}
        await pilot.press(keys_by_section["reports"])
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_reports_this_week(snap_compare, month, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(month.admin))


def test_reports_range_refused_beside_the_field(snap_compare, month, make_app):
    typed = list("2026-01-31 -> 2026-01-01")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(month.admin, "c", *typed))
