"""The administrator's list of users: search, filters, and the account actions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Label, Select, Static

from ...services.views import UserView
from ..base import PayFlowScreen
from ..formatting import money_text, status_text, when
from ..live import unattended
from ..sections import Section, register_section
from ..wallet_freeze import ask_freeze, ask_unfreeze
from ..widgets.dialogs import ConfirmDialog
from ..widgets.paged_table import PagedTable
from .role_dialog import RoleDialog

COLUMNS = [("Name", "name"), ("Email", "email"), ("Role", "role"), ("Status", "status"),
           ("Balance", "balance"), ("Wallet", "wallet")]
ROLE_FILTER = [("Admins", "ADMIN"), ("Tellers", "TELLER"), ("Account holders", "USER")]
STATUS_FILTER = [("Active", "ACTIVE"), ("Locked", "LOCKED"), ("Disabled", "DISABLED")]


class UsersScreen(PayFlowScreen):
    CSS_PATH = "staff.tcss"
    HELP = ("Every login of the bank. Type in Find to search by email or name; narrow by role and "
            "status. On the selected user: a creates a new user, r changes the role, u unlocks a "
            "locked login, d disables or enables it, f freezes or unfreezes the wallet (with a "
            "reason), Enter opens their card. Each change asks for confirmation and is audited.")
    BINDINGS = [
        Binding("a", "add", "Add user", id="users-add", tooltip="Create a user of any role"),
        Binding("r", "role", "Role", id="users-role", tooltip="Change the selected user's role"),
        Binding("u", "unlock", "Unlock", id="users-unlock", tooltip="Unlock the selected locked login"),
        Binding("d", "disable", "Disable", id="users-disable",
                tooltip="Disable the selected login: no login, no money movement"),
        Binding("d", "enable", "Enable", id="users-enable", tooltip="Enable the selected disabled login"),
        Binding("f", "freeze", "Freeze", id="users-freeze", tooltip="Freeze the selected user's wallet"),
        Binding("f", "unfreeze", "Unfreeze", id="users-unfreeze",
                tooltip="Lift the freeze on the selected user's wallet"),
        Binding("slash", "search", "Find", id="users-search", tooltip="Search by email or name"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filters: dict[str, str | None] = {"search": None, "role": None, "status": None}
        self.users = PagedTable(COLUMNS, self._row, noun=("user", "users"), empty="No user matches.",
                                id="users")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Users", classes="screen-title")
        with Horizontal(classes="filter-row"):
            yield Label("Find")
            yield Input(placeholder="email or name", id="users-find", compact=True)
            yield Select(ROLE_FILTER, prompt="All roles", id="users-role-filter", compact=True)
            yield Select(STATUS_FILTER, prompt="Any status", id="users-status-filter", compact=True)
        yield self.users
        yield Static("", id="users-detail", classes="detail-line")
        yield Footer()

    def on_mount(self) -> None:
        self.users.load(self._load)
        self.users.table.focus()

    def _load(self, after_id, limit):
        return self.pf.list_users(self.session, limit=limit, after_id=after_id, **self._filters)

    def reload(self) -> None:
        self.users.refresh_page(unattended(self.pf, self._load))

    def _row(self, user: UserView) -> list:
        wallet = Text("Frozen", style="red") if user.frozen else Text("")
        return [user.name, user.email, user.role.title(), status_text(user.status),
                money_text(user.balance or 0), wallet]

    # -- filters -------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "users-find":
            self._filters["search"] = event.value.strip() or None
            self.users.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.users.table.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        key = "role" if event.select.id == "users-role-filter" else "status"
        if self._filters[key] != value:
            self._filters[key] = value
            self.users.load()

    def action_back(self) -> None:
        # Escape in a filter field returns to the list; Escape there leaves the screen.
        if isinstance(self.focused, (Input, Select)):
            self.users.table.focus()
            return
        super().action_back()

    def action_search(self) -> None:
        self.query_one("#users-find", Input).focus()

    # -- the selected user ----------------------------------------------------------------------

    @property
    def selected(self) -> UserView | None:
        return self.users.selected

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        user = event.item
        detail = ""
        if user is not None:
            detail = f"{user.email} · created {when(user.created_at)}"
            if user.status == "LOCKED":
                until = f" until {when(user.locked_until)}" if user.locked_until else ""
                detail += f" · locked{until}: {user.lock_reason or 'no reason given'}"
            elif user.failed_logins:
                detail += f" · {user.failed_logins} failed login(s)"
        self.query_one("#users-detail", Static).update(detail)
        self.refresh_bindings()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        from .customer_card import CustomerCardScreen

        self.app.push_screen(CustomerCardScreen(event.item.email))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        user = self.selected
        if action in ("role", "unlock", "disable", "enable", "freeze", "unfreeze"):
            if user is None:
                return None if action in ("role", "disable", "freeze") else False
        if action == "unlock":
            return user.status == "LOCKED"
        if action == "disable":
            return user.status != "DISABLED"
        if action == "enable":
            return user.status == "DISABLED"
        if action == "freeze":
            return not user.frozen
        if action == "unfreeze":
            return bool(user.frozen)
        return super().check_action(action, parameters)

    def _done(self, message: str, title: str) -> None:
        self.notify(message, title=title)
        self.users.refresh_page()

    # -- actions ------------------------------------------------------------------------------

    def action_add(self) -> None:
        from .new_user import NewUserScreen

        self.app.push_screen(NewUserScreen(), lambda user: self.users.load() if user else None)

    def action_role(self) -> None:
        user = self.selected
        if user is None:
            return

        def chosen(role: str | None) -> None:
            if not role:
                return
            body = (f"Make {user.name} ({user.email}) {role.lower()} instead of {user.role.lower()}?\n"
                    "They get the new role's screens at their next action.")
            self.app.push_screen(ConfirmDialog("Change role", body, confirm_label="Change role"),
                                 lambda ok: self._change_role(user, role) if ok else None)

        self.app.push_screen(RoleDialog(user.name, user.role), chosen)

    def _change_role(self, user: UserView, role: str) -> None:
        self.call(self.pf.change_role, self.session, user.email, role,
                  on_done=lambda u: self._done(f"{u.name} is now {u.role.lower()}.", "Role changed"))

    def action_unlock(self) -> None:
        user = self.selected
        if user is None:
            return
        body = f"Unlock {user.name} ({user.email})? Their failed-login count is cleared."
        self.app.push_screen(
            ConfirmDialog("Unlock login", body, confirm_label="Unlock"),
            lambda ok: self.call(self.pf.unlock_user, self.session, user.email,
                                 on_done=lambda u: self._done(f"{u.name} can log in again.", "Unlocked"))
            if ok else None,
        )

    def action_disable(self) -> None:
        user = self.selected
        if user is None:
            return
        body = (f"Disable {user.name} ({user.email})?\n"
                "They cannot log in, and no money moves for them, until enabled again.")
        self.app.push_screen(
            ConfirmDialog("Disable login", body, confirm_label="Disable", danger=True),
            lambda ok: self.call(self.pf.disable_user, self.session, user.email,
                                 on_done=lambda u: self._done(f"{u.name} is disabled.", "Disabled"))
            if ok else None,
        )

    def action_enable(self) -> None:
        user = self.selected
        if user is None:
            return
        body = f"Enable {user.name} ({user.email}) again? They can log in at once."
        self.app.push_screen(
            ConfirmDialog("Enable login", body, confirm_label="Enable"),
            lambda ok: self.call(self.pf.enable_user, self.session, user.email,
                                 on_done=lambda u: self._done(f"{u.name} is enabled.", "Enabled"))
            if ok else None,
        )

    def action_freeze(self) -> None:
        user = self.selected
        if user is not None:
            ask_freeze(self, user.email, user.name, lambda _wallet: self.users.refresh_page())

    def action_unfreeze(self) -> None:
        user = self.selected
        if user is not None:
            ask_unfreeze(self, user.email, user.name, lambda _wallet: self.users.refresh_page())


register_section(Section(
    "users", "Users", "Create users, change roles, unlock, disable, freeze wallets",
    ("ADMIN",), UsersScreen, order=110, group="Administration",
))
