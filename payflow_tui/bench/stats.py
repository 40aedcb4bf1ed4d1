"""Small helpers for figures: medians, rates, machine notes."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def ratio(service: float, baseline: float) -> float:
    return service / baseline if baseline > 0 else 0.0


def machine() -> dict:
    """What the figures were measured on (load matters on a shared machine)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(), "load_1min": round(load, 2) if load is not None else None}


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}/s"
