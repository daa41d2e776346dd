"""Reads asked for again before the last answer came back: only the latest answer is shown."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel

from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.ui.ops.latest import LatestOp


@pytest.fixture
def label(qtbot, sqlite_database):  # each read runs on a thread with its own connection
    widget = QLabel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_an_answer_overtaken_by_a_later_question_is_not_shown(qtbot, label):
    reads, first_may_answer = LatestOp(label, "Reading…"), threading.Event()

    def slow_first():
        first_may_answer.wait(10)
        return "Dr Alys Jones's slots"

    first = reads.run(slow_first, label.setText, label.setText)
    second = reads.run(lambda: "Sam Physio's slots", label.setText, label.setText)
    with qtbot.waitSignal(second.finished, timeout=10_000):
        pass
    assert label.text() == "Sam Physio's slots" and not reads.is_running()
    with qtbot.waitSignal(first.finished, timeout=10_000):
        first_may_answer.set()
    assert label.text() == "Sam Physio's slots"


def test_the_latest_read_failing_is_said(qtbot, label):
    reads = LatestOp(label, "Reading…")

    def unreachable():
        raise DatabaseUnavailable("the database server could not be reached")

    op = reads.run(unreachable, label.setText, lambda text: label.setText(f"⚠ {text}"))
    assert reads.is_running()
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert label.text() == "⚠ the database server could not be reached"
