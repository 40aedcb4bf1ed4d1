"""Checking the whole ledger: balances, chains, links and SQLite's own integrity."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..money import format_amount
from .base import ServiceBase
from .chain import first_broken_audit_row, first_broken_journal_entry


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    mismatched_wallets: list[int] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"ok": self.ok, "problems": self.problems, "checked": self.checked}


class IntegrityMixin(ServiceBase):
    def verify(self) -> VerifyReport:
        """Check every invariant of the ledger and name each problem found.

        No session needed: an operator's health check that changes nothing.
        """
        report = VerifyReport()
        with self._read() as conn:
            for (msg,) in conn.execute("PRAGMA integrity_check"):
                if msg != "ok":
                    report.problems.append(f"SQLite integrity check: {msg}")
            for r in conn.execute(
                "SELECT entry_id, sum(amount) FROM postings GROUP BY entry_id HAVING sum(amount) <> 0"
            ):
                report.problems.append(f"journal entry {r[0]} does not balance (sum {r[1]})")
            for r in conn.execute(
                "SELECT e.id FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id"
                " GROUP BY e.id HAVING count(p.id) < 2"
            ):
                report.problems.append(f"journal entry {r[0]} has fewer than two postings")
            for r in self._wallet_mismatches(conn):
                report.mismatched_wallets.append(r[0])
                report.problems.append(
                    f"wallet {r[0]} ({r[1]}) balance {format_amount(r[2], r[4])} does not equal"
                    f" its postings {format_amount(r[3], r[4])}"
                )
            for r in conn.execute(
                "SELECT reference FROM transactions t WHERE status = 'SUCCESS' AND (journal_entry_id IS NULL"
                " OR NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = t.journal_entry_id))"
            ):
                report.problems.append(f"transaction {r[0]} is SUCCESS without a journal entry")
            # A status flipped by hand can point at someone else's entry: the entry must
            # move this transaction's own wallet by its own amount, in its direction.
            # The unary plus keeps SQLite on the entry's index (two postings) rather than
            # the account's (all of a wallet's postings, for every one of its transactions).
            for r in conn.execute(
                "SELECT t.reference, t.journal_entry_id FROM transactions t"
                " JOIN wallets w ON w.id = t.wallet_id WHERE t.status = 'SUCCESS'"
                " AND EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = t.journal_entry_id)"
                " AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = t.journal_entry_id"
                "   AND +p.account_id = w.account_id"
                "   AND p.amount = CASE t.direction WHEN 'CREDIT' THEN t.amount ELSE -t.amount END)"
            ):
                report.problems.append(
                    f"transaction {r[0]} does not match its journal entry {r[1]} (wallet or amount differs)")
            for r in conn.execute("SELECT id FROM wallets WHERE balance < 0"):
                report.problems.append(f"wallet {r[0]} has a negative balance")
            broken = first_broken_journal_entry(conn)
            if broken:
                report.problems.append(f"journal chain broken at entry {broken[0]}: {broken[1]}")
            broken = first_broken_audit_row(conn)
            if broken:
                report.problems.append(f"audit chain broken at row {broken[0]}: {broken[1]}")
            for table in ("journal_entries", "postings", "transactions", "wallets", "audit_log"):
                report.checked[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return report

    def _wallet_mismatches(self, conn):
        return conn.execute(
            "SELECT w.id, u.email, w.balance, coalesce(p.total, 0), w.currency FROM wallets w"
            " JOIN users u ON u.id = w.user_id"
            " LEFT JOIN (SELECT account_id, sum(amount) AS total FROM postings GROUP BY account_id) p"
            "   ON p.account_id = w.account_id"
            " WHERE w.balance <> coalesce(p.total, 0)"
        ).fetchall()
