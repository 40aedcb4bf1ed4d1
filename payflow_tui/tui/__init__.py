"""The Textual app: screens and widgets. It reaches data only through services."""
