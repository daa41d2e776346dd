"""A focus ring everyone can see (WCAG 2.2 2.4.7): 2 px, at 3:1 or more against the window and
the lists, on whichever style the desktop gives.

Fusion's focus frame on a button or a table cell is a faint line of the highlight at half
strength, Breeze's a thin tint: a person working by keyboard loses track of where they are.
A proxy style draws the ring over the desktop's own drawing, so every widget keeps its look and
size (a style sheet would change both) and only the ring is added.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption

from clinic_desktop.ui.widgets.palette import focus_colour

__all__ = ["FocusRingStyle"]

RING_WIDTH = 2

# Controls ringed whole (Fusion marks their focus by a faint outline, or not at all); the focus
# frame a style draws inside them is left out, so each has one ring.
_RINGED_PANELS = (QStyle.PrimitiveElement.PE_PanelLineEdit,)
_RINGED_ELEMENTS = (QStyle.ControlElement.CE_PushButton,)
_RINGED_CONTROLS = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox,
                    QStyle.ComplexControl.CC_ToolButton)


class FocusRingStyle(QProxyStyle):
    """The desktop's style with a strong focus ring: in place of the focus frame the style draws
    (check boxes, tabs, table cells), and round the whole focused push button, tool button, line
    edit, spin box and drop-down list, whose focus Fusion marks by a faint outline or not at all."""

    _ringing_whole = False  # drawing a control ringed whole: its inner focus frame is left out

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802 (Qt's name)
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            if not self._ringing_whole:
                draw_ring(painter, option, option.rect)
            return
        super().drawPrimitive(element, option, painter, widget)
        if element in _RINGED_PANELS and _focused(option) and not _inside_control(widget):
            draw_ring(painter, option, option.rect)

    def drawControl(self, element, option, painter, widget=None):  # noqa: N802
        self._draw_ringed(element in _RINGED_ELEMENTS, super().drawControl, element, option, painter, widget)

    def drawComplexControl(self, control, option, painter, widget=None):  # noqa: N802
        self._draw_ringed(control in _RINGED_CONTROLS, super().drawComplexControl, control, option, painter, widget)

    def _draw_ringed(self, ringed: bool, draw, what, option, painter, widget) -> None:
        if not (ringed and _focused(option)):
            draw(what, option, painter, widget)
            return
        self._ringing_whole = True
        try:
            draw(what, option, painter, widget)
        finally:
            self._ringing_whole = False
        draw_ring(painter, option, option.rect)


def draw_ring(painter: QPainter, option: QStyleOption, rect: QRect) -> None:
    """A ring inside ``rect``; in the selection's text colour on a selected row, where the
    highlight behind it is the ring's own hue (a drop-down list says it is selected when focused:
    only a list's row is drawn on the highlight)."""
    row = QStyle.StateFlag.State_Item | QStyle.StateFlag.State_Selected
    selected = option.state & row == row
    pen = QPen(focus_colour(option.palette, on_selection=selected), RING_WIDTH)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect.adjusted(1, 1, -1, -1))
    painter.restore()


def _focused(option: QStyleOption) -> bool:
    return bool(option.state & QStyle.StateFlag.State_HasFocus)


def _inside_control(widget) -> bool:
    """A line edit inside a spin box or an editable drop-down list: the control's ring is enough."""
    parent = widget.parentWidget() if widget is not None else None
    return parent is not None and (parent.inherits("QAbstractSpinBox") or parent.inherits("QComboBox"))
