"""Transfers: both rows and one journal entry in one transaction, or a FAILED row and no money."""

from __future__ import annotations

from contextlib import closing

import pytest

from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import counts, ledger_problems, lock_out, postings_of, query, raw, wallet_account
from payflow_tui.services import errors as E


def transfers(path):
    return query(path, "SELECT * FROM transactions WHERE type = 'TRANSFER' ORDER BY id")


def test_transfer_moves_money_and_writes_both_rows_and_one_entry(bank, db_path):
    bank.fund(bank.ada, 100_000)
    result = bank.pf.transfer(bank.ada, " Bola@Bank.test ", 30_000, memo="  lunch   money ")
    assert result.amount == 30_000 and result.currency == "NGN" and result.balance_after == 70_000
    assert bank.pf.balance(bank.ada) == 70_000 and bank.pf.balance(bank.bola) == 30_000
    debit, credit = transfers(db_path)
    assert debit["reference"] == f"{result.transfer_ref}-D" and credit["reference"] == f"{result.transfer_ref}-C"
    assert debit["transfer_ref"] == credit["transfer_ref"] == result.transfer_ref
    assert (debit["direction"], credit["direction"]) == ("DEBIT", "CREDIT")
    assert debit["status"] == credit["status"] == "SUCCESS"
    assert debit["memo"] == credit["memo"] == "lunch money"
    assert debit["journal_entry_id"] == credit["journal_entry_id"]
    ada_w, bola_w = (bank.pf.wallet(bank.admin, for_email=e).id for e in ("ada@bank.test", "bola@bank.test"))
    assert debit["wallet_id"] == ada_w and debit["counterparty_wallet_id"] == bola_w
    assert credit["wallet_id"] == bola_w and credit["counterparty_wallet_id"] == ada_w
    assert postings_of(db_path, debit["journal_entry_id"]) == [
        (wallet_account(db_path, "ada@bank.test"), -30_000), (wallet_account(db_path, "bola@bank.test"), 30_000)]
    assert result.debit.counterparty_email == "bola@bank.test"
    assert result.credit.counterparty_name == "Ada Obi"
    assert [t.signed_amount for t in bank.pf.history(bank.bola, type="TRANSFER").items] == [30_000]
    assert ledger_problems(db_path) == []


def test_the_whole_balance_can_be_sent(bank):
    bank.fund(bank.ada, 5_000)
    assert bank.pf.transfer(bank.ada, "bola@bank.test", 5_000).balance_after == 0


def test_staff_can_send_from_their_own_wallet(bank):
    bank.fund(bank.teller, 5_000)
    bank.pf.transfer(bank.teller, "ada@bank.test", 2_000)
    assert bank.pf.balance(bank.ada) == 2_000 and bank.pf.balance(bank.teller) == 3_000


def refused(bank, db_path, session, to_email, amount, code, *, sender="ada@bank.test"):
    """Assert the transfer is refused with ``code``, recorded as one FAILED row, and moved nothing."""
    balances = {u: bank.pf.balance(bank.admin, for_email=u) for u in ("ada@bank.test", "bola@bank.test")}
    before = counts(db_path)
    with pytest.raises(E.PayFlowError) as caught:
        bank.pf.transfer(session, to_email, amount)
    assert caught.value.code == code
    after = counts(db_path)
    assert after["transactions"] == before["transactions"] + 1
    assert after["journal_entries"] == before["journal_entries"]
    assert after["postings"] == before["postings"]
    row = transfers(db_path)[-1]
    assert row["status"] == "FAILED" and row["failure_code"] == code
    assert row["failure_reason"] == caught.value.message
    assert row["direction"] == "DEBIT" and row["amount"] == amount and row["journal_entry_id"] is None
    assert row["reference"] == f"{row['transfer_ref']}-D"
    assert query(db_path, "SELECT u.email FROM wallets w JOIN users u ON u.id = w.user_id WHERE w.id = ?",
                 (row["wallet_id"],))[0][0] == sender
    assert {u: bank.pf.balance(bank.admin, for_email=u) for u in balances} == balances
    return row, caught.value


def test_to_oneself_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    refused(bank, db_path, bank.ada, "ada@bank.test", 1_000, "SAME_WALLET")
    refused(bank, db_path, bank.ada, "ADA@BANK.TEST", 1_000, "SAME_WALLET")


def test_unknown_recipient_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    row, err = refused(bank, db_path, bank.ada, "nobody@bank.test", 1_000, "NOT_FOUND")
    assert "nobody@bank.test" in err.message and row["counterparty_wallet_id"] is None


def test_insufficient_funds_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    _, err = refused(bank, db_path, bank.ada, "bola@bank.test", 10_001, "INSUFFICIENT_FUNDS")
    assert "₦100.00" in err.message


def test_frozen_sender_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    bank.pf.freeze_wallet(bank.admin, "ada@bank.test", "chargeback investigation")
    _, err = refused(bank, db_path, bank.ada, "bola@bank.test", 1_000, "WALLET_FROZEN")
    assert "chargeback investigation" in err.message


