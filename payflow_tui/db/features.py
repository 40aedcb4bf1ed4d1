"""Registers the migrations of feature modules (subscriptions, fraud, ...).

Each feature adds one line here importing its migration module.
"""

from .migrations import register, run_sql_file

register(2, "subscriptions", lambda db: run_sql_file(db, "schema_subscriptions.sql"))
register(3, "fraud", lambda db: run_sql_file(db, "schema_fraud.sql"))
register(4, "reports", lambda db: run_sql_file(db, "schema_reports.sql"))
register(5, "notify", lambda db: run_sql_file(db, "schema_notify.sql"))
register(6, "app", lambda db: run_sql_file(db, "schema_app.sql"))
