"""Equality filters on large tables, written so SQLite plans them well without statistics.

A database that was never ANALYZEd lets SQLite assume an indexed equality
matches few rows. For a value most rows share (status SUCCESS, action LOGIN)
that plan reads and sorts every one of them before the first page: seconds on
a million rows. So a cheap probe (at most ``PROBE`` index entries) decides:
few matches are found through the index; many are found by walking ids newest
first, which the keyset order wants anyway, with the columns written so that
the planner leaves the index alone.
"""

from __future__ import annotations

import sqlite3

PROBE = 5000


def equality_filter(conn: sqlite3.Connection, table: str, alias: str,
                    conditions: list[tuple[str, object]]) -> tuple[list[str], list]:
    """SQL conditions (and their arguments) for ``column = value`` on ``alias``.

    ``conditions`` must start with the leading column of an index of ``table``
    so the probe itself is an index range read. A tuple value means "any of
    these": listing every value of a leading column lets the index serve a
    condition on its second column.
    """
    if not conditions:
        return [], []
    where = " AND ".join(_test(column, value) for column, value in conditions)
    values = [v for _, value in conditions for v in (value if isinstance(value, tuple) else (value,))]
    matches = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT {PROBE + 1})", values
    ).fetchone()[0]
    if matches <= PROBE:
        return [f"{alias}.id IN (SELECT id FROM {table} WHERE {where})"], values
    # Many matches: an expression on the column is not indexable, so the plan walks ids.
    single = [(column, value) for column, value in conditions if not isinstance(value, tuple)]
    return ([f"{_unindexed(alias, column, value)} = ?" for column, value in single],
            [value for _, value in single])


def _test(column: str, value: object) -> str:
    if isinstance(value, tuple):
        return f"{column} IN ({', '.join('?' for _ in value)})"
    return f"{column} = ?"


def _unindexed(alias: str, column: str, value: object) -> str:
    if isinstance(value, str):
        return f"{alias}.{column} || ''"
    return f"{alias}.{column} + 0"
