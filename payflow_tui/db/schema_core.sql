-- Version 1: the ledger core. Invariants live here as well as in Python:
-- balances never negative, the ledger append-only, settled transactions immutable.

CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ledger_accounts (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('WALLET', 'CASH_CLEARING', 'SUBSCRIPTION_REVENUE')),
    currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    name     TEXT NOT NULL
);
-- One system account of each kind per currency.
CREATE UNIQUE INDEX IF NOT EXISTS ledger_accounts_system
    ON ledger_accounts (kind, currency) WHERE kind <> 'WALLET';

CREATE TABLE IF NOT EXISTS users (
    id                  INTEGER PRIMARY KEY,
    email               TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (email LIKE '%_@_%'),
    name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
    password_hash       TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role                TEXT NOT NULL CHECK (role IN ('ADMIN', 'TELLER', 'USER')),
    status              TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'LOCKED', 'DISABLED')),
    failed_logins       INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until        TEXT,
    lock_reason         TEXT,
    password_changed_at TEXT,
    unlocked_at         TEXT,
    created_at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_name ON users (name COLLATE NOCASE);

CREATE TABLE IF NOT EXISTS wallets (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users (id),
    account_id    INTEGER NOT NULL UNIQUE REFERENCES ledger_accounts (id),
    balance       INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0 AND typeof(balance) = 'integer'),
    currency      TEXT NOT NULL DEFAULT 'NGN' CHECK (length(currency) = 3),
    frozen        INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
    frozen_by     INTEGER REFERENCES users (id),
    frozen_at     TEXT,
    frozen_reason TEXT,
    suspicious    INTEGER NOT NULL DEFAULT 0 CHECK (suspicious IN (0, 1)),
    created_at    TEXT NOT NULL,
    CHECK (frozen = 0 OR (frozen_at IS NOT NULL AND length(trim(frozen_reason)) > 0))
);

CREATE TABLE IF NOT EXISTS journal_entries (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS postings (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES journal_entries (id),
    account_id INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount     INTEGER NOT NULL CHECK (amount <> 0 AND typeof(amount) = 'integer')
);
CREATE INDEX IF NOT EXISTS postings_entry ON postings (entry_id);
CREATE INDEX IF NOT EXISTS postings_account ON postings (account_id);

-- A wallet's balance moves only with its postings: the database keeps them equal.
CREATE TRIGGER IF NOT EXISTS postings_move_balance AFTER INSERT ON postings
BEGIN
    UPDATE wallets SET balance = balance + NEW.amount WHERE account_id = NEW.account_id;
END;

CREATE TRIGGER IF NOT EXISTS journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings is append-only'); END;
CREATE TRIGGER IF NOT EXISTS postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings is append-only'); END;

CREATE TABLE IF NOT EXISTS transactions (
    id                     INTEGER PRIMARY KEY,
    wallet_id              INTEGER NOT NULL REFERENCES wallets (id),
    type                   TEXT NOT NULL CHECK (type IN ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'SUBSCRIPTION')),
    direction              TEXT NOT NULL CHECK (direction IN ('DEBIT', 'CREDIT')),
    amount                 INTEGER NOT NULL CHECK (amount > 0 AND typeof(amount) = 'integer'),
    currency               TEXT NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
    reference              TEXT NOT NULL UNIQUE,
    transfer_ref           TEXT,
    counterparty_wallet_id INTEGER REFERENCES wallets (id),
    memo                   TEXT,
    failure_code           TEXT,
    failure_reason         TEXT,
    journal_entry_id       INTEGER REFERENCES journal_entries (id),
    actor_user_id          INTEGER REFERENCES users (id),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK (status <> 'SUCCESS' OR journal_entry_id IS NOT NULL),
    CHECK (status <> 'FAILED' OR failure_reason IS NOT NULL),
    CHECK (type <> 'TRANSFER' OR transfer_ref IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS transactions_wallet ON transactions (wallet_id, id);
CREATE INDEX IF NOT EXISTS transactions_status_type ON transactions (status, type, created_at);
CREATE INDEX IF NOT EXISTS transactions_created ON transactions (created_at);
CREATE INDEX IF NOT EXISTS transactions_transfer_ref ON transactions (transfer_ref);
CREATE INDEX IF NOT EXISTS transactions_actor_created ON transactions (actor_user_id, created_at);

-- Only a PENDING transaction may change, and only its status, reason and ledger link.
CREATE TRIGGER IF NOT EXISTS transactions_settled_immutable BEFORE UPDATE ON transactions
WHEN OLD.status <> 'PENDING'
BEGIN SELECT RAISE(ABORT, 'a settled transaction cannot change'); END;
CREATE TRIGGER IF NOT EXISTS transactions_core_immutable BEFORE UPDATE ON transactions
WHEN NEW.amount <> OLD.amount OR NEW.wallet_id <> OLD.wallet_id OR NEW.type <> OLD.type
  OR NEW.direction <> OLD.direction OR NEW.reference <> OLD.reference
BEGIN SELECT RAISE(ABORT, 'amount, wallet, type and reference cannot change'); END;
CREATE TRIGGER IF NOT EXISTS transactions_no_delete BEFORE DELETE ON transactions
BEGIN SELECT RAISE(ABORT, 'transactions are never deleted'); END;

CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    key          TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    operation    TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT NOT NULL CHECK (json_valid(response)),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE IF NOT EXISTS audit_log (
    id                INTEGER PRIMARY KEY,
    at                TEXT NOT NULL,
    actor_user_id     INTEGER,
    action            TEXT NOT NULL,
    subject_user_id   INTEGER,
    subject_wallet_id INTEGER,
    details           TEXT NOT NULL CHECK (json_valid(details)),
    prev_hash         TEXT NOT NULL,
    hash              TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action, at);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor_user_id, at);
CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log (subject_user_id, at);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE IF NOT EXISTS subscription_plans (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) > 0),
    price         INTEGER NOT NULL CHECK (price > 0 AND typeof(price) = 'integer'),
    currency      TEXT NOT NULL DEFAULT 'NGN',
    duration_days INTEGER NOT NULL CHECK (duration_days > 0),
    features      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(features)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS user_subscriptions (
    id                   INTEGER PRIMARY KEY,
    user_id              INTEGER NOT NULL REFERENCES users (id),
    plan_id              INTEGER NOT NULL REFERENCES subscription_plans (id),
    status               TEXT NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'EXPIRED')),
    anchor_at            TEXT NOT NULL,
    current_period_start TEXT NOT NULL,
    current_period_end   TEXT NOT NULL,
    next_renewal_at      TEXT,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0 CHECK (cancel_at_period_end IN (0, 1)),
    suspended_at         TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
-- One live subscription per user per plan.
CREATE UNIQUE INDEX IF NOT EXISTS user_subscriptions_live
    ON user_subscriptions (user_id, plan_id) WHERE status IN ('ACTIVE', 'SUSPENDED');
CREATE INDEX IF NOT EXISTS user_subscriptions_due ON user_subscriptions (status, next_renewal_at);
