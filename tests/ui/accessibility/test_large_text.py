"""Every view at a large system font on a 1366×768 laptop (WCAG 1.4.4 resize text, 1.4.10 reflow):
it fits the screen, no list or page on it scrolls sideways, and no safety word, patient's name or column
title is cut (text_fit.py)."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QScreen
from test_keyboard_walk import DIALOGS
from text_fit import cut_text, scrolls_sideways
from window_pages import pages, settle

from clinic_desktop.ui.shell.screenshots import VIEWS

LAPTOP = QSize(1366, 768)
WINDOWS = [name for name in VIEWS if name not in DIALOGS and name not in ("backup-check-progress",
                                                                          "leave-over-bookings")]
# Lists with more columns than fit at 18 pt even with every title whole: column_fit.py lets them scroll
# sideways rather than cut a title. Still to reflow; every other list and page must not scroll sideways.
# All open work (nine columns) is at the edge: whether it scrolls depends on the longest names among the
# rows read, and in a whole run it did at 18 pt.
STILL_SCROLL_SIDEWAYS = ("To book", "Referrals to write", "All open work")


@pytest.fixture(params=[14, 18], ids=lambda points: f"{points}pt")
def large_font(request, system_font, monkeypatch) -> int:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), LAPTOP))
    system_font(request.param)
    return request.param


@pytest.mark.parametrize("name", WINDOWS)
def test_each_main_view_reflows_at_a_large_font(qtbot, open_view, large_font, name):
    window = open_view(name)
    window.resize(LAPTOP)
    window.show()
    qtbot.waitExposed(window)
    settle()  # the lists have read their rows: their columns are sized to them
    assert window.size() == LAPTOP, f"at {large_font} pt it needs {window.minimumSizeHint()}"
    problems = cut_text(window) + scrolls_sideways(window, STILL_SCROLL_SIDEWAYS)
    assert not problems, "\n".join(problems)


def test_every_administration_page_reflows_at_a_large_font(qtbot, open_view, large_font):
    """The view shows one page of the list (Users); each of the others is looked at in turn."""
    window = open_view("administration")
    window.resize(LAPTOP)
    window.show()
    qtbot.waitExposed(window)
    problems: list[str] = []
    pages(window.manager.admin, lambda page: problems.extend(
        f"{page}: {problem}" for problem in cut_text(window) + scrolls_sideways(window)))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog_fits_the_laptop_at_a_large_font(qtbot, open_view, large_font, name):
    dialog = open_view(name)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle()  # the lists have read their rows: their columns are sized to them
    assert dialog.width() <= LAPTOP.width() and dialog.height() <= LAPTOP.height(), \
        f"at {large_font} pt it opens at {dialog.size()}"
    cut = cut_text(dialog)
    assert not cut, "\n".join(cut)
