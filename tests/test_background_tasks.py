"""The scheduler also runs the wallet integrity check (each cron run) and webhook delivery (every few seconds)."""

from __future__ import annotations

from tests.fraud_support import bank  # noqa: F401  (the shared bank, step-up out of the way)
from tests.fraud_support import wallet_row

from payflow_tui.services import Scheduler


def test_the_task_list_holds_integrity_and_delivery(bank):
    tasks = {t.name: t for t in bank.pf._scheduler_tasks()}
    assert tasks["wallet_integrity"].every is None  # with every cron run
    assert tasks["webhook_delivery"].every.total_seconds() == 5


def test_a_run_catches_a_balance_edited_behind_the_ledger(bank):
    pf = bank.pf
    bank.fund(bank.ada, 50_000)
    wallet = wallet_row(pf, "ada@bank.test")
    pf._conn().execute("UPDATE wallets SET balance = balance + 1000000 WHERE id = ?", (wallet["id"],))

    run = pf.run_now(bank.admin)

    assert run.status == "DONE"
    wallets = pf._conn().execute("SELECT count(*) FROM wallets").fetchone()[0]
    assert run.details["wallet_integrity"] == {"wallets_checked": wallets, "wallets_mismatched": 1}
    assert wallet_row(pf, "ada@bank.test")["frozen"] == 1


def test_the_loop_runs_a_delivery_pass_and_records_it(bank):
    pf = bank.pf
    Scheduler(pf, tick=30).step()
    row = pf._conn().execute(
        "SELECT last_status FROM scheduler_task_state WHERE name = 'webhook_delivery'").fetchone()
    assert row is not None and row[0] == "OK"
