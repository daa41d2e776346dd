"""The dashboard tab driven like a practice manager does, over the hand-built clinic."""
from __future__ import annotations

import dataclasses
import threading
from datetime import date

import pytest
from dashboard_clinic import NOW, DashboardClinic
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.reporting import dashboard
from clinic_desktop.ui.manager.dashboard import DashboardView, for_screenshot
from clinic_desktop.ui.shell.change_hub import ChangeHub

CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def clinic(sqlite_staff):
    return DashboardClinic(sqlite_staff).build()


@pytest.fixture
def view(qtbot, sqlite_staff, clinic):
    hub = ChangeHub(sqlite_staff.manager, poll_seconds=600)
    shown = DashboardView(sqlite_staff.manager, load_settings(), hub)
    hub.setParent(shown)
    qtbot.addWidget(shown)
    shown.resize(1400, 900)
    shown.show()
    return figures_read(qtbot, shown)


def figures_read(qtbot, view: DashboardView) -> DashboardView:
    """Wait for the figures: the dashboard reads them off the window's thread."""
    qtbot.waitUntil(lambda: not view.is_reading(), timeout=10_000)
    return view


def figures(box) -> dict[str, str]:
    return {key: button.text() for key, button in box.buttons.items()}


def test_the_figures_show_the_hand_counted_overdue_items(view, sqlite_staff):
    assert figures(view.by_band) == {"1-7": "2", "8-14": "1", "15-28": "3", "over-28": "1"}
    assert figures(view.by_kind)["two_week_review"] == "3"
    assert figures(view.by_kind)["biopsychosocial"] == "1"
    assert figures(view.by_clinician) == {str(sqlite_staff.clinician.user_id): "5",
                                          str(sqlite_staff.other_clinician.user_id): "2"}
    assert view.summary.text().startswith("7 items overdue · ⚠ URGENT: 1 red-flag referral overdue.")


def test_a_figure_of_nothing_cannot_be_clicked(view):
    assert not view.by_kind.buttons["follow_up"].isEnabled()
    assert view.by_kind.buttons["medication_review"].isEnabled()


def test_clicking_a_figure_shows_the_list_behind_it(qtbot, view):
    qtbot.mouseClick(view.by_band.buttons["15-28"], Qt.MouseButton.LeftButton)

    assert view.tabs.currentWidget() is view.list
    assert view.list.heading.text() == "15–28 days overdue: 3 overdue"
    model = view.list.model
    assert [model.row_at(number).patient_name for number in range(model.rowCount())] == [
        "JARVIS, Ann", "MOORE, Ann", "FROST, Ann"]
    assert model.index(0, 0).data() == "OVERDUE 23 d"


def test_clicking_a_clinician_lists_their_patients(qtbot, view, sqlite_staff):
    qtbot.mouseClick(view.by_clinician.buttons[str(sqlite_staff.other_clinician.user_id)], Qt.MouseButton.LeftButton)

    assert view.list.heading.text() == "Sam Physio: 2 overdue"
    assert view.list.model.index(0, 0).data() == "URGENT · OVERDUE 5 d"


def test_show_all_goes_back_to_every_overdue_item(qtbot, view):
    qtbot.mouseClick(view.by_kind.buttons["early_radicular"], Qt.MouseButton.LeftButton)
    assert view.list.model.total == 1

    qtbot.mouseClick(view.list.show_all_button, Qt.MouseButton.LeftButton)

    assert (view.list.heading.text(), view.list.model.total) == ("All overdue: 7 overdue", 7)
    assert not view.list.show_all_button.isEnabled()


def test_a_row_opens_its_patient(qtbot, view, clinic):
    qtbot.mouseClick(view.by_kind.buttons["early_radicular"], Qt.MouseButton.LeftButton)
    table = view.list.table
    qtbot.waitUntil(lambda: table.isVisible() and table.viewport().height() > 0)
    rect = table.visualRect(view.list.model.index(0, 3))

    with qtbot.waitSignal(view.patient_requested) as opened:
        # Qt's item views see a double-click only after the press and release that start it.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert opened.args == [clinic.patient_ids["Reid"]]


def test_each_measure_shows_its_value_and_definition(view):
    cards = {card.title.text(): card for card in view.cards}

    reviews = cards["2-week reviews done by day 14"]
    assert reviews.value.text() == "50 % (4 of 8) · last 12 weeks"
    assert "counts in the week of its due-by date" in reviews.definition.text()
    assert cards["Days from referral raised to sent"].value.text() == "median 8 days (5 referrals) · last 12 weeks"
    assert cards["Did-not-attend rate"].value.text() == "17 % (1 of 6) · last 12 weeks"
    assert cards["High-risk patients referred within 14 days"].value.text() == "50 % (2 of 4) · last 12 weeks"


def test_a_chart_names_its_weeks_and_its_unit(view):
    chart = view.cards[0].chart.chart()
    weeks, values = chart.axes(Qt.Orientation.Horizontal)[0], chart.axes(Qt.Orientation.Vertical)[0]

    assert weeks.titleText() == "Week starting (Monday)"
    assert (weeks.categories()[0], weeks.categories()[-1]) == ("7<br>Sep", "23<br>Nov")
    assert (values.titleText(), values.min(), values.max()) == ("% of those counted", 0, 100)
    bars = chart.series()[0].barSets()[0]
    assert [bars.at(week) for week in range(bars.count())] == [0, 0, 100, 0, 0, 0, 0, 0, 0, 50, 50, 0]


