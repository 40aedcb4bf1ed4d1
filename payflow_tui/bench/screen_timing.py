"""Timing a screen the way a person sees it: from the action until its data is drawn.

Pilot.pause() and Pilot.press() wait until the whole process has been idle for
a while (at least 20 ms a time, up to a second while a worker thread is busy),
so a figure taken with them is mostly the harness waiting. These helpers poll
every millisecond for the state the screen must reach, then wait for the next
refresh: the frame that shows it.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Awaitable, Callable

SIZE = (100, 30)  # the terminal every screen benchmark draws on


async def drawn(app) -> None:
    """Return once the app has refreshed the screen (after anything already posted)."""
    frame = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: frame.done() or frame.set_result(None))
    await frame


async def until(app, done: Callable[[], object], timeout: float = 60.0) -> None:
    """Poll ``done`` every millisecond, then wait for the frame that shows it."""
    give_up = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > give_up:
            raise TimeoutError("the screen did not reach the expected state")
        await asyncio.sleep(0.001)
    await drawn(app)


def workers_done(app) -> Callable[[], bool]:
    """True once every worker the app has started has finished (its result is handed
    to the UI thread as it finishes, so the next refresh shows it)."""
    return lambda: all(worker.is_finished for worker in app.workers)


async def settle(app) -> None:
    """Every worker finished, its result applied and drawn."""
    await until(app, workers_done(app))
    await asyncio.sleep(0)  # the finished worker's callback is queued: let it run
    await drawn(app)


async def timed(into: list[float], app, action: Callable[[], Awaitable[object] | None]) -> None:
    """Append the seconds from calling ``action`` (which starts the screen's work) until
    that work is finished and drawn."""
    started = time.perf_counter()
    pending = action()
    if pending is not None:
        await pending
    await settle(app)
    into.append(time.perf_counter() - started)


@asynccontextmanager
async def signed_in(pf, session, size: tuple[int, int] = SIZE) -> AsyncIterator[tuple]:
    """``(app, pilot)``: the real app on ``pf``, headless at ``size``, with ``session``
    signed in and its home screen loaded and drawn. Live polling is off, so a figure
    counts only the action being timed."""
    from ..tui.app import create_app

    app = create_app(pf=pf, poll=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.signed_in(session)
        await settle(app)
        yield app, pilot
