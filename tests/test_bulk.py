"""Bulk transfers from a CSV file: a summary, safe reruns, malformed files refused whole."""

from __future__ import annotations

import pytest

from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import counts, ledger_problems, query
from payflow_tui.services import errors as E

PAYROLL = """email,amount,reference
bola@bank.test,"1,500.50",PAY-001
teller@bank.test,200,PAY-002
nobody@bank.test,10,PAY-003
bola@bank.test,12.345,PAY-004
not-an-email,5,PAY-005
bola@bank.test,45000,PAY-006
"""


def test_summary_names_what_was_sent_and_why_the_rest_was_refused(bank, db_path):
    bank.fund(bank.ada, 500_000)
    summary = bank.pf.bulk_transfer(bank.ada, PAYROLL)
    by_ref = {r.reference: r for r in summary.rows}
    assert [r.reference for r in summary.sent] == ["PAY-001", "PAY-002"]
    assert summary.sent_total == 150_050 + 20_000
    assert {r.reference: r.code for r in summary.refused} == {
        "PAY-003": "NOT_FOUND", "PAY-004": "INVALID_AMOUNT", "PAY-005": "INVALID_INPUT",
        "PAY-006": "INSUFFICIENT_FUNDS"}
    assert all(r.reason for r in summary.refused)
    assert "2 decimal" in by_ref["PAY-004"].reason
    assert [r.line for r in summary.rows] == [2, 3, 4, 5, 6, 7]
    assert bank.pf.balance(bank.ada) == 500_000 - 170_050
    assert bank.pf.balance(bank.bola) == 150_050 and bank.pf.balance(bank.teller) == 20_000
    # Each sent row is a transfer with the row's reference as its memo.
    sent = query(db_path, "SELECT transfer_ref, memo FROM transactions WHERE type = 'TRANSFER'"
                          " AND status = 'SUCCESS' AND direction = 'DEBIT' ORDER BY id")
    assert [(r[0], r[1]) for r in sent] == [(by_ref["PAY-001"].transfer_ref, "PAY-001"),
                                            (by_ref["PAY-002"].transfer_ref, "PAY-002")]
    # Well-formed refusals are FAILED transfers; malformed rows (bad amount, bad email) leave no row.
    failed = query(db_path, "SELECT memo, failure_code FROM transactions WHERE status = 'FAILED' ORDER BY id")
    assert [(r[0], r[1]) for r in failed] == [("PAY-003", "NOT_FOUND"), ("PAY-006", "INSUFFICIENT_FUNDS")]
    data = summary.to_json()
    assert data["sent"] == 2 and data["refused"] == 4 and data["sent_total"] == "1700.50"
    assert data["rows"][0]["amount"] == "1500.50" and data["rows"][3]["amount"] is None
    assert ledger_problems(db_path) == []


def test_a_rerun_sends_nothing_twice(bank, db_path):
    bank.fund(bank.ada, 500_000)
    first = bank.pf.bulk_transfer(bank.ada, PAYROLL)
    before = counts(db_path)
    balances = [bank.pf.balance(s) for s in (bank.ada, bank.bola, bank.teller)]
    second = bank.pf.bulk_transfer(bank.ada, PAYROLL)
    assert counts(db_path) == before
    assert [bank.pf.balance(s) for s in (bank.ada, bank.bola, bank.teller)] == balances
    assert [(r.reference, r.status, r.transfer_ref, r.code) for r in second.rows] == \
           [(r.reference, r.status, r.transfer_ref, r.code) for r in first.rows]


def test_a_file_extended_with_new_rows_sends_only_the_new_ones(bank, db_path):
    bank.fund(bank.ada, 100_000)
    bank.pf.bulk_transfer(bank.ada, "email,amount,reference\nbola@bank.test,10,R1\n")
    summary = bank.pf.bulk_transfer(bank.ada, "email,amount,reference\nbola@bank.test,10,R1\n"
                                              "bola@bank.test,20,R2\n")
    assert [r.status for r in summary.rows] == ["SENT", "SENT"]
    assert bank.pf.balance(bank.bola) == 3_000
    assert len(query(db_path, "SELECT 1 FROM transactions WHERE type = 'TRANSFER'")) == 4


def test_the_same_reference_with_another_amount_is_a_conflict(bank):
    bank.fund(bank.ada, 100_000)
    bank.pf.bulk_transfer(bank.ada, "email,amount,reference\nbola@bank.test,10,R1\n")
    summary = bank.pf.bulk_transfer(bank.ada, "email,amount,reference\nbola@bank.test,11,R1\n")
    assert summary.rows[0].code == "IDEMPOTENCY_CONFLICT"
    assert bank.pf.balance(bank.bola) == 1_000


