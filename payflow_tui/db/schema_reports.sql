-- Version 4: reports. Money that moved, summed per quarter hour of UTC time, kept
-- up to date by triggers inside the posting transaction itself, so a report over
-- a year reads a few thousand rows instead of every transaction.
--
-- A quarter hour because every time zone's midnight falls on one (offsets are
-- whole quarter hours): any zone's day is an exact range of buckets, and the
-- zone setting can change without a rebuild. The bucket is the settlement time
-- (updated_at of a SUCCESS row: when a deposit was confirmed, when the other
-- movements happened), cut to the minute before parsing so that no rounding
-- of fractional seconds can move a row across a boundary. A transfer counts
-- once: its debit row.

CREATE TABLE IF NOT EXISTS report_volume (
    quarter  INTEGER NOT NULL,  -- unix seconds // 900 (UTC)
    type     TEXT NOT NULL CHECK (type IN ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'SUBSCRIPTION')),
    currency TEXT NOT NULL,
    count    INTEGER NOT NULL CHECK (count > 0),
    amount   INTEGER NOT NULL CHECK (amount > 0 AND typeof(amount) = 'integer'),
    PRIMARY KEY (quarter, type, currency)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS report_volume_inserted AFTER INSERT ON transactions
WHEN NEW.status = 'SUCCESS' AND NOT (NEW.type = 'TRANSFER' AND NEW.direction = 'CREDIT')
BEGIN
    INSERT INTO report_volume (quarter, type, currency, count, amount)
    VALUES (CAST(strftime('%s', substr(NEW.updated_at, 1, 16)) AS INTEGER) / 900,
            NEW.type, NEW.currency, 1, NEW.amount)
    ON CONFLICT (quarter, type, currency)
    DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER IF NOT EXISTS report_volume_settled AFTER UPDATE OF status ON transactions
WHEN NEW.status = 'SUCCESS' AND OLD.status <> 'SUCCESS'
 AND NOT (NEW.type = 'TRANSFER' AND NEW.direction = 'CREDIT')
BEGIN
    INSERT INTO report_volume (quarter, type, currency, count, amount)
    VALUES (CAST(strftime('%s', substr(NEW.updated_at, 1, 16)) AS INTEGER) / 900,
            NEW.type, NEW.currency, 1, NEW.amount)
    ON CONFLICT (quarter, type, currency)
    DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

-- A database that already holds transactions gets its summary rebuilt from them
-- (rebuilt whole, so running this file again leaves the same rows).
DELETE FROM report_volume;
INSERT INTO report_volume (quarter, type, currency, count, amount)
SELECT CAST(strftime('%s', substr(updated_at, 1, 16)) AS INTEGER) / 900, type, currency,
       count(*), sum(amount)
FROM transactions
WHERE status = 'SUCCESS' AND NOT (type = 'TRANSFER' AND direction = 'CREDIT')
GROUP BY 1, 2, 3;
