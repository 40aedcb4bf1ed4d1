"""Where a login lands: the account holder's wallet, or the staff menu."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from ...services import Session
from ..base import PayFlowScreen
from ..sections import sections_for


def home_screen_for(session: Session) -> Screen:
    if session.role == "USER":
        from .user_home import UserHomeScreen

        return UserHomeScreen()
    return StaffMenuScreen()


class StaffMenuScreen(PayFlowScreen):
    HELP = ("The staff menu. Choose a section with the arrow keys and Enter, or press its number. "
            "Escape in a section comes back here. Ctrl+L logs out.")
    CAN_GO_BACK = False
    BINDINGS = [
        Binding("ctrl+l", "logout", "Log out", id="logout", tooltip="End this session"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        role = self.session.role
        yield Label(f"{role.title()} menu — choose a section", classes="screen-title")
        self._sections = sections_for(role)
        yield OptionList(
            *[Option(f"{i}. {s.title}  — {s.description}", id=s.id)
              for i, s in enumerate(self._sections, start=1)],
            id="menu",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#menu", OptionList).focus()

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self._sections):
                event.stop()
                self._open(self._sections[index].id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def _open(self, section_id: str) -> None:
        section = next(s for s in self._sections if s.id == section_id)
        self.app.push_screen(section.factory())

    def action_logout(self) -> None:
        self.payflow_app.sign_out("You logged out.")

