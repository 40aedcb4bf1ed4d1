"""The fraud rules engine: rules read from ``fraud_rules``, evaluated inside each
money movement's own transaction, so a block, a lock, a freeze or an alert
commits (or rolls back) together with the movement.

A blocking rule runs before any money moves (``_rules_before``) and refuses the
movement through ``Movement.refuse``: a FAILED transaction row exactly like the
operation's own refusals, then an alert linking that row. Alerting rules run
after the movement's rows are written (``_rules_after``), SUCCESS or FAILED.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from ..clock import to_iso
from . import errors as E
from .alerts import AlertsMixin
from .audit_trail import AuditTrailMixin
from .base import CommittedRefusal, Movement, Session
from .chain import last_link
from .fraud_views import IntegrityReport, LedgerVerifyReport, RuleView, WalletFinding, rule_view
from .ledger import insert_transaction, new_reference
from .rule_checks import (Finding, daily_transfer_out, large_after_security_change, new_recipients,
                          repeated_failures)
from .rule_defs import (BALANCE_MISMATCH, DAILY_TRANSFER_OUT, LARGE_AFTER_SECURITY_CHANGE,
                        NEW_RECIPIENTS, REPEATED_FAILURES, check_action, check_severity, rule_def)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_RULE_SELECT = ("SELECT r.*, u.email AS updated_by_email FROM fraud_rules r"
                " LEFT JOIN users u ON u.id = r.updated_by")


class FraudMixin(AlertsMixin, AuditTrailMixin):
    # -- evaluating rules inside a movement ------------------------------------------------

    def _enabled_rules(self, conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
        return self._tx_cached(conn, "enabled_rules", lambda c: {
            r["code"]: r for r in c.execute("SELECT * FROM fraud_rules WHERE enabled = 1")})

    def _rule_params(self, conn: sqlite3.Connection) -> dict[str, dict]:
        """Each enabled rule's parameters, parsed once per transaction."""
        return self._tx_cached(conn, "rule_params", lambda c: {
            code: json.loads(rule["params"]) for code, rule in self._enabled_rules(c).items()})

    def _movement_checks(self, zone: ZoneInfo):
        return (
            (REPEATED_FAILURES, repeated_failures),
            (DAILY_TRANSFER_OUT, lambda c, mv, p, phase: daily_transfer_out(c, mv, p, phase, zone=zone)),
            (NEW_RECIPIENTS, new_recipients),
            (LARGE_AFTER_SECURITY_CHANGE, large_after_security_change),
        )

    def _rules_before(self, conn: sqlite3.Connection, movement: Movement) -> None:
        super()._rules_before(conn, movement)
        if movement.kind not in ("WITHDRAWAL", "TRANSFER"):
            return
        rules = self._enabled_rules(conn)
        parsed = self._rule_params(conn)
        zone = ZoneInfo(self._setting(conn, "timezone"))
        for code, check in self._movement_checks(zone):
            rule = rules.get(code)
            if rule is None:
                continue
            params = parsed[code]
            finding = check(conn, movement, params, "before") if rule["action"] == "BLOCK" else None
            if finding is None and code == DAILY_TRANSFER_OUT:
                # The hard limit blocks whatever the rule's own action is.
                finding = daily_transfer_out(conn, movement, params, "before", zone=zone,
                                             limit_key="block_threshold")
            if finding is not None:
                self._block(conn, movement, rule, finding)

    def _rules_after(self, conn: sqlite3.Connection, movement: Movement) -> None:
        super()._rules_after(conn, movement)
        rules = self._enabled_rules(conn)
        if not rules:
            return
        parsed = self._rule_params(conn)
        for code, check in self._movement_checks(ZoneInfo(self._setting(conn, "timezone"))):
            rule = rules.get(code)
            if rule is None or rule["action"] == "BLOCK":
                continue
            finding = check(conn, movement, parsed[code], "after")
            if finding is not None:
                self._act(conn, movement, rule, finding)

    def _act(self, conn: sqlite3.Connection, mv: Movement, rule: sqlite3.Row, finding: Finding) -> int:
        """Take the rule's action on the movement's user or wallet, then open or extend its alert."""
        taken = "alert"
        if rule["action"] == "LOCK_USER":
            taken = self._lock_for_rule(conn, mv.user_id, finding.reason, rule["code"], mv.now)
        elif rule["action"] == "FREEZE":
            taken = self._freeze_for_rule(conn, mv.wallet_id, finding.reason, rule["code"], mv.now)
        ids = sorted(set(finding.transaction_ids) | set(mv.transaction_ids))
        return self._open_alert(conn, rule, user_id=mv.user_id, wallet_id=mv.wallet_id,
                                summary=finding.summary, details={**finding.details, "action": taken},
                                transaction_ids=ids, now=mv.now, extend_since=finding.extend_since,
                                opening_ids=finding.opening_ids)

    def _block(self, conn: sqlite3.Connection, mv: Movement, rule: sqlite3.Row, finding: Finding) -> None:
        """Refuse the movement as its operation refuses (FAILED row, idempotency, alerting
        rules), link the FAILED row to an alert, and let the refusal commit."""
        contact = self._setting(conn, "support_contact")
        error = E.RuleBlocked(f"{finding.refusal}. If this is a mistake, contact {contact}.")
        refuse = mv.refuse or (lambda err: self._refuse_unrecorded_kind(conn, mv, err))
        try:
            refuse(error)
        except CommittedRefusal:
            # Each block is its own alert: a refused payment is news even when an
            # alert about the same pattern is already open.
            ids = sorted(set(finding.transaction_ids) | set(mv.transaction_ids))
            self._open_alert(conn, rule, user_id=mv.user_id, wallet_id=mv.wallet_id,
                             summary=f"Blocked: {finding.summary}",
                             details={**finding.details, "action": "blocked"},
                             transaction_ids=ids, now=mv.now, opening_ids=finding.opening_ids)
            raise
        raise RuntimeError("Movement.refuse returned instead of raising CommittedRefusal")

    def _refuse_unrecorded_kind(self, conn: sqlite3.Connection, mv: Movement, error: E.PayFlowError) -> None:
        # For an operation that set no ``refuse``: the same FAILED row, without idempotency.
        wallet = conn.execute("SELECT * FROM wallets WHERE id = ?", (mv.wallet_id,)).fetchone()
        reference = new_reference(mv.kind)
        transfer_ref = reference if mv.kind == "TRANSFER" else None
        tx_id = insert_transaction(
            conn, wallet=wallet, type=mv.kind, direction="DEBIT", amount=mv.amount, status="FAILED",
            reference=f"{reference}-D" if transfer_ref else reference, at=mv.now, actor_id=mv.actor_id,
            transfer_ref=transfer_ref, counterparty_wallet_id=mv.counterparty_wallet_id,
            failure_code=error.code, failure_reason=error.message,
        )
        mv.status, mv.transaction_ids = "FAILED", [tx_id]
        self._rules_after(conn, mv)
        raise CommittedRefusal(error)

    def _lock_for_rule(self, conn: sqlite3.Connection, user_id: int, reason: str, rule_code: str,
                       now: datetime) -> str:
        """Lock until an admin unlocks (locked_until NULL); returns what was done."""
        user = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if user["status"] != "ACTIVE":
            return f"already {user['status'].lower()}"
        if user["role"] == "ADMIN" and not conn.execute(
                "SELECT 1 FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE' AND id <> ?",
                (user_id,)).fetchone():
            # Locking the last admin would leave no one able to unlock anybody.
            return "not locked: the only active admin"
        conn.execute("UPDATE users SET status = 'LOCKED', locked_until = NULL, lock_reason = ?"
                     " WHERE id = ?", (reason, user_id))
        self._audit(conn, "ACCOUNT_LOCKED", actor_id=None, subject_user_id=user_id, at=now,
                    reason=reason, rule=rule_code)
        self._emit(conn, "account.locked", user_id=user_id, reason=reason)
        return "locked"

    def _freeze_for_rule(self, conn: sqlite3.Connection, wallet_id: int, reason: str, rule_code: str,
                         now: datetime) -> str:
        """Freeze and mark suspicious; returns what was done."""
        wallet = conn.execute("SELECT * FROM wallets WHERE id = ?", (wallet_id,)).fetchone()
        if wallet["frozen"]:
            if not wallet["suspicious"]:
                conn.execute("UPDATE wallets SET suspicious = 1 WHERE id = ?", (wallet_id,))
                self._audit(conn, "WALLET_MARKED_SUSPICIOUS", actor_id=None, at=now,
                            subject_user_id=wallet["user_id"], subject_wallet_id=wallet_id,
                            reason=reason, rule=rule_code)
            return "already frozen"
        conn.execute("UPDATE wallets SET frozen = 1, frozen_by = NULL, frozen_at = ?, frozen_reason = ?,"
                     " suspicious = 1 WHERE id = ?", (to_iso(now), reason, wallet_id))
        self._audit(conn, "WALLET_FROZEN", actor_id=None, subject_user_id=wallet["user_id"],
                    subject_wallet_id=wallet_id, at=now, reason=reason, rule=rule_code, suspicious=True)
        self._emit(conn, "wallet.frozen", user_id=wallet["user_id"], wallet_id=wallet_id, reason=reason)
        return "frozen"

    # -- the wallet integrity rule ---------------------------------------------------------

    def check_wallet_integrity(self) -> IntegrityReport:
        """Find wallets whose balance differs from the sum of their postings (say, a
        balance edited with the sqlite3 shell): mark each suspicious, freeze it and
        open a critical alert, as rule BALANCE_MISMATCH says.

        No session: run by ``verify``, at the app's start and by the scheduler.
        An unresolved alert for the same wallet is not repeated. The scan reads
        without the write lock; only wallets found wrong are re-checked under it.
        """
        with self._read() as conn:
            checked = conn.execute("SELECT count(*) FROM wallets").fetchone()[0]
            suspects = [r[0] for r in conn.execute(_MISMATCH_SQL)]
        if not suspects:
            return IntegrityReport(checked, [])
        findings = []
        with self._write() as conn:
            now = self._now(conn)
            rule = conn.execute("SELECT * FROM fraud_rules WHERE code = ?", (BALANCE_MISMATCH,)).fetchone()
            marks = ",".join("?" * len(suspects))
            for r in conn.execute(_MISMATCH_SQL + f" AND w.id IN ({marks})", suspects).fetchall():
                findings.append(self._wallet_mismatch(conn, r, rule, now))
        return IntegrityReport(checked, findings)

    def _wallet_mismatch(self, conn: sqlite3.Connection, r: sqlite3.Row, rule: sqlite3.Row,
                         now: datetime) -> WalletFinding:
        frozen_now, alert_id = False, None
        if rule is not None and rule["enabled"]:
            reason = "its balance does not match its ledger records and is being checked"
            if rule["action"] == "FREEZE":
                frozen_now = self._freeze_for_rule(conn, r["id"], reason, rule["code"], now) == "frozen"
            elif not r["suspicious"]:
                conn.execute("UPDATE wallets SET suspicious = 1 WHERE id = ?", (r["id"],))
                self._audit(conn, "WALLET_MARKED_SUSPICIOUS", actor_id=None, at=now,
                            subject_user_id=r["user_id"], subject_wallet_id=r["id"], reason=reason,
                            rule=rule["code"])
            details = {"balance": r["balance"], "postings_total": r["postings_total"],
                       "difference": r["balance"] - r["postings_total"], "currency": r["currency"],
                       "action": "frozen" if frozen_now else "alert"}
            alert_id = self._open_alert(
                conn, rule, user_id=r["user_id"], wallet_id=r["id"],
                summary=f"Wallet {r['id']} balance differs from its ledger postings",
                details=details, transaction_ids=[], now=now, extend_since=_EPOCH)
        return WalletFinding(r["id"], r["email"], r["balance"], r["postings_total"], r["currency"],
                             frozen_now, alert_id)

    def verify(self) -> LedgerVerifyReport:
        """Check every invariant of the ledger and both hash chains, naming each problem
        and the first broken row of each chain; first runs the wallet integrity check,
        so a tampered balance is frozen and alerted whoever runs ``verify``.

        No session needed: an operator's health check.
        """
        integrity = self.check_wallet_integrity()
        report = super().verify()  # type: ignore[misc]  # IntegrityMixin's, later in PayFlow's bases
        with self._read() as conn:
            heads = {}
            for table in ("audit_log", "journal_entries"):
                last_id, digest = last_link(conn, table)
                heads[table] = {"id": last_id, "hash": digest}
        return LedgerVerifyReport.extend(report, integrity, heads)

    # -- editing rules ----------------------------------------------------------------------

    def list_rules(self, session: Session) -> list[RuleView]:
        """Every fraud rule with its parameters, action, severity and state. Callers: ADMIN."""
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            return [rule_view(r) for r in conn.execute(_RULE_SELECT + " ORDER BY r.rowid")]

    def set_rule(self, session: Session, code: str, *, enabled: bool | None = None,
                 action: str | None = None, severity: str | None = None,
                 params: dict | None = None) -> RuleView:
        """Change a rule's parameters (merged into the current ones), action, severity
        or enabled state; audited with the old and new values. Callers: ADMIN.

        Refuses an unknown rule or parameter, a value of the wrong kind or out of
        range, an action the rule cannot take, a daily blocking threshold below
        its alert threshold, and a call that changes nothing.
        """
        definition = rule_def(code)
        if params is not None and not isinstance(params, dict):
            raise E.InvalidInput("params must be a mapping of parameter names to values.")
        if enabled is None and action is None and severity is None and not params:
            raise E.InvalidInput("Nothing to change: give enabled, action, severity or params.")
        if enabled is not None and not isinstance(enabled, bool):
            raise E.InvalidInput("enabled must be true or false.")
        action = check_action(definition, action) if action is not None else None
        severity = check_severity(severity) if severity is not None else None
        new_params = definition.check_params(dict(params or {}))
        with self._write() as conn:
            actor = self._actor(conn, session, "ADMIN")
            row = conn.execute("SELECT * FROM fraud_rules WHERE code = ?", (definition.code,)).fetchone()
            old = {"enabled": bool(row["enabled"]), "action": row["action"], "severity": row["severity"],
                   "params": json.loads(row["params"])}
            new = {"enabled": old["enabled"] if enabled is None else enabled,
                   "action": action or old["action"], "severity": severity or old["severity"],
                   "params": {**old["params"], **new_params}}
            _check_combination(definition.code, new["params"])
            changes = {k: {"old": old[k], "new": new[k]} for k in old if old[k] != new[k]}
            if not changes:
                raise E.Conflict(f"Rule {definition.code} already has these values.")
            self._tx_forget("enabled_rules")
            self._tx_forget("rule_params")
            conn.execute(
                "UPDATE fraud_rules SET enabled = ?, action = ?, severity = ?, params = ?, updated_at = ?,"
                " updated_by = ? WHERE code = ?",
                (int(new["enabled"]), new["action"], new["severity"], json.dumps(new["params"], sort_keys=True),
                 to_iso(self._now(conn)), actor["id"], definition.code),
            )
            self._audit(conn, "RULE_CHANGED", actor_id=actor["id"], rule=definition.code, changes=changes)
            return rule_view(conn.execute(_RULE_SELECT + " WHERE r.code = ?", (definition.code,)).fetchone())


def _check_combination(code: str, params: dict) -> None:
    if code == DAILY_TRANSFER_OUT and params.get("block_threshold") is not None \
            and params["block_threshold"] < params["threshold"]:
        raise E.InvalidInput("block_threshold is below threshold: transfers would be blocked before"
                             " the alert could fire. Raise it, or set the rule's action to BLOCK.")


_MISMATCH_SQL = (
    "SELECT w.id, w.user_id, u.email, w.balance, w.currency, w.suspicious,"
    " coalesce(p.total, 0) AS postings_total FROM wallets w JOIN users u ON u.id = w.user_id"
    " LEFT JOIN (SELECT account_id, sum(amount) AS total FROM postings GROUP BY account_id) p"
    "   ON p.account_id = w.account_id"
    " WHERE w.balance <> coalesce(p.total, 0)"
)
