"""Tampering behind the app's back: a balance edited with raw SQL is caught, frozen and
alerted; an audit row or journal entry edited, deleted or inserted is named by verify."""

from __future__ import annotations

import json

import pytest
from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import all_alerts, audit_actions, drop_triggers, scalar, wallet_row

from payflow_tui.services import errors as E
from payflow_tui.services.chain import audit_hash


def test_a_clean_ledger_verifies(bank):
    bank.fund(bank.ada, 50_000)
    bank.pf.transfer(bank.ada, "bola@bank.test", 20_000)
    report = bank.pf.verify()
    assert report.ok, report.problems
    assert report.wallet_integrity.ok
    assert report.heads["audit_log"]["id"] == scalar(bank.pf, "SELECT max(id) FROM audit_log")
    assert all_alerts(bank.pf, bank.admin) == []


def test_a_balance_edited_with_sql_is_found_frozen_and_alerted(bank):
    pf = bank.pf
    bank.fund(bank.ada, 50_000)
    wallet = wallet_row(pf, "ada@bank.test")
    pf._conn().execute("UPDATE wallets SET balance = balance + 1000000 WHERE id = ?", (wallet["id"],))

    report = pf.check_wallet_integrity()

    [finding] = report.findings
    assert (finding.wallet_id, finding.balance, finding.postings_total) == (wallet["id"], 1_050_000, 50_000)
    assert finding.frozen_now and finding.alert_id
    wallet = wallet_row(pf, "ada@bank.test")
    assert (wallet["frozen"], wallet["suspicious"], wallet["frozen_by"]) == (1, 1, None)
    [alert] = all_alerts(pf, bank.admin)
    assert (alert.rule, alert.severity, alert.wallet_id, alert.user_email) == (
        "BALANCE_MISMATCH", "CRITICAL", wallet["id"], "ada@bank.test")
    assert alert.details["difference"] == 1_000_000
    assert "WALLET_FROZEN" in audit_actions(pf) and "ALERT_OPENED" in audit_actions(pf)
    with pytest.raises(E.WalletFrozen):
        pf.transfer(bank.ada, "bola@bank.test", 100)
    notice = pf.account_notice(bank.ada)
    assert notice.frozen and "ledger records" in notice.message


def test_a_second_check_does_not_repeat_the_alert(bank):
    pf = bank.pf
    pf._conn().execute("UPDATE wallets SET balance = 77 WHERE id = ?", (wallet_row(pf, "ada@bank.test")["id"],))
    pf.check_wallet_integrity()
    again = pf.check_wallet_integrity()
    assert len(again.findings) == 1 and not again.findings[0].frozen_now
    assert len(all_alerts(pf, bank.admin)) == 1


def test_verify_runs_the_wallet_check_itself(bank):
    pf = bank.pf
    wallet_id = wallet_row(pf, "bola@bank.test")["id"]
    pf._conn().execute("UPDATE wallets SET balance = 5 WHERE id = ?", (wallet_id,))
    report = pf.verify()
    assert not report.ok
    assert any(f"wallet {wallet_id}" in p for p in report.problems)
    assert report.wallet_integrity.findings[0].frozen_now
    assert report.to_json()["wallet_integrity"]["findings"][0]["difference"] == "0.05"
    assert wallet_row(pf, "bola@bank.test")["frozen"] == 1


def test_an_unfrozen_wallet_still_wrong_is_frozen_again(bank):
    pf = bank.pf
    pf._conn().execute("UPDATE wallets SET balance = 5 WHERE id = ?", (wallet_row(pf, "bola@bank.test")["id"],))
    pf.check_wallet_integrity()
    [alert] = all_alerts(pf, bank.admin)
    pf.resolve_alert(bank.admin, alert.id, "looked into it")
    pf.unfreeze_wallet(bank.admin, "bola@bank.test")
    pf.check_wallet_integrity()
    assert wallet_row(pf, "bola@bank.test")["frozen"] == 1
    assert len(all_alerts(pf, bank.admin)) == 2


def test_alert_only_action_marks_suspicious_without_freezing(bank):
    pf = bank.pf
    pf.set_rule(bank.admin, "BALANCE_MISMATCH", action="ALERT")
    pf._conn().execute("UPDATE wallets SET balance = 5 WHERE id = ?", (wallet_row(pf, "bola@bank.test")["id"],))
    pf.check_wallet_integrity()
    wallet = wallet_row(pf, "bola@bank.test")
    assert (wallet["frozen"], wallet["suspicious"]) == (0, 1)
    assert len(all_alerts(pf, bank.admin)) == 1


# -- the audit chain ------------------------------------------------------------------------

def busy(bank) -> None:
    bank.fund(bank.ada, 50_000)
    bank.pf.transfer(bank.ada, "bola@bank.test", 10_000)
    bank.pf.freeze_wallet(bank.admin, "bola@bank.test", "checking")


