"""The worklists' filter box at 9, 14 and 18 pt (issue 16 leftover, WCAG 1.4.4): it says whole what it
filters by, and on a narrow window it gives way before the buttons beside it do."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QToolButton
from test_large_text import LAPTOP
from window_pages import settle


def _shown(qtbot, open_view, size: QSize):
    window = open_view("worklists-manager")
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    settle()
    return window.worklists.list_for("overdue").list  # the list beside the kinds


def _placeholder_room(box) -> int:
    """From where the text starts to the clear button (hidden while the box is empty, its room kept)."""
    clear = next(button for button in box.findChildren(QToolButton))
    return clear.x() - box.cursorRect().center().x()


def _buttons_cut(worklist) -> list[str]:
    return [button.text() for button in worklist.findChildren(QToolButton)
            if button.isVisible() and button.parentWidget() is worklist and button.width() < button.sizeHint().width()]


@pytest.mark.parametrize("points", [9, 14, 18])
def test_on_a_laptop_the_filter_says_whole_what_it_filters_by(qtbot, open_view, system_font, monkeypatch, points):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), LAPTOP))
    system_font(points)
    worklist = _shown(qtbot, open_view, LAPTOP)
    box = worklist.filter
    assert box.fontMetrics().horizontalAdvance(box.placeholderText()) <= _placeholder_room(box)
    assert not _buttons_cut(worklist)


def test_on_a_narrow_window_the_filter_narrows_before_the_buttons_do(qtbot, open_view, system_font):
    system_font(9)
    worklist = _shown(qtbot, open_view, QSize(800, 600))
    box = worklist.filter
    assert box.width() < box.sizeHint().width()  # the placeholder elides ...
    assert box.width() >= box.fontMetrics().horizontalAdvance("Filter: name, NHS")  # ... but the box still reads
    assert not _buttons_cut(worklist)
