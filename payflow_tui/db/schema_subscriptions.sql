-- Version 2: subscriptions, renewals and the scheduler. The core tables
-- subscription_plans and user_subscriptions (version 1) get their rules here.

-- One row per paid period. The UNIQUE keys are what makes "one charge per
-- subscription per period" hold when two runners overlap or a run is repeated:
-- the row is written in the same transaction as the debit, so a second debit
-- for the same period rolls back with it.
CREATE TABLE IF NOT EXISTS subscription_charges (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES user_subscriptions (id),
    period_index    INTEGER NOT NULL CHECK (period_index >= 0),
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL CHECK (period_end > period_start),
    amount          INTEGER NOT NULL CHECK (amount > 0 AND typeof(amount) = 'integer'),
    transaction_id  INTEGER NOT NULL UNIQUE REFERENCES transactions (id),
    created_at      TEXT NOT NULL,
    UNIQUE (subscription_id, period_start),
    UNIQUE (subscription_id, period_index)
);

-- A charge row stands for money that moved: its transaction is a settled subscription debit.
CREATE TRIGGER IF NOT EXISTS subscription_charges_settled BEFORE INSERT ON subscription_charges
WHEN (SELECT type || ':' || status || ':' || amount FROM transactions WHERE id = NEW.transaction_id)
     IS NOT ('SUBSCRIPTION:SUCCESS:' || NEW.amount)
BEGIN SELECT RAISE(ABORT, 'a subscription charge needs its successful SUBSCRIPTION transaction'); END;
CREATE TRIGGER IF NOT EXISTS subscription_charges_no_update BEFORE UPDATE ON subscription_charges
BEGIN SELECT RAISE(ABORT, 'subscription_charges is append-only'); END;
CREATE TRIGGER IF NOT EXISTS subscription_charges_no_delete BEFORE DELETE ON subscription_charges
BEGIN SELECT RAISE(ABORT, 'subscription_charges is append-only'); END;

-- A plan anyone has subscribed to is archived, never deleted; its period length
-- is fixed once used (periods are counted from each subscription's anchor).
CREATE TRIGGER IF NOT EXISTS subscription_plans_used_no_delete BEFORE DELETE ON subscription_plans
WHEN EXISTS (SELECT 1 FROM user_subscriptions WHERE plan_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a plan with subscribers is archived, never deleted'); END;
CREATE TRIGGER IF NOT EXISTS subscription_plans_used_duration BEFORE UPDATE OF duration_days ON subscription_plans
WHEN NEW.duration_days <> OLD.duration_days
 AND EXISTS (SELECT 1 FROM user_subscriptions WHERE plan_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the duration of a plan with subscribers cannot change'); END;
CREATE TRIGGER IF NOT EXISTS subscription_plans_archived_final BEFORE UPDATE ON subscription_plans
WHEN OLD.archived_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an archived plan cannot change'); END;

-- EXPIRED is final (its updated_at is the moment it ended), periods only move
-- forward, and a subscription's history is never deleted.
CREATE TRIGGER IF NOT EXISTS user_subscriptions_expired_final BEFORE UPDATE ON user_subscriptions
WHEN OLD.status = 'EXPIRED'
BEGIN SELECT RAISE(ABORT, 'an expired subscription cannot change'); END;
CREATE TRIGGER IF NOT EXISTS user_subscriptions_forward_only BEFORE UPDATE ON user_subscriptions
WHEN NEW.current_period_start < OLD.current_period_start OR NEW.anchor_at <> OLD.anchor_at
  OR NEW.user_id <> OLD.user_id OR NEW.plan_id <> OLD.plan_id
BEGIN SELECT RAISE(ABORT, 'a subscription''s anchor, owner and plan are fixed and its periods only move forward'); END;
CREATE TRIGGER IF NOT EXISTS user_subscriptions_no_delete BEFORE DELETE ON user_subscriptions
BEGIN SELECT RAISE(ABORT, 'subscriptions are never deleted'); END;

CREATE INDEX IF NOT EXISTS user_subscriptions_plan ON user_subscriptions (plan_id, status);
CREATE INDEX IF NOT EXISTS user_subscriptions_user ON user_subscriptions (user_id, status);

-- The scheduler: one lease row per loop name; a holder acts only while its lease is
-- unexpired. host and pid let a runner on the same machine see that the holder died.
CREATE TABLE IF NOT EXISTS scheduler_lease (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- One row per run. covers_fire is the cron fire time (business time) a run
-- answers; a finished run covering the latest fire means nothing is owed.
CREATE TABLE IF NOT EXISTS scheduler_runs (
    id          INTEGER PRIMARY KEY,
    trigger     TEXT NOT NULL CHECK (trigger IN ('SCHEDULE', 'MANUAL')),
    holder      TEXT NOT NULL,
    covers_fire TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'INTERRUPTED', 'ABANDONED')),
    charged     INTEGER NOT NULL DEFAULT 0 CHECK (charged >= 0),
    suspended   INTEGER NOT NULL DEFAULT 0 CHECK (suspended >= 0),
    expired     INTEGER NOT NULL DEFAULT 0 CHECK (expired >= 0),
    errors      INTEGER NOT NULL DEFAULT 0 CHECK (errors >= 0),
    details     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    CHECK (status = 'RUNNING' OR finished_at IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS scheduler_runs_done ON scheduler_runs (status, covers_fire);

-- Last run of each periodic task that runs on its own interval rather than the cron schedule.
CREATE TABLE IF NOT EXISTS scheduler_task_state (
    name        TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL,
    last_status TEXT NOT NULL CHECK (last_status IN ('OK', 'ERROR')),
    last_error  TEXT
);
