"""Starting the app from the command line."""

from __future__ import annotations


def run_app(db_path: str) -> int:
    from textual.app import App
    from textual.widgets import Static

    class Placeholder(App):
        def compose(self):
            yield Static(f"PayFlow — {db_path}. Press Ctrl+Q to quit.")

    Placeholder().run()
    return 0
