"""The staff menu's sections: each screen module registers the sections it provides.

A later feature adds a section by registering it in its own module and adding
that module to ``SECTION_MODULES``; the menu needs no other change.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    """One entry of the staff menu.

    ``group`` is the heading it is listed under (groups follow their lowest
    ``order``); ``available(pf)``, when given, hides the section on databases
    where it makes no sense (the sandbox clock on a real ledger).
    """

    id: str
    title: str
    description: str
    roles: tuple[str, ...]
    factory: Callable[[], Screen]
    order: int = 100
    group: str = "More"
    available: Callable[[Any], bool] | None = None


SECTIONS: dict[str, Section] = {}

# Modules that register sections; imported when the menu is first shown.
SECTION_MODULES: list[str] = [
    "payflow_tui.tui.screens.pending_deposits",
    "payflow_tui.tui.screens.customers",
    "payflow_tui.tui.screens.users",
    "payflow_tui.tui.screens.all_transactions",
    "payflow_tui.tui.screens.audit_log",
    "payflow_tui.tui.screens.settings",
    "payflow_tui.tui.screens.sandbox_clock",
    "payflow_tui.tui.screens.reports",
    "payflow_tui.tui.screens.webhooks",
    "payflow_tui.tui.screens.profile",
    "payflow_tui.tui.screens.my_subscriptions",
    "payflow_tui.tui.screens.plans",
    "payflow_tui.tui.screens.subscriptions_admin",
    "payflow_tui.tui.screens.scheduler_status",
    "payflow_tui.tui.screens.user_home",
    "payflow_tui.tui.screens.alerts",
    "payflow_tui.tui.screens.rules",
]


def register_section(section: Section) -> None:
    SECTIONS[section.id] = section


def sections_for(role: str, pf: Any = None) -> list[Section]:
    for name in SECTION_MODULES:
        importlib.import_module(name)
    return sorted(
        (s for s in SECTIONS.values()
         if role in s.roles and (s.available is None or pf is None or s.available(pf))),
        key=lambda s: (s.order, s.title),
    )
