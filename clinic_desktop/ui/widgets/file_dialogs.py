"""Asking for a file: one way for every save and open in the app.

Each dialog is Qt's own (a native one cannot be hidden by the idle lock), opened with
``open()`` so the lock can hide it and bring it back, and deleted once closed. The
caller gets the chosen path as a Path; cancelling calls nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QStackedWidget, QWidget

from clinic_desktop.ui.widgets.page_stacks import name_pages


def save_file_dialog(parent: QWidget, title: str, start: Path | str, name_filter: str, suffix: str,
                     chosen: Callable[[Path], object]) -> QFileDialog:
    """Ask where to save (``start``: a folder, or a suggested file); ``suffix`` is added when none is typed."""
    dialog = _dialog(parent, title, start, name_filter, chosen)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix)
    dialog.open()
    return dialog


def open_file_dialog(parent: QWidget, title: str, start: Path | str, name_filter: str,
                     chosen: Callable[[Path], object]) -> QFileDialog:
    """Ask for an existing file to read."""
    dialog = _dialog(parent, title, start, name_filter, chosen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.open()
    return dialog


def folder_dialog(parent: QWidget, title: str, start: Path | str, chosen: Callable[[Path], object]) -> QFileDialog:
    """Ask for an existing folder (an export of many files)."""
    dialog = _dialog(parent, title, start, "", chosen)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.open()
    return dialog


def _dialog(parent: QWidget, title: str, start: Path | str, name_filter: str,
            chosen: Callable[[Path], object]) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(start), name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    name_pages(dialog.findChild(QStackedWidget, "stackedWidget"), "Files and folders")  # Qt's list or detail view
    return dialog