def test_weeks_without_a_bar_are_named_under_the_chart(view):
    text = view.cards[0].empty_weeks.text()

    # Reviews: 21 Sep 100 %, 26 Oct 0 % (Jarvis), 9 and 16 Nov 50 %; no review was due in the other weeks.
    assert text == ("No bar: nothing counted in the weeks of 7 Sep, 14 Sep, 28 Sep, 5 Oct, 12 Oct, 19 Oct, 2 Nov, "
                    "23 Nov. 0 % in the week of 26 Oct.")


def test_a_change_elsewhere_redraws_the_figures(qtbot, view, clinic):
    clinic.open("Young", date(2026, 11, 2))  # its 2-week review was due 16 Nov: 9 days overdue

    view.findChild(ChangeHub).after_change()

    qtbot.waitUntil(lambda: view.by_band.buttons["8-14"].text() == "2")  # read off the window's thread
    assert view.by_kind.buttons["two_week_review"].text() == "4"


def test_a_hidden_dashboard_reads_nothing_until_it_is_shown(qtbot, view, clinic, monkeypatch):
    reads = []
    read = dashboard.dashboard
    monkeypatch.setattr(dashboard, "dashboard", lambda actor: reads.append(actor) or read(actor))
    view.hide()
    clinic.open("Young", date(2026, 11, 2))

    view.findChild(ChangeHub).after_change()

    assert reads == [] and view.by_band.buttons["8-14"].text() == "1"
    view.show()
    qtbot.waitUntil(lambda: view.by_band.buttons["8-14"].text() == "2")
    assert len(reads) == 1


def test_the_latest_redraw_wins(qtbot, view, monkeypatch):
    """A slow read overtaken by a later one is not shown over it."""
    let_go, calls = threading.Event(), []
    read = dashboard.dashboard

    def first_slow_and_old(actor):
        calls.append(actor)
        if len(calls) == 1:
            let_go.wait(30)
            return dataclasses.replace(read(actor), clinic_name="Before the change")
        return read(actor)

    monkeypatch.setattr(dashboard, "dashboard", first_slow_and_old)
    slow = view.reload_in_background()
    qtbot.waitUntil(lambda: len(calls) == 1)
    later = view.reload_in_background()
    qtbot.waitUntil(lambda: later.ok is not None)  # the later read is shown first
    let_go.set()
    qtbot.waitUntil(lambda: slow.ok is not None)  # then the slow one arrives, and is dropped

    assert "Before the change" not in view.heading.text() and view.board.clinic_name != "Before the change"


def test_export_dashboard_saves_a_pdf(qtbot, view, tmp_path):
    dialog = view.export()
    path = tmp_path / "board.pdf"
    dialog.selectFile(str(path))

    dialog.accept()

    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "reportSaved") is not None, timeout=10_000)
    assert "Overdue dashboard" in PdfReader(path).pages[0].extract_text()
    assert str(path) in view.findChild(QMessageBox, "reportSaved").text()


def test_export_list_saves_the_list_shown_as_csv(qtbot, view, tmp_path):
    qtbot.mouseClick(view.by_band.buttons["1-7"], Qt.MouseButton.LeftButton)
    dialog = view.list.export()
    dialog.selectNameFilter("CSV spreadsheet (*.csv)")
    path = tmp_path / "week.csv"
    dialog.selectFile(str(path))

    dialog.accept()

    qtbot.waitUntil(lambda: view.list.findChild(QMessageBox, "reportSaved") is not None, timeout=10_000)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["5", "7"]


def test_screenshot_view_builds_over_the_data(qtbot, sqlite_staff, clinic):
    hub = ChangeHub(sqlite_staff.manager, poll_seconds=600)
    shown = for_screenshot(sqlite_staff.manager, load_settings(), hub)
    hub.setParent(shown)
    qtbot.addWidget(shown)
    figures_read(qtbot, shown)

    assert len(shown.cards) == 4 and shown.board.overdue.total == 7


def unreachable(*args, **kwargs):
    raise DatabaseUnavailable("the database server could not be reached")


def test_a_list_that_cannot_be_read_says_so_and_keeps_its_rows(qtbot, view, monkeypatch):
    qtbot.mouseClick(view.by_band.buttons["15-28"], Qt.MouseButton.LeftButton)
    monkeypatch.setattr(dashboard, "overdue_list", unreachable)

    qtbot.mouseClick(view.list.show_all_button, Qt.MouseButton.LeftButton)

    assert view.list.problem.isVisible() and view.list.problem.text() == (
        "⚠ The list could not be read, so it may be out of date. The database server could not be reached.")
    assert view.list.model.rowCount() == 3 and view.list.heading.text() == "15–28 days overdue: 3 overdue"


def test_a_dashboard_that_cannot_be_read_again_says_so_keeps_its_figures_and_is_read_once_the_database_answers(
        qtbot, view, monkeypatch):
    monkeypatch.setattr(dashboard, "dashboard", unreachable)

    with qtbot.waitSignal(view.reload_in_background().finished, timeout=10_000):
        pass

    assert view.summary.text() == ("⚠ The dashboard could not be read, so it may be out of date. The database "
                                   "server could not be reached. It is read again as soon as the database answers.")
    assert figures(view.by_band)["15-28"] == "3"

    monkeypatch.undo()  # the server is back
    view.findChild(ChangeHub).poll()  # the hub's next read goes through
    qtbot.waitUntil(lambda: not view.is_reading())
    assert "could not be read" not in view.summary.text() and figures(view.by_band)["15-28"] == "3"
