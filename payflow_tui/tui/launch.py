"""Starting the app from the command line."""

from __future__ import annotations


def run_app(db_path: str) -> int:
    from .app import create_app

    create_app(db_path, background=True).run()
    return 0
