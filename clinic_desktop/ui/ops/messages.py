"""Telling the user that an action was refused, without blocking the window.

Forms show refusals inline under their fields; this is for actions started from a list,
a toolbar or a context menu. The box is window-modal and opened with ``open()``, so the
idle lock can hide it along with its window and bring it back on resume.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def show_refusal(parent: QWidget, text: str, title: str = "Not done") -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, title, sentence(text), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("refusal")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def sentence(text: str) -> str:
    """A refusal as a sentence: services word some without the capital or the full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
