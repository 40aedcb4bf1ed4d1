"""Where a login lands: the account holder's wallet, or the staff menu."""

from __future__ import annotations

from rich.text import Text
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


# Keys that open a section: 1-9, then letters (not l, which reads like 1), so a long menu
# still has one key per entry.
SHORTCUTS = "123456789abcdefghijkmnopqrstuvwxyz"


class StaffMenuScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("The staff menu, grouped by kind of work. Choose a section with the arrow keys and Enter, "
            "or press the key shown before it. Escape in a section comes back here. Ctrl+L logs out.")
    CAN_GO_BACK = False
    BINDINGS = [
        Binding("ctrl+l", "logout", "Log out", id="logout", tooltip="End this session"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        role = self.session.role
        yield Label(f"{role.title()} menu — choose a section", classes="screen-title")
        self._sections = sections_for(role, self.pf)
        self._keys = {SHORTCUTS[i]: s.id for i, s in enumerate(self._sections[:len(SHORTCUTS)])}
        yield OptionList(*self._options(), id="menu")
        yield Footer()

    def _options(self) -> list[Option]:
        width = max((len(s.title) for s in self._sections), default=0)
        keys = {section_id: key for key, section_id in self._keys.items()}
        options: list[Option] = []
        group = None
        for section in self._sections:
            if section.group != group:
                group = section.group
                options.append(Option(Text(group, style="bold"), disabled=True))
            prompt = Text.assemble(
                (f" {keys.get(section.id, ' ')}  ", "bold"), section.title.ljust(width) + "  ",
                (section.description, "dim"),
            )
            options.append(Option(prompt, id=section.id))
        return options

    def on_mount(self) -> None:
        menu = self.query_one("#menu", OptionList)
        menu.focus()
        menu.action_first()

    def on_key(self, event) -> None:
        section_id = self._keys.get(event.character or "")
        if section_id is not None:
            event.stop()
            self._open(section_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def _open(self, section_id: str) -> None:
        section = next(s for s in self._sections if s.id == section_id)
        self.app.push_screen(section.factory())

    def action_logout(self) -> None:
        self.payflow_app.sign_out("You logged out.")
