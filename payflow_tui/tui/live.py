"""Live reloads: fetching again because the data changed is not the user doing something."""

from __future__ import annotations

from typing import Any, Callable


def unattended(pf: Any, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` wrapped so its service calls do not reset the idle timeout.

    A screen reloads whenever any terminal commits; in a busy branch that is
    all the time, and it must not keep an unattended session signed in.
    """

    def run(*args: Any, **kwargs: Any) -> Any:
        with pf.unattended():
            return fn(*args, **kwargs)

    return run
