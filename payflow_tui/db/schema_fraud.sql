-- Version 3: fraud rules, the alerts they open and the transactions each alert is about.
-- Rules are data: an admin edits their thresholds, action and severity; the seed
-- below gives each one a sensible default and never overwrites an admin's edit.

CREATE TABLE IF NOT EXISTS fraud_rules (
    code       TEXT PRIMARY KEY CHECK (code = upper(code) AND length(code) BETWEEN 3 AND 40),
    title      TEXT NOT NULL CHECK (length(trim(title)) > 0),
    params     TEXT NOT NULL CHECK (json_valid(params) AND json_type(params) = 'object'),
    action     TEXT NOT NULL CHECK (action IN ('LOCK_USER', 'ALERT', 'BLOCK', 'FREEZE')),
    severity   TEXT NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    updated_at TEXT,
    updated_by INTEGER REFERENCES users (id)
);

-- Amounts are kobo: 10000000 is ₦100,000.00, 5000000 is ₦50,000.00.
INSERT OR IGNORE INTO fraud_rules (code, title, params, action, severity) VALUES
    ('REPEATED_FAILURES', 'Repeated failed payments',
     '{"max_failures": 3, "window_minutes": 10}', 'LOCK_USER', 'HIGH'),
    ('DAILY_TRANSFER_OUT', 'Large total sent in one day',
     '{"threshold": 10000000, "block_threshold": null, "day": "calendar"}', 'ALERT', 'MEDIUM'),
    ('BALANCE_MISMATCH', 'Wallet balance differs from its ledger',
     '{}', 'FREEZE', 'CRITICAL'),
    ('NEW_RECIPIENTS', 'Many first-time recipients in a short time',
     '{"max_new_recipients": 3, "window_minutes": 30}', 'ALERT', 'HIGH'),
    ('LARGE_AFTER_SECURITY_CHANGE', 'Large payment soon after a password change or unlock',
     '{"amount_over": 5000000, "window_hours": 24}', 'ALERT', 'HIGH');

CREATE TRIGGER IF NOT EXISTS fraud_rules_no_delete BEFORE DELETE ON fraud_rules
BEGIN SELECT RAISE(ABORT, 'fraud rules are disabled, never deleted'); END;

CREATE TABLE IF NOT EXISTS alerts (
    id              INTEGER PRIMARY KEY,
    rule            TEXT NOT NULL REFERENCES fraud_rules (code),
    severity        TEXT NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    user_id         INTEGER REFERENCES users (id),
    wallet_id       INTEGER REFERENCES wallets (id),
    summary         TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    details         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    status          TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at TEXT,
    resolved_by     INTEGER REFERENCES users (id),
    resolved_at     TEXT,
    resolution_note TEXT,
    CHECK (status = 'OPEN' OR (acknowledged_by IS NOT NULL AND acknowledged_at IS NOT NULL)),
    CHECK (status = 'RESOLVED' OR (resolved_by IS NULL AND resolved_at IS NULL AND resolution_note IS NULL)),
    CHECK (status <> 'RESOLVED' OR (resolved_by IS NOT NULL AND resolved_at IS NOT NULL
                                    AND length(trim(coalesce(resolution_note, ''))) > 0))
);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, id);
CREATE INDEX IF NOT EXISTS alerts_rule_user ON alerts (rule, user_id, status);
CREATE INDEX IF NOT EXISTS alerts_wallet ON alerts (wallet_id, status);

-- An alert moves forward only (OPEN, ACKNOWLEDGED, RESOLVED); what it is about never changes.
CREATE TRIGGER IF NOT EXISTS alerts_resolved_final BEFORE UPDATE ON alerts
WHEN OLD.status = 'RESOLVED'
BEGIN SELECT RAISE(ABORT, 'a resolved alert cannot change'); END;
CREATE TRIGGER IF NOT EXISTS alerts_forward_only BEFORE UPDATE ON alerts
WHEN NEW.status = 'OPEN' AND OLD.status <> 'OPEN'
BEGIN SELECT RAISE(ABORT, 'an alert cannot go back to OPEN'); END;
CREATE TRIGGER IF NOT EXISTS alerts_subject_fixed BEFORE UPDATE ON alerts
WHEN NEW.rule IS NOT OLD.rule OR NEW.user_id IS NOT OLD.user_id
  OR NEW.wallet_id IS NOT OLD.wallet_id OR NEW.created_at IS NOT OLD.created_at
  OR NEW.severity IS NOT OLD.severity OR NEW.summary IS NOT OLD.summary
BEGIN SELECT RAISE(ABORT, 'what an alert is about cannot change'); END;
CREATE TRIGGER IF NOT EXISTS alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are resolved, never deleted'); END;

CREATE TABLE IF NOT EXISTS alert_transactions (
    alert_id       INTEGER NOT NULL REFERENCES alerts (id),
    transaction_id INTEGER NOT NULL REFERENCES transactions (id),
    PRIMARY KEY (alert_id, transaction_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_transactions_tx ON alert_transactions (transaction_id);

CREATE TRIGGER IF NOT EXISTS alert_transactions_open_only BEFORE INSERT ON alert_transactions
WHEN (SELECT status FROM alerts WHERE id = NEW.alert_id) = 'RESOLVED'
BEGIN SELECT RAISE(ABORT, 'a resolved alert takes no more transactions'); END;
CREATE TRIGGER IF NOT EXISTS alert_transactions_no_update BEFORE UPDATE ON alert_transactions
BEGIN SELECT RAISE(ABORT, 'alert_transactions is append-only'); END;
CREATE TRIGGER IF NOT EXISTS alert_transactions_no_delete BEFORE DELETE ON alert_transactions
BEGIN SELECT RAISE(ABORT, 'alert_transactions is append-only'); END;

-- The rules read one wallet's recent transfers out, whether it paid a recipient before, and
-- one user's recent failures: partial indexes hold only those rows, so each window is a
-- short range scan that never touches the table, whatever else the wallet did.
CREATE INDEX IF NOT EXISTS transactions_sent
    ON transactions (wallet_id, created_at, amount, counterparty_wallet_id)
    WHERE type = 'TRANSFER' AND direction = 'DEBIT' AND status = 'SUCCESS';
CREATE INDEX IF NOT EXISTS transactions_sent_to
    ON transactions (wallet_id, counterparty_wallet_id, created_at)
    WHERE type = 'TRANSFER' AND direction = 'DEBIT' AND status = 'SUCCESS';
CREATE INDEX IF NOT EXISTS transactions_failed_by
    ON transactions (actor_user_id, created_at) WHERE status = 'FAILED';
