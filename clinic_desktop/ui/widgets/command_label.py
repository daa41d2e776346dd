"""A shell command shown for someone to run by hand (pg_dump, pg_restore), with a Copy button."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton


def with_copy_button(command: CommandLabel) -> QHBoxLayout:
    copy = QPushButton("Copy")
    copy.setAccessibleName(f"Copy the {command.accessibleName()}")
    copy.clicked.connect(lambda: QApplication.clipboard().setText(command.command))
    row = QHBoxLayout()
    row.addWidget(command, 1)
    row.addWidget(copy, 0, Qt.AlignmentFlag.AlignTop)
    return row


class CommandLabel(QLabel):
    """A command to run in a terminal, all of it visible, wrapped only between its words.

    Qt would also wrap after a hyphen ("--" at one line's end, "host=..." on the next), which
    misleads whoever types it, so hyphens are shown as non-breaking ones; the Copy button
    next to it copies the exact command.
    """

    def __init__(self, command: str, name: str):
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setAccessibleName(name)
        self.command = ""
        self.set_command(command)

    def set_command(self, command: str) -> None:
        self.command = command
        self.setText(command.replace("-", "\u2011"))
        self.setAccessibleDescription(command)
