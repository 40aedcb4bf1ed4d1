"""The service module: the only code that reads or writes the database.

Pure Python with no Textual import; the app, the CLI and the scheduler all
go through ``PayFlow``.
"""

from . import errors
from .base import Movement, Session
from .errors import PayFlowError
from .facade import PayFlow
from .scheduler import ScheduledTask, Scheduler

__all__ = ["PayFlow", "PayFlowError", "Session", "Movement", "ScheduledTask", "Scheduler", "errors"]
