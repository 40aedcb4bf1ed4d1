"""Opening the database and keeping its schema current. Only services/ imports this."""

from .connection import connect
from .migrations import migrate, schema_version

__all__ = ["connect", "migrate", "schema_version"]
