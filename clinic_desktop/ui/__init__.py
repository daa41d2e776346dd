"""PySide6 windows and Qt item models. No SQL here: everything goes through services."""
