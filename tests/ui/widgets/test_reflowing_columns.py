"""Two columns side by side while there is room, one under the other when there is not (WCAG 1.4.10)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from clinic_desktop.ui.widgets.reflowing_columns import ReflowingColumns


@pytest.fixture(autouse=True)
def laptop(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(0, 0, 1366, 768))


def two_columns(qtbot) -> tuple[QWidget, QLabel, QLabel]:
    """Columns each narrower than the laptop's screen, too wide for it side by side."""
    first, second = QLabel("Initial management given " * 6), QLabel("Red flags found at the first contact " * 4)
    window = QWidget()
    QVBoxLayout(window).addWidget(ReflowingColumns(first, second))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    widths = first.minimumSizeHint().width(), second.minimumSizeHint().width()
    assert max(widths) < 1366 - 48 < sum(widths)
    return window, first, second


def test_with_room_the_second_column_stands_beside_the_first(qtbot):
    window, first, second = two_columns(qtbot)
    window.resize(first.minimumSizeHint().width() + second.minimumSizeHint().width() + 80, 400)
    qtbot.waitUntil(lambda: second.x() > first.x() + first.minimumSizeHint().width())
    assert second.y() == first.y()


def test_short_of_room_the_second_column_goes_under_the_first_and_nothing_is_cut(qtbot):
    window, first, second = two_columns(qtbot)
    window.resize(max(first.minimumSizeHint().width(), second.minimumSizeHint().width()) + 40, 400)
    qtbot.waitUntil(lambda: second.y() >= first.geometry().bottom())
    assert second.x() == first.x()
    assert first.width() >= first.minimumSizeHint().width() and second.width() >= second.minimumSizeHint().width()
