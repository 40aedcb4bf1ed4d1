"""App fixtures: the real app on a temporary database with a frozen clock."""

from __future__ import annotations

import pytest

from payflow_tui.tui.app import create_app
from tests.conftest import PASSWORD, Bank  # noqa: F401  (re-exported for TUI tests)

SIZE = (100, 30)


@pytest.fixture
def make_app(pf):
    """Build the app over the test's PayFlow; polling off so tests drive reloads themselves."""

    def factory(**kwargs):
        return create_app(pf=pf, poll=kwargs.pop("poll", False), **kwargs)

    return factory


async def _workers_done(app) -> None:
    """Every worker finished. A worker cancelled because its screen closed (or a newer fetch
    replaced it) has finished too: that is how Textual ends them, not a failure."""
    import asyncio

    from textual.worker import WorkerCancelled

    results = await asyncio.gather(*(w.wait() for w in list(app.workers)), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result


async def settle(pilot) -> None:
    """Wait until every service call has come back and the screen has redrawn."""
    await _workers_done(pilot.app)
    await pilot.pause()
    await _workers_done(pilot.app)
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*list(text))


async def log_in(pilot, email: str, password: str = PASSWORD) -> None:
    """Type credentials into the login screen and wait for the home screen."""
    from payflow_tui.tui.screens.login import LoginScreen

    await settle(pilot)
    assert isinstance(pilot.app.screen, LoginScreen)
    await type_text(pilot, email)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


def toasts(app) -> list[str]:
    """The messages of the notifications on screen."""
    return [n.message for n in app._notifications]


def text_of(app, selector: str) -> str:
    """The plain text a Static (or Label) shows."""
    return str(app.screen.query_one(selector).render())
