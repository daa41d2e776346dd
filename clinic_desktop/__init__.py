"""Clinic Desktop.

Its loggers keep the details behind a one-sentence refusal (what SQLite's integrity check
listed, the driver's own error). They have a handler that does nothing until the app or an
administrator configures logging, so the details never spill onto a user's terminal under
the sentence meant for them.
"""
import logging

__version__ = "0.1.0"  # the one place it is written: pyproject.toml, --version and the bundle read it

logging.getLogger(__name__).addHandler(logging.NullHandler())
