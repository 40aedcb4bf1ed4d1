-- Version 5: two-factor authentication, the event outbox, webhooks and notifications.

-- One TOTP secret per user. PENDING until the user proves their authenticator
-- with a valid code; last_used_step is RFC 6238's replay guard: a time step
-- once accepted is never accepted again.
CREATE TABLE IF NOT EXISTS two_factor (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id),
    secret         TEXT NOT NULL CHECK (length(secret) >= 16),
    status         TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE')),
    last_used_step INTEGER,
    failed_codes   INTEGER NOT NULL DEFAULT 0 CHECK (failed_codes >= 0),
    created_at     TEXT NOT NULL,
    enabled_at     TEXT,
    CHECK (status <> 'ACTIVE' OR enabled_at IS NOT NULL)
);

-- Recovery codes are shown once; only their SHA-256 is kept (each carries 60
-- random bits, so a fast hash cannot be reversed by guessing).
CREATE TABLE IF NOT EXISTS recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
    created_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX IF NOT EXISTS recovery_codes_user ON recovery_codes (user_id);

-- Events, written in the same transaction as the change they describe: a
-- rolled-back change leaves no event. dispatched_at marks the fan-out into
-- deliveries; read_at is the owner's notification state.
CREATE TABLE IF NOT EXISTS outbox (
    id            INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL UNIQUE CHECK (event_id LIKE 'evt\_%' ESCAPE '\'),
    type          TEXT NOT NULL CHECK (length(type) BETWEEN 3 AND 64),
    user_id       INTEGER REFERENCES users (id),
    payload       TEXT NOT NULL CHECK (json_valid(payload)),
    created_at    TEXT NOT NULL,
    dispatched_at TEXT,
    read_at       TEXT
);
CREATE INDEX IF NOT EXISTS outbox_user ON outbox (user_id, id);
CREATE INDEX IF NOT EXISTS outbox_undispatched ON outbox (id) WHERE dispatched_at IS NULL;

CREATE TRIGGER IF NOT EXISTS outbox_content_immutable BEFORE UPDATE ON outbox
WHEN NEW.event_id <> OLD.event_id OR NEW.type <> OLD.type OR NEW.payload <> OLD.payload
  OR NEW.created_at <> OLD.created_at OR NEW.user_id IS NOT OLD.user_id
BEGIN SELECT RAISE(ABORT, 'an event cannot change once written'); END;

CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
    secret      TEXT NOT NULL CHECK (length(secret) >= 16),
    event_types TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(event_types)),
    description TEXT,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    removed_at  TEXT
);

-- One row per event and destination (a webhook endpoint, or the owner's email).
-- A runner claims due rows for a short lease (claim_token, claimed_until),
-- sends outside any transaction, then records the outcome against its token.
CREATE TABLE IF NOT EXISTS deliveries (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES outbox (id),
    channel          TEXT NOT NULL CHECK (channel IN ('WEBHOOK', 'EMAIL')),
    endpoint_id      INTEGER REFERENCES webhook_endpoints (id),
    status           TEXT NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD', 'CANCELLED')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TEXT,
    retry_until      TEXT NOT NULL,
    claim_token      TEXT,
    claimed_until    TEXT,
    last_attempt_at  TEXT,
    last_status_code INTEGER,
    last_error       TEXT,
    delivered_at     TEXT,
    created_at       TEXT NOT NULL,
    CHECK ((channel = 'WEBHOOK') = (endpoint_id IS NOT NULL)),
    CHECK (status <> 'PENDING' OR next_attempt_at IS NOT NULL),
    CHECK (status <> 'DELIVERED' OR delivered_at IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_webhook_once
    ON deliveries (event_id, endpoint_id) WHERE channel = 'WEBHOOK';
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_email_once
    ON deliveries (event_id) WHERE channel = 'EMAIL';
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX IF NOT EXISTS deliveries_endpoint ON deliveries (endpoint_id, id);

-- Every attempt, for the admin's delivery log.
CREATE TABLE IF NOT EXISTS delivery_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES deliveries (id),
    attempted_at TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('DELIVERED', 'FAILED')),
    status_code  INTEGER,
    error        TEXT
);
CREATE INDEX IF NOT EXISTS delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
