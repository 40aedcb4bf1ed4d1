"""Helpers shared by the fraud, alert and audit tests."""

from __future__ import annotations

import pytest

from payflow_tui.services import errors as E


@pytest.fixture
def bank(bank):
    """The shared bank with two-factor step-up out of the way: these tests are about the
    fraud rules, which see a payment only once step-up has let it through."""
    with bank.pf._write() as conn:
        bank.pf._put_setting(conn, "step_up_threshold_minor", str(10**15))
    return bank


def fail_transfers(pf, session, n: int, to: str = "bola@bank.test") -> None:
    """``n`` transfers refused for want of funds: each one a FAILED row."""
    for _ in range(n):
        with pytest.raises(E.InsufficientFunds):
            pf.transfer(session, to, 10_000_000_000)


def all_alerts(pf, admin, **filters) -> list:
    return pf.list_alerts(admin, status="ALL", **filters).items


def scalar(pf, sql: str, *args):
    return pf._conn().execute(sql, args).fetchone()[0]


def user_row(pf, email: str):
    return pf._conn().execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()


def wallet_row(pf, email: str):
    return pf._conn().execute(
        "SELECT w.* FROM wallets w JOIN users u ON u.id = w.user_id WHERE u.email = ?", (email,)
    ).fetchone()


def audit_actions(pf) -> list[str]:
    return [r[0] for r in pf._conn().execute("SELECT action FROM audit_log ORDER BY id")]


def drop_triggers(conn, table: str) -> None:
    """What someone with the sqlite3 shell does first."""
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")


def ledger_state(pf) -> dict:
    """Everything a refused or rolled-back movement must leave as it was."""
    conn = pf._conn()
    return {
        "balances": [tuple(r) for r in conn.execute("SELECT id, balance FROM wallets ORDER BY id")],
        "journal": scalar(pf, "SELECT count(*) FROM journal_entries"),
        "postings": scalar(pf, "SELECT count(*) FROM postings"),
        "transactions": scalar(pf, "SELECT count(*) FROM transactions"),
        "alerts": scalar(pf, "SELECT count(*) FROM alerts"),
        "links": scalar(pf, "SELECT count(*) FROM alert_transactions"),
        "audit": scalar(pf, "SELECT count(*) FROM audit_log"),
    }


def advance(bank, clock, **delta) -> None:
    """Move the clock and log everyone in again (sessions expire after 15 idle minutes)."""
    from datetime import timedelta

    from tests.conftest import PASSWORD

    clock.advance(**delta)
    if timedelta(**delta) < timedelta(minutes=15):
        return
    for name in ("admin", "teller", "ada", "bola"):
        try:
            setattr(bank, name, bank.pf.login(f"{name}@bank.test", PASSWORD))
        except E.PayFlowError:
            pass  # locked or disabled: the test is about that
