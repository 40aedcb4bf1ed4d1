"""Idempotency keys: a replay returns the original outcome; duplicates have one effect."""

from __future__ import annotations

import multiprocessing
import queue
import threading

import pytest

from tests.conftest import FAST_HASHER, PASSWORD
from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import counts, fund, ledger_problems, query
from tests.ledger_workers import duplicate_transfer
from payflow_tui.services import PayFlow
from payflow_tui.services import errors as E


def test_deposit_replay_returns_the_same_deposit_and_writes_nothing(bank, db_path):
    first = bank.pf.request_deposit(bank.teller, 10_000, for_email="ada@bank.test", key="slip-1")
    before = counts(db_path)
    again = bank.pf.request_deposit(bank.teller, 10_000, for_email="ada@bank.test", key=" slip-1 ")
    assert again == first
    assert counts(db_path) == before


def test_withdraw_replay_returns_the_same_withdrawal_and_writes_nothing(bank, db_path):
    bank.fund(bank.ada, 10_000)
    first = bank.pf.withdraw(bank.ada, 4_000, key="atm-1")
    before = counts(db_path)
    assert bank.pf.withdraw(bank.ada, 4_000, key="atm-1") == first
    assert counts(db_path) == before
    assert bank.pf.balance(bank.ada) == 6_000


def test_transfer_replay_returns_the_original_result_and_writes_nothing(bank, db_path):
    bank.fund(bank.ada, 10_000)
    first = bank.pf.transfer(bank.ada, "bola@bank.test", 3_000, key="rent-jan", memo="rent")
    bank.pf.transfer(bank.ada, "bola@bank.test", 1_000)  # the balance moves on in between
    before = counts(db_path)
    again = bank.pf.transfer(bank.ada, "BOLA@bank.test", 3_000, key="rent-jan", memo="rent")
    assert again == first
    assert again.balance_after == 7_000
    assert counts(db_path) == before
    assert bank.pf.balance(bank.ada) == 6_000 and bank.pf.balance(bank.bola) == 4_000


def test_a_refused_request_replays_its_refusal_without_a_second_row(bank, db_path):
    bank.fund(bank.ada, 1_000)
    with pytest.raises(E.InsufficientFunds) as first:
        bank.pf.transfer(bank.ada, "bola@bank.test", 5_000, key="big-1")
    bank.fund(bank.ada, 10_000)  # even once funded, the key's outcome stays the refusal
    before = counts(db_path)
    with pytest.raises(E.InsufficientFunds) as again:
        bank.pf.transfer(bank.ada, "bola@bank.test", 5_000, key="big-1")
    assert again.value.message == first.value.message
    assert counts(db_path) == before
    with pytest.raises(E.InsufficientFunds):
        bank.pf.withdraw(bank.bola, 1, key="w-1")
    before = counts(db_path)
    with pytest.raises(E.InsufficientFunds):
        bank.pf.withdraw(bank.bola, 1, key="w-1")
    assert counts(db_path) == before


@pytest.mark.parametrize("first, second", [
    (("deposit", 1_000, None), ("deposit", 1_001, None)),
    (("deposit", 1_000, None), ("deposit", 1_000, "bola@bank.test")),
    (("withdraw", 1_000, None), ("withdraw", 2_000, None)),
    (("transfer", 1_000, "bola@bank.test"), ("transfer", 1_000, "teller@bank.test")),
    (("transfer", 1_000, "bola@bank.test"), ("transfer", 1_001, "bola@bank.test")),
    (("deposit", 1_000, None), ("withdraw", 1_000, None)),
    (("withdraw", 1_000, None), ("transfer", 1_000, "bola@bank.test")),
])
def test_the_same_key_with_other_parameters_is_a_conflict(bank, db_path, first, second):
    fund(bank, bank.admin, 100_000)
    call(bank, *first, key="k")
    before = counts(db_path)
    balance = bank.pf.balance(bank.admin)
    with pytest.raises(E.IdempotencyConflict, match="'k'"):
        call(bank, *second, key="k")
    assert counts(db_path) == before
    assert bank.pf.balance(bank.admin) == balance


def call(bank, op, amount, who, *, key):
    if op == "deposit":
        return bank.pf.request_deposit(bank.admin, amount, for_email=who, key=key)
    if op == "withdraw":
        return bank.pf.withdraw(bank.admin, amount, for_email=who, key=key)
    return bank.pf.transfer(bank.admin, who, amount, key=key)


def test_a_transfer_with_another_memo_is_a_conflict(bank):
    bank.fund(bank.ada, 10_000)
    bank.pf.transfer(bank.ada, "bola@bank.test", 1_000, key="m", memo="one")
    with pytest.raises(E.IdempotencyConflict):
        bank.pf.transfer(bank.ada, "bola@bank.test", 1_000, key="m", memo="two")


def test_keys_belong_to_the_user_who_sent_them(bank):
    bank.fund(bank.ada, 10_000)
    bank.fund(bank.bola, 10_000)
    bank.pf.transfer(bank.ada, "teller@bank.test", 1_000, key="same")
    bank.pf.transfer(bank.bola, "teller@bank.test", 1_000, key="same")
    assert bank.pf.balance(bank.teller) == 2_000


@pytest.mark.parametrize("key", ["", "   ", "k" * 201])
def test_malformed_keys_are_bad_input(bank, db_path, key):
    bank.fund(bank.ada, 10_000)
    before = counts(db_path)
    with pytest.raises(E.InvalidInput, match="Idempotency key"):
        bank.pf.transfer(bank.ada, "bola@bank.test", 1_000, key=key)
    assert counts(db_path) == before


def test_concurrent_duplicates_in_threads_have_one_effect(bank, db_path):
    bank.fund(bank.ada, 100_000)
    n = 6
    instances = [PayFlow.open(db_path, password_hasher=FAST_HASHER) for _ in range(n)]
    sessions = [p.login("ada@bank.test", PASSWORD) for p in instances]
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def send(i):
        barrier.wait(timeout=30)
        try:
            results[i] = instances[i].transfer(sessions[i], "bola@bank.test", 2_500, key="dup-thread")
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            results[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for p in instances:
        p.close()
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.transfer_ref for r in results}) == 1
    assert bank.pf.balance(bank.bola) == 2_500 and bank.pf.balance(bank.ada) == 97_500
    assert len(query(db_path, "SELECT 1 FROM transactions WHERE type = 'TRANSFER'")) == 2
    assert len(query(db_path, "SELECT 1 FROM idempotency_keys")) == 1
    assert ledger_problems(db_path) == []


def test_concurrent_duplicates_in_processes_have_one_effect(bank, db_path):
    bank.fund(bank.ada, 100_000)
    ctx = multiprocessing.get_context("spawn")
    n = 4
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=duplicate_transfer,
                         args=(str(db_path), "ada@bank.test", "bola@bank.test", 2_500, "dup-proc",
                               barrier, results))
             for _ in range(n)]
    for p in procs:
        p.start()
    outcomes = []
    for _ in range(n):
        try:
            outcomes.append(results.get(timeout=300))
        except queue.Empty:
            break
    for p in procs:
        p.join(timeout=30)
    assert [o[0] for o in outcomes] == ["ok"] * n, outcomes
    assert len({o[1] for o in outcomes}) == 1
    assert bank.pf.balance(bank.bola) == 2_500
    assert len(query(db_path, "SELECT 1 FROM transactions WHERE type = 'TRANSFER'")) == 2
    assert ledger_problems(db_path) == []
