"""The layout every small form dialog shares: intro, fields, a message line, two buttons."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QVBoxLayout, QWidget

from clinic_desktop.ui.widgets.palette import attention_colour


def show_as_refusal(label: QLabel) -> None:
    """Red text that stays readable on the dark palette too."""
    label.setStyleSheet(f"color: {attention_colour('urgent').name()};")


def lay_out_form_dialog(dialog: QDialog, intro: QWidget, form: QLayout, ok_text: str,
                        on_ok: Callable[[], None]) -> QLabel:
    """Arrange the dialog; returns the label where a refusal is explained (in red, wrapped)."""
    message = QLabel()
    show_as_refusal(message)
    message.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addLayout(form)
    layout.addWidget(message)
    layout.addWidget(buttons)
    return message
