"""The warning a form's answers will store, shown before saving in the words it will be stored in.

A pitfall (pathway/pitfalls) does not stop the save: it is stored needing acknowledgement and
waits on the responsible clinician's list. The form says so here first, so the clinician can
change the answer or save knowing what follows; the words come from the services.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from clinic_desktop.ui.widgets.palette import banner_style


class CautionBanner(QLabel):
    """Hidden until there is a caution; then each one, and what saving does with it."""

    def __init__(self, object_name: str, what: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleDescription(what)  # its words are its name: a reader hears the caution itself
        self.setStyleSheet(banner_style(object_name, "urgent"))
        self.hide()

    def show_cautions(self, cautions: Sequence[str]) -> None:
        lines = [f"⚠ {caution}" for caution in cautions]
        if lines:
            lines.append("Saving keeps it on the responsible clinician's list until it is acknowledged.")
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
