"""The strip that says what the pathway did, and the helpers the pathway form tests share."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import QPoint, Qt

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import EpisodeUpdate
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.forms.pathway_notices import NOTHING_NEW, PathwayNoticeBar

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
FIRST_CONTACT = date(2026, 11, 26)  # Thu: the 2-week review is due by Thu 10 Dec


def register(staff, hepatic: str = "none") -> int:
    """A patient registered at the front desk, as the forms' tests start from."""
    return patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                     date_of_birth=date(1970, 5, 1), hepatic_impairment=hepatic).id


def opened(staff, hepatic: str = "none", **facts) -> int:
    """An open episode first seen on FIRST_CONTACT; its id."""
    values = {"first_contact_on": FIRST_CONTACT, "presentation": "non_specific", "severity": "moderate", **facts}
    return episodes.open_episode(staff.clinician, register(staff, hepatic), **values).episode_id


def shown(qtbot, form):
    """Open the form as the app does (open(), never exec) and keep what it announces."""
    announced = []
    form.saved.connect(announced.append)
    qtbot.addWidget(form)
    form.open()
    return announced


def episode_form(qtbot, staff, form_class, **facts):
    """A pathway form for a new open episode, shown; ``form.episode_id`` and ``form.announced`` for the test."""
    episode_id = opened(staff, **facts)
    form = form_class(staff.clinician, settings(), episode_id)
    form.announced = shown(qtbot, form)
    form.episode_id = episode_id
    return form


def tick(qtbot, *buttons):
    """Click each check box or radio button on its indicator: a stretched one ignores clicks beyond its text."""
    for button in buttons:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def settings():
    return load_settings()


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def bar(qtbot):
    widget = PathwayNoticeBar()
    qtbot.addWidget(widget)
    return widget


def test_first_contact_notices_show_the_two_week_review_and_its_due_by_date(qtbot, sqlite_staff, bar):
    update = episodes.open_episode(sqlite_staff.clinician, register(sqlite_staff), first_contact_on=FIRST_CONTACT,
                                   presentation="non_specific", severity="mild")
    bar.show_update(update)
    assert bar.isVisible()
    assert bar.texts() == ["• 2-week review to book, due by Thu 10 Dec 2026",
                           "• 12-week check to book, due by Thu 18 Feb 2027"]


def test_an_urgent_red_flag_referral_comes_first_with_a_warning_sign_and_colour(qtbot, sqlite_staff, bar):
    update = episodes.open_episode(sqlite_staff.clinician, register(sqlite_staff), first_contact_on=date(2026, 11, 30),
                                   presentation="non_specific", severity="severe",
                                   red_flags=["suspected cauda equina syndrome"])
    bar.show_update(update)
    assert bar.texts()[0] == "⚠ Urgent red-flag referral raised: due today"
    assert "color: #" in bar.labels[0].styleSheet() and "bold" in bar.labels[0].styleSheet()
    assert bar.labels[-1].styleSheet() == ""  # an ordinary notice is not made to shout


def test_a_save_that_required_nothing_new_says_so(qtbot, bar):
    bar.show_update(EpisodeUpdate(1, ()))
    assert bar.texts() == [f"• {NOTHING_NEW}"]


def test_dismissing_hides_the_strip_and_forgets_its_lines(qtbot, bar):
    bar.show_notices(["Standard physiotherapy referral raised, due by Mon 14 Dec 2026"])
    with qtbot.waitSignal(bar.dismissed):
        qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible() and bar.texts() == []