def test_header_may_reorder_columns_carry_extras_a_bom_and_blank_lines(bank):
    bank.fund(bank.ada, 100_000)
    text = "\ufeffReference , Note, EMAIL ,Amount\r\nX1,june,bola@bank.test,₦10\r\n\r\n,,,\r\nX2,,bola@bank.test,NGN 5\r\n"
    summary = bank.pf.bulk_transfer(bank.ada, text)
    assert [r.status for r in summary.rows] == ["SENT", "SENT"]
    assert bank.pf.balance(bank.bola) == 1_500


MALFORMED = {
    "empty": "",
    "blank": "  \n \n",
    "no header": "bola@bank.test,10,R1\nbola@bank.test,20,R2\n",
    "missing column": "email,amount\nbola@bank.test,10\n",
    "header only": "email,amount,reference\n",
    "duplicate reference": "email,amount,reference\nbola@bank.test,10,R1\nbola@bank.test,20,R1\n",
    "empty reference": "email,amount,reference\nbola@bank.test,10,R1\nbola@bank.test,20,\n",
    "bad quoting": 'email,amount,reference\nbola@bank.test,10,R1\n"bola@bank.test,20,R2\n',
    "nul byte": "email,amount,reference\nbola@bank.test,10,R1\nbola\x00@bank.test,20,R2\n",
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_file_is_refused_whole(bank, db_path, name):
    bank.fund(bank.ada, 100_000)
    before = counts(db_path)
    with pytest.raises(E.InvalidInput) as caught:
        bank.pf.bulk_transfer(bank.ada, MALFORMED[name])
    assert caught.value.message
    assert counts(db_path) == before
    assert bank.pf.balance(bank.bola) == 0


def test_duplicate_reference_message_names_both_lines(bank):
    with pytest.raises(E.InvalidInput, match="line 2"):
        bank.pf.bulk_transfer(bank.ada, MALFORMED["duplicate reference"])


def test_too_many_rows_is_refused_whole(bank, db_path):
    from payflow_tui.services.bulk import MAX_ROWS

    bank.fund(bank.ada, 100_000)
    text = "email,amount,reference\n" + "".join(f"bola@bank.test,1,R{i}\n" for i in range(MAX_ROWS + 1))
    before = counts(db_path)
    with pytest.raises(E.InvalidInput, match="limit"):
        bank.pf.bulk_transfer(bank.ada, text)
    assert counts(db_path) == before


@pytest.mark.parametrize("row, code", [
    ("bola@bank.test,0,B1", "INVALID_AMOUNT"),
    ("bola@bank.test,-5,B1", "INVALID_AMOUNT"),
    ("bola@bank.test,1e3,B1", "INVALID_AMOUNT"),
    ("bola@bank.test,,B1", "INVALID_AMOUNT"),
    ("bola@bank.test,100000001,B1", "INVALID_AMOUNT"),
    (",10,B1", "INVALID_INPUT"),
    ("bola@bank.test,10," + "r" * 200, "INVALID_INPUT"),
    ("ada@bank.test,10,B1", "SAME_WALLET"),
])
def test_a_bad_row_is_refused_alone(bank, row, code):
    bank.fund(bank.ada, 100_000)
    text = f"email,amount,reference\nbola@bank.test,10,GOOD1\n{row}\nbola@bank.test,20,GOOD2\n"
    summary = bank.pf.bulk_transfer(bank.ada, text)
    assert [r.status for r in summary.rows] == ["SENT", "REFUSED", "SENT"]
    assert summary.rows[1].code == code and summary.rows[1].reason
    assert bank.pf.balance(bank.bola) == 3_000
    assert bank.pf.balance(bank.ada) == 97_000


def test_a_frozen_sender_is_refused_row_by_row_and_nothing_moves(bank, db_path):
    bank.fund(bank.ada, 100_000)
    bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "review")
    summary = bank.pf.bulk_transfer(bank.ada, "email,amount,reference\nbola@bank.test,10,F1\n"
                                              "teller@bank.test,10,F2\n")
    assert [r.code for r in summary.rows] == ["WALLET_FROZEN", "WALLET_FROZEN"]
    assert bank.pf.balance(bank.ada) == 100_000


def test_an_expired_session_stops_the_batch(bank, clock):
    clock.advance(minutes=16)
    with pytest.raises(E.SessionExpired):
        bank.pf.bulk_transfer(bank.ada, "email,amount,reference\nbola@bank.test,10,S1\n")
