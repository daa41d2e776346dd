"""Remembering where the user left windows, splitters and column widths (QSettings).

Kept per workstation user account, not in the clinic database: a layout is personal to
the screen it was made on.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter


def _store() -> QSettings:
    return QSettings()


def save_window(window: QMainWindow, key: str) -> None:
    store = _store()
    store.setValue(f"{key}/geometry", window.saveGeometry())
    store.setValue(f"{key}/state", window.saveState())


def restore_window(window: QMainWindow, key: str) -> bool:
    """Put the window back where it was; False when there is nothing saved yet."""
    store = _store()
    geometry = store.value(f"{key}/geometry")
    if geometry is None:
        return False
    window.restoreGeometry(geometry)
    state = store.value(f"{key}/state")
    if state is not None:
        window.restoreState(state)
    return True


def save_header(header: QHeaderView, key: str) -> None:
    _store().setValue(f"{key}/header", header.saveState())


def restore_header(header: QHeaderView, key: str) -> bool:
    state = _store().value(f"{key}/header")
    return bool(state is not None and header.restoreState(state))


def save_splitter(splitter: QSplitter, key: str) -> None:
    _store().setValue(f"{key}/splitter", splitter.saveState())


def restore_splitter(splitter: QSplitter, key: str) -> bool:
    state = _store().value(f"{key}/splitter")
    return bool(state is not None and splitter.restoreState(state))