def chain_problem(report, noun: str) -> str:
    [problem] = [p for p in report.problems if p.startswith(f"{noun} chain broken")]
    return problem


def test_an_edited_audit_row_is_named(bank):
    busy(bank)
    conn = bank.pf._conn()
    drop_triggers(conn, "audit_log")
    conn.execute("UPDATE audit_log SET details = '{\"reason\":\"nothing to see\"}' WHERE id = 7")
    problem = chain_problem(bank.pf.verify(), "audit")
    assert problem == "audit chain broken at row 7: audit row 7 was altered (its hash does not match its content)"


def test_a_deleted_audit_row_is_named(bank):
    busy(bank)
    conn = bank.pf._conn()
    drop_triggers(conn, "audit_log")
    conn.execute("DELETE FROM audit_log WHERE id = 5")
    assert chain_problem(bank.pf.verify(), "audit") == "audit chain broken at row 6: audit row 5 is missing before row 6"


def test_deleting_the_first_audit_rows_is_named(bank):
    conn = bank.pf._conn()
    drop_triggers(conn, "audit_log")
    conn.execute("DELETE FROM audit_log WHERE id IN (1, 2)")
    assert chain_problem(bank.pf.verify(), "audit") == (
        "audit chain broken at row 3: audit row 1 is missing before row 3 (2 deleted)")


def _insert_audit_row(conn, row_id: int, prev_hash: str, *, good_hash: bool) -> None:
    at, details = "2026-01-15T09:00:00.000000+00:00", json.dumps({"reason": "planted"})
    digest = audit_hash(prev_hash, row_id, at, None, "ROLE_CHANGED", 3, None, details) if good_hash else "f" * 64
    conn.execute("INSERT INTO audit_log (id, at, actor_user_id, action, subject_user_id, subject_wallet_id,"
                 " details, prev_hash, hash) VALUES (?, ?, NULL, 'ROLE_CHANGED', 3, NULL, ?, ?, ?)",
                 (row_id, at, details, prev_hash, digest))


def _make_room(conn, at_id: int) -> None:
    # Shift the rows from at_id up by one to open a gap in the middle.
    conn.execute("UPDATE audit_log SET id = -id WHERE id >= ?", (at_id,))
    conn.execute("UPDATE audit_log SET id = 1 - id WHERE id < 0")


@pytest.mark.parametrize("good_hash", [True, False], ids=["rehashed", "bogus-hash"])
def test_a_row_inserted_in_the_middle_of_the_audit_log_is_named(bank, good_hash):
    busy(bank)
    conn = bank.pf._conn()
    drop_triggers(conn, "audit_log")
    _make_room(conn, 6)
    prev = conn.execute("SELECT hash FROM audit_log WHERE id = 5").fetchone()[0]
    _insert_audit_row(conn, 6, prev, good_hash=good_hash)
    problem = chain_problem(bank.pf.verify(), "audit")
    assert problem.startswith("audit chain broken at row 6:") and "inserted" in problem


def test_a_row_appended_with_a_forged_hash_is_named(bank):
    busy(bank)
    conn = bank.pf._conn()
    last_id, last_hash = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    _insert_audit_row(conn, last_id + 1, last_hash, good_hash=False)  # inserts need no dropped trigger
    problem = chain_problem(bank.pf.verify(), "audit")
    assert problem.startswith(f"audit chain broken at row {last_id + 1}:")


def test_a_row_slipped_in_before_the_first_is_named(bank):
    conn = bank.pf._conn()
    _insert_audit_row(conn, 0, "0" * 64, good_hash=True)
    problem = chain_problem(bank.pf.verify(), "audit")
    assert problem.startswith("audit chain broken at row 0:") and "inserted" in problem


# -- the journal chain ----------------------------------------------------------------------

def test_an_edited_posting_names_its_journal_entry(bank):
    busy(bank)
    conn = bank.pf._conn()
    drop_triggers(conn, "postings")
    entry = scalar(bank.pf, "SELECT max(id) FROM journal_entries")
    conn.execute("UPDATE postings SET amount = amount * 2 WHERE entry_id = ?", (entry,))
    problem = chain_problem(bank.pf.verify(), "journal")
    assert problem.startswith(f"journal chain broken at entry {entry}:") and "altered" in problem


def test_a_deleted_journal_entry_is_named(bank):
    busy(bank)
    bank.fund(bank.ada, 100)
    conn = bank.pf._conn()
    for table in ("journal_entries", "postings", "transactions"):
        drop_triggers(conn, table)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM postings WHERE entry_id = 2")
    conn.execute("DELETE FROM journal_entries WHERE id = 2")
    conn.execute("PRAGMA foreign_keys = ON")
    report = bank.pf.verify()
    problem = chain_problem(report, "journal")
    assert problem == "journal chain broken at entry 3: journal entry 2 is missing before entry 3"
    assert any("without a journal entry" in p for p in report.problems)
