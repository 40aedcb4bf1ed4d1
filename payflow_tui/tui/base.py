"""The base every PayFlow screen shares: the service, the session, Back, reload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from ..services import PayFlow, Session
    from .app import PayFlowApp


class PayFlowScreen(Screen):
    """A screen of the app. Subclasses set HELP (shown on F1) and may override ``reload``."""

    HELP = "Escape goes back. Ctrl+P lists what you can do here."
    # Screens at the bottom of a flow (login, setup, home) have nothing to go back to.
    CAN_GO_BACK = True
    BINDINGS = [Binding("escape", "back", "Back", id="back", tooltip="Go back to the previous screen")]

    @property
    def payflow_app(self) -> "PayFlowApp":
        return self.app  # type: ignore[return-value]

    @property
    def pf(self) -> "PayFlow":
        return self.payflow_app.pf

    @property
    def session(self) -> "Session":
        return self.payflow_app.session  # type: ignore[return-value]

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any):
        """Run a service call in a worker (see PayFlowApp.call_service)."""
        return self.payflow_app.call_service(fn, *args, **kwargs)

    def reload(self) -> None:
        """Fetch fresh data; called on mount by subclasses and when the database changes."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and not self.CAN_GO_BACK:
            return False
        return True

    def action_back(self) -> None:
        # The bottom of the stack (the default screen) and the home screen stay.
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
