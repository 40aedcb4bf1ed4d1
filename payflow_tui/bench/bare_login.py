"""The baseline for the start-up benchmark: a bare Textual app with the login screen's widgets.

Only Textual is imported, so the difference from PayFlow's start-up is what
PayFlow adds: its own imports, opening the database, its theme and screens.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static


class BareLoginApp(App):
    CSS = """
    .form-box { width: 64; height: auto; border: round $primary; padding: 1 2; }
    .form-buttons { height: auto; align-horizontal: right; }
    """
    TITLE = "PayFlow"

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(classes="form-box"):
                yield Label("Log in to PayFlow")
                yield Static("")
                yield Label("Email")
                yield Input(placeholder="you@example.com", id="email")
                yield Label("Password")
                yield Input(placeholder="Password", password=True, id="password")
                yield Static("")
                with Horizontal(classes="form-buttons"):
                    yield Button("Log in", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()
