"""What a label or button shows is what a screen reader says (WCAG 2.5.3 label in name).

A name set on a label replaces its text for assistive technology: the patient page's name label
was told "Patient name", so Orca said "Patient name", never "JONES, Aisha" (the Orca pass of
issue 16). Wherever a name is given to a control that shows text, the text must be in it; what
the control is for goes in its description.
"""
from __future__ import annotations

import re

import pytest
from demo_moment import CLINIC_TIME, ROLES  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from test_keyboard_walk import DIALOGS


def hidden_labels(window: QWidget) -> list[str]:
    """Each shown label or button whose given name leaves out a word it shows."""
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QAbstractButton)) or not widget.isVisible() or not widget.accessibleName():
            continue
        shown = _words(QTextDocumentFragment.fromHtml(widget.text()).toPlainText() if isinstance(widget, QLabel)
                       else widget.text())
        if shown and not set(shown) <= set(_words(widget.accessibleName())):
            found.append(f"{type(widget).__name__} shows {widget.text()[:60]!r} but is named "
                         f"{widget.accessibleName()[:60]!r}")
    return found


def _words(text: str) -> list[str]:
    """The words, without mnemonics' ampersands and punctuation ("Re&set password…": reset, password)."""
    return re.findall(r"\w+", re.sub(r"&(?!&)", "", text).casefold())


@pytest.mark.parametrize("role", ROLES)
def test_every_page_says_what_it_shows(problems_on_every_page, role):
    problems = problems_on_every_page(role, hidden_labels)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_says_what_it_shows(qtbot, open_view, name):
    dialog = open_view(name)
    dialog.show()
    qtbot.waitExposed(dialog)
    problems = hidden_labels(dialog)
    assert not problems, "\n".join(problems)