def test_frozen_recipient_is_refused_without_saying_why(bank, db_path):
    bank.fund(bank.ada, 10_000)
    bank.pf.freeze_wallet(bank.admin, "bola@bank.test", "court order 17")
    _, err = refused(bank, db_path, bank.ada, "bola@bank.test", 1_000, "WALLET_FROZEN")
    assert "court order" not in err.message


def test_locked_recipient_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    lock_out(bank.pf, "bola@bank.test")
    refused(bank, db_path, bank.ada, "bola@bank.test", 1_000, "ACCOUNT_LOCKED")


def test_recipient_whose_lockout_ended_can_receive(bank, clock):
    from tests.conftest import PASSWORD

    bank.fund(bank.ada, 10_000)
    lock_out(bank.pf, "bola@bank.test")
    clock.advance(minutes=15)
    ada = bank.pf.login("ada@bank.test", PASSWORD)
    bank.pf.transfer(ada, "bola@bank.test", 1_000)
    assert bank.pf.balance(ada) == 9_000


def test_disabled_recipient_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    bank.pf.disable_user(bank.admin, "bola@bank.test")
    refused(bank, db_path, bank.ada, "bola@bank.test", 1_000, "ACCOUNT_DISABLED")


def test_locked_or_disabled_sender_cannot_send(bank, db_path):
    bank.fund(bank.ada, 10_000)
    bank.fund(bank.bola, 10_000)
    lock_out(bank.pf, "ada@bank.test")
    disabled = bank.bola
    bank.pf.disable_user(bank.admin, "bola@bank.test")
    before = counts(db_path)
    with pytest.raises(E.AccountLocked):
        bank.pf.transfer(bank.ada, "teller@bank.test", 1_000)
    with pytest.raises(E.AccountDisabled):
        bank.pf.transfer(disabled, "teller@bank.test", 1_000)
    assert counts(db_path)["transactions"] == before["transactions"]
    assert bank.pf.balance(bank.admin, for_email="ada@bank.test") == 10_000
    assert bank.pf.balance(bank.admin, for_email="bola@bank.test") == 10_000
    assert bank.pf.balance(bank.teller) == 0


def test_currency_mismatch_is_refused(bank, db_path):
    bank.fund(bank.ada, 10_000)
    # The API opens only default-currency wallets; make Bola's a dollar wallet by hand.
    with closing(raw(db_path)) as conn:
        account = wallet_account(db_path, "bola@bank.test")
        conn.execute("UPDATE ledger_accounts SET currency = 'USD' WHERE id = ?", (account,))
        conn.execute("UPDATE wallets SET currency = 'USD' WHERE account_id = ?", (account,))
    _, err = refused(bank, db_path, bank.ada, "bola@bank.test", 1_000, "CURRENCY_MISMATCH")
    assert "NGN" in err.message and "USD" in err.message


@pytest.mark.parametrize("to_email", ["", "   ", "bola", None, "x" * 250 + "@b.test"])
def test_malformed_recipient_is_bad_input_and_writes_nothing(bank, db_path, to_email):
    bank.fund(bank.ada, 10_000)
    before = counts(db_path)
    with pytest.raises(E.InvalidInput):
        bank.pf.transfer(bank.ada, to_email, 1_000)
    assert counts(db_path) == before


def test_memo_longer_than_the_limit_is_bad_input(bank, db_path):
    bank.fund(bank.ada, 10_000)
    before = counts(db_path)
    with pytest.raises(E.InvalidInput, match="Memo"):
        bank.pf.transfer(bank.ada, "bola@bank.test", 1_000, memo="m" * 141)
    assert counts(db_path) == before
    bank.pf.transfer(bank.ada, "bola@bank.test", 1_000, memo="m" * 140)


def test_failed_transfers_show_in_the_senders_history_only(bank):
    bank.fund(bank.ada, 1_000)
    with pytest.raises(E.InsufficientFunds):
        bank.pf.transfer(bank.ada, "bola@bank.test", 5_000)
    ada_failed = bank.pf.history(bank.ada, status="FAILED").items
    assert len(ada_failed) == 1 and ada_failed[0].failure_code == "INSUFFICIENT_FUNDS"
    assert ada_failed[0].counterparty_email == "bola@bank.test"
    assert bank.pf.history(bank.bola).items == []


def test_recipient_preview_shows_the_name_only(bank):
    bank.fund(bank.ada, 1_000)
    preview = bank.pf.recipient_preview(bank.ada, "BOLA@bank.test")
    assert preview == {"name": "Bola Ade", "email": "bola@bank.test", "balance": 1_000}
    with pytest.raises(E.SameWallet):
        bank.pf.recipient_preview(bank.ada, "ada@bank.test")
    with pytest.raises(E.NotFound):
        bank.pf.recipient_preview(bank.ada, "nobody@bank.test")


def test_back_and_forth_keeps_totals(bank, db_path):
    bank.fund(bank.ada, 50_000)
    bank.fund(bank.bola, 50_000)
    for i in range(20):
        a, b = (bank.ada, "bola@bank.test") if i % 2 else (bank.bola, "ada@bank.test")
        bank.pf.transfer(a, b, 1_000 + i)
    total = bank.pf.balance(bank.ada) + bank.pf.balance(bank.bola)
    assert total == 100_000
    assert ledger_problems(db_path) == []
    assert bank.pf.verify().ok
