"""Helpers for the staff screens' app tests: sign in, open a section, read what the screen says."""

from __future__ import annotations

from textual.widgets import Input, Static

from .conftest import settle


async def sign_in(pilot, session) -> None:
    """Start from the staff menu of ``session``, as after a real login."""
    await settle(pilot)
    pilot.app.signed_in(session)
    await settle(pilot)


async def open_section(pilot, key: str):
    """Press a section's key on the staff menu; returns the screen it opened."""
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def fill(pilot, selector: str, text: str, *, submit: bool = True) -> None:
    """Type ``text`` into the input ``selector`` of the current screen (clearing it first)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*list(text))
    if submit:
        await pilot.press("enter")
    await settle(pilot)


def toasts(app) -> list[str]:
    """The messages of the notifications shown so far."""
    return [n.message for n in app._notifications]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def log_in_again(bank) -> None:
    """Fresh sessions for everyone, after the test clock jumped past the idle timeout."""
    from tests.conftest import PASSWORD

    for name in ("admin", "teller", "ada", "bola"):
        session = getattr(bank, name)
        setattr(bank, name, bank.pf.login(session.email, PASSWORD))
