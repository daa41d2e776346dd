"""The layout every form dialog shares: intro, fields, a message line, two buttons.

The fields scroll when the screen is too short for them (a 1366×768 laptop, 1920×1080 at
200 %), so the intro, the reason a save was refused and the buttons always stay in sight.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.screen_fit import fit_on_screen, room_on_screen

_AROUND_FIELDS = QSize(24, 180)  # the dialog's margins, and the height of its intro, message line and buttons


def show_as_refusal(label: QLabel) -> None:
    """Red text that stays readable on the dark palette too."""
    label.setStyleSheet(f"color: {attention_colour('urgent').name()};")


def keep_wide_enough(dialog: QWidget, characters: int) -> None:
    """At least ``characters`` average characters of the dialog's font wide, within the screen: a
    width that grows with the system's font setting, where a fixed pixel width stayed 9 pt sized
    and wrapped a 14 or 18 pt form's words one or two to a line."""
    dialog.setMinimumWidth(min(dialog.fontMetrics().averageCharWidth() * characters, room_on_screen(dialog).width()))


def lay_out_form_dialog(dialog: QDialog, intro: QWidget, form: QLayout, ok_text: str,
                        on_ok: Callable[[], None], *, fields_whole: bool = False) -> QLabel:
    """Arrange the dialog; returns the label where a refusal is explained (in red, wrapped).
    ``fields_whole``: the intro gives up its room first (a letter above a password box: at a
    large font the box was squeezed out of sight below the letter), as far as the screen allows."""
    message = QLabel()
    show_as_refusal(message)
    message.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(lambda: _point_to_refusal(on_ok, message, buttons))
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    fields = _scrolled(form)
    if fields_whole:
        fields.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    layout.addWidget(fields)
    layout.addWidget(message)
    layout.addWidget(buttons)
    fit_on_screen(dialog)
    return message


def announce(widget: QWidget, text: str) -> None:
    """Have a screen reader say ``text`` now, whatever has the focus (a refusal under the fields
    is otherwise never read out)."""
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


def _point_to_refusal(on_ok: Callable[[], None], message: QLabel, buttons: QDialogButtonBox) -> None:
    """Run ``on_ok``; when it leaves a refusal in sight, a screen reader reads it out, and unless
    the form put the focus on the field at fault, the refusal takes the focus (as an error
    summary does on a web form; Tab goes on to the buttons, Shift+Tab back to the fields). Work
    ``on_ok`` left under way (its buttons off, the line saying so) is left to its answer."""
    before = message.window().focusWidget()
    on_ok()
    if message.text() and message.isVisible() and buttons.isEnabled():
        announce(message, message.text())
        if message.window().focusWidget() is before:
            message.setFocus(Qt.FocusReason.OtherFocusReason)


def _scrolled(fields: QLayout) -> QScrollArea:
    """``fields`` in a frameless scroll area that asks for their whole size, as far as the screen allows."""
    inner = QWidget()
    inner.setLayout(fields)
    fields.setContentsMargins(0, 0, 0, 0)
    area = _FittingScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, and the area scrolls to each one
    area.setWidget(inner)
    return area


class _FittingScrollArea(QScrollArea):
    """As large as its content wants, within the screen less room for the dialog's frame, intro,
    message and buttons (Qt's own hint stops at 24 lines).

    The content's size is only known once its fields are styled and filled, after the dialog is
    first laid out, so each new layout of the content asks the dialog to lay itself out again;
    and the fields are never squeezed narrower than they need (they scroll down, not sideways)
    unless the screen itself is narrower.
    """

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            self._widen_window()
        return super().eventFilter(watched, event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self._widen_window)  # once the window is shown at the size Qt gave it

    def _widen_window(self) -> None:
        """A dialog given a fixed minimum width no longer grows with its layout's needs (Qt leaves
        an explicit minimum alone): at a large font its fields then scrolled sideways. Widen it
        to what they need, within the screen."""
        window = self.window()
        if not window.isVisible():
            return  # its first size is worked out as it is shown
        wanted = min(self.minimumSizeHint().width() + window.width() - self.width(), room_on_screen(window).width())
        if window.width() < wanted:
            window.resize(wanted, window.height())

    def sizeHint(self) -> QSize:
        wanted = self.widget().sizeHint() + QSize(self.verticalScrollBar().sizeHint().width(), 0)
        room = room_on_screen(self) - _AROUND_FIELDS
        return QSize(min(wanted.width(), room.width()), min(wanted.height(), room.height()))

    def minimumSizeHint(self) -> QSize:
        width = self.widget().minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        room = room_on_screen(self) - _AROUND_FIELDS
        return QSize(min(width, room.width()), super().minimumSizeHint().height())
