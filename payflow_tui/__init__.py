"""PayFlow: a local double-entry ledger and back office in a terminal."""

__version__ = "0.1.0"
