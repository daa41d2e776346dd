"""Waiting for a letter to be drawn: it is built off the window's thread."""
from __future__ import annotations


def drawn(qtbot, preview) -> None:
    """Wait for the letter asked for to be shown."""
    qtbot.waitUntil(lambda: not preview.is_drawing(), timeout=10_000)
