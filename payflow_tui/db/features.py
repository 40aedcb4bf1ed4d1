"""Registers the migrations of feature modules (subscriptions, fraud, ...).

Each feature adds one line here importing its migration module.
"""

from .migrations import register, run_sql_file

register(6, "app", lambda db: run_sql_file(db, "schema_app.sql"))
