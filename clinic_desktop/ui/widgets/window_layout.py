"""Remembering where the user left windows, splitters and column widths (QSettings).

Kept per workstation user account, not in the clinic database: a layout is personal to
the screen it was made on. A picture (``--screenshot``) is drawn as a new user would see it
and changes nobody's layout (``layouts_set_aside``).
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter


def _store() -> QSettings:
    return QSettings()


@contextmanager
def layouts_set_aside() -> Iterator[None]:
    """Within it, windows, splitters and columns start as a new user's and are remembered in a
    folder removed at the end: drawing a picture with the widths a user once dragged would make
    every picture different, and saving the picture's would change theirs. (An ini file in a
    folder of its own: on Windows the native store is the registry, which has no folder to move.)"""
    with tempfile.TemporaryDirectory(prefix="clinic-desktop-layouts-") as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        try:
            yield
        finally:
            QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


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
    store = _store()
    store.setValue(f"{key}/header", header.saveState())
    store.setValue(f"{key}/columns", _columns(header))


def restore_header(header: QHeaderView, key: str) -> bool:
    """Put the columns' widths and order back, only if they were saved for these very columns.

    A state saved by another version of the app, whose list had a column more or less, would
    give the header sections the table's model does not have (and Qt then asks the model for
    headers past its end); such a state is ignored and the list starts with its own widths.
    """
    store = _store()
    state = store.value(f"{key}/header")
    if state is None or store.value(f"{key}/columns") != _columns(header):
        return False
    return bool(header.restoreState(state))


def _columns(header: QHeaderView) -> str:
    """The header's column titles, one a line: what a saved state belongs to."""
    model = header.model()
    if model is None:
        return ""
    return "\n".join(str(model.headerData(section, header.orientation()) or "") for section in range(model.columnCount()))


def save_splitter(splitter: QSplitter, key: str) -> None:
    _store().setValue(f"{key}/splitter", splitter.saveState())


def restore_splitter(splitter: QSplitter, key: str) -> bool:
    state = _store().value(f"{key}/splitter")
    return bool(state is not None and splitter.restoreState(state))
