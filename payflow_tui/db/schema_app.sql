-- Version 6: what the app's transaction lists need to stay fast on a large ledger.
-- Lists page newest first by id (keyset) and pick each page's ids with a query
-- that reads only index columns, so a filter matching few rows is tested on
-- index entries instead of on a table row per transaction (services/queries.py).
-- All wallets' lists choose their plan with a probe (services/query_plans.py).

-- One wallet's history with any mix of type, status, date and reference filters
-- (a wallet with 140,000 rows: about 20 ms for a page instead of 200 ms).
CREATE INDEX IF NOT EXISTS transactions_wallet_filters
    ON transactions (wallet_id, id, type, status, created_at, reference);
