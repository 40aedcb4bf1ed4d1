"""CSV export of transactions, streamed: a million rows in bounded memory.

SQLite formats every value (amounts as exact decimals from integer kobo,
times as the stored ISO 8601 UTC text); the ADBC SQLite driver hands the
rows over as Arrow record batches and pyarrow's CSV writer writes each batch
as it comes. No row is ever a Python object, and no more than one batch is
held at a time. pyarrow and ADBC are imported only when an export runs.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from . import errors as E
from .base import ServiceBase, Session
from .periods import instant
from .queries import tx_filters
from .report_views import ExportResult

# Called as progress(rows_written, rows_total) before the first batch and after
# each one, on the exporting thread (a screen hands it on with call_from_thread);
# raising from it cancels the export and leaves no file behind.
Progress = Callable[[int, int], None]

BATCH_ROWS = 8192

# Nullable text is coalesced to '' so every batch has the same column types
# (the driver infers types from each batch) and a NULL reads back like an empty value.
EXPORT_COLUMNS = (
    "t.id AS id, t.reference AS reference, t.created_at AS created_at, t.updated_at AS updated_at,"
    " t.type AS type, t.direction AS direction, t.status AS status,"
    " printf('%d.%02d', t.amount / 100, t.amount % 100) AS amount, t.currency AS currency,"
    " u.email AS owner_email, coalesce(cu.email, '') AS counterparty_email,"
    " coalesce(t.transfer_ref, '') AS transfer_ref, coalesce(t.memo, '') AS memo,"
    " coalesce(t.failure_code, '') AS failure_code, coalesce(t.failure_reason, '') AS failure_reason"
)
EXPORT_FROM = (
    " FROM transactions t JOIN wallets w ON w.id = t.wallet_id JOIN users u ON u.id = w.user_id"
    " LEFT JOIN wallets cw ON cw.id = t.counterparty_wallet_id LEFT JOIN users cu ON cu.id = cw.user_id"
)


def export_sql(where: list[str]) -> str:
    """The export's SELECT for the given conditions (also the benchmark's baseline query)."""
    return ("SELECT " + EXPORT_COLUMNS + EXPORT_FROM + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY t.id")


def check_out_path(out_path: str | Path, suffix: str = "csv") -> Path:
    """An output file whose folder exists and which is not itself a folder."""
    if out_path is None or not str(out_path).strip():
        raise E.InvalidInput(f"An output file is required (--out FILE.{suffix}).")
    out = Path(out_path).expanduser()
    if out.is_dir():
        raise E.InvalidInput(f"{out} is a folder; give a file name such as {out / ('export.' + suffix)}.")
    if not out.parent.is_dir():
        raise E.InvalidInput(f"Folder {out.parent} does not exist.")
    return out


class ExportsMixin(ServiceBase):
    def export_transactions(self, session: Session, out_path: str | Path,
                            date_from: date | str | datetime | None = None,
                            date_to: date | str | datetime | None = None,
                            type: str | None = None, status: str | None = None, *,
                            progress: Progress | None = None) -> ExportResult:
        """Write every transaction matching the filters to a CSV file. Callers: ADMIN only.

        UTF-8 with a header row; one row per transaction row (a transfer has
        its debit and credit rows), oldest first; amounts in major units with
        two decimals; times ISO 8601 UTC with offset. ``date_from`` (included)
        and ``date_to`` (excluded) are local days in the configured time zone
        (YYYY-MM-DD or ``date``) or aware datetimes, compared with the time a
        row was created. Refuses (INVALID_INPUT) an unknown type or status, a
        malformed date or reversed range, and an output path whose folder does
        not exist. The file appears only when complete.
        """
        out = check_out_path(out_path)
        with self._read() as conn:
            self._actor(conn, session, "ADMIN")
            tz_name = self._setting(conn, "timezone")
            where, args = tx_filters(type=type, status=status,
                                     date_from=instant(date_from, tz_name, "Start date"),
                                     date_to=instant(date_to, tz_name, "End date"))
            total = conn.execute("SELECT count(*) FROM transactions t"
                                 + (" WHERE " + " AND ".join(where) if where else ""), args).fetchone()[0]
        rows = self._stream_csv(export_sql(where), args, out, total, progress)
        return ExportResult(out, rows, out.stat().st_size)

    def _stream_csv(self, sql: str, args: list, out: Path, total: int, progress: Progress | None) -> int:
        import adbc_driver_sqlite.dbapi as adbc_sqlite
        import pyarrow.csv as pa_csv

        partial = out.with_name(out.name + ".part")
        written = 0
        try:
            if progress:
                progress(0, total)
            with adbc_sqlite.connect(_sqlite_uri(self.path)) as db, db.cursor() as cur:
                cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
                cur.execute(sql, args or None)
                reader = cur.fetch_record_batch()
                with pa_csv.CSVWriter(str(partial), reader.schema) as writer:
                    for batch in reader:
                        writer.write_batch(batch)
                        written += batch.num_rows
                        if progress:
                            progress(written, max(total, written))
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return written


def _sqlite_uri(path: str) -> str:
    # A URI, so that a path with '?' or '#' in it still names the file.
    return "file:" + quote(str(Path(path).resolve())) + "?mode=ro"

