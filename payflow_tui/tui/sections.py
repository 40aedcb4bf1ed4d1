"""The staff menu's sections: each screen module registers the sections it provides.

A later feature adds a section by registering it in its own module and adding
that module to ``SECTION_MODULES``; the menu needs no other change.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str
    roles: tuple[str, ...]
    factory: Callable[[], Screen]
    order: int = 100


SECTIONS: dict[str, Section] = {}

# Modules that register sections; imported when the menu is first shown.
SECTION_MODULES: list[str] = [
    "payflow_tui.tui.screens.user_home",
]


def register_section(section: Section) -> None:
    SECTIONS[section.id] = section


def sections_for(role: str) -> list[Section]:
    for name in SECTION_MODULES:
        importlib.import_module(name)
    return sorted((s for s in SECTIONS.values() if role in s.roles), key=lambda s: (s.order, s.title))
