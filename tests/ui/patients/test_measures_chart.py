"""Pain and function over an episode: the strip under the time line, placed on its days."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from PySide6.QtWidgets import QApplication

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.episodes import episodes, measures
from clinic_desktop.services.episodes.measures import MeasureRecord, MeasuresInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.patients.timeline import EpisodeSpan
from clinic_desktop.ui.patients.measures_chart import PLOT_BOTTOM, PLOT_TOP, lay_out_measures
from clinic_desktop.ui.patients.patient_view import PatientView
from clinic_desktop.ui.patients.timeline_chart import lay_out_chart
from clinic_desktop.ui.shell.change_hub import ChangeHub

CLINIC_TIME = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)
FIRST_CONTACT = date(2026, 11, 26)


def record(id, day, pain, function):
    return MeasureRecord(id, 7, day, "first_contact", pain, "nrs", Decimal(function), (), None, None, "")


def test_each_measure_sits_on_its_day_of_the_time_line_and_on_the_0_to_10_scale():
    span = EpisodeSpan(7, FIRST_CONTACT, "open", None, "non_specific", "moderate", "Dr Alys Jones")
    geometry = lay_out_chart(span, (), date(2027, 1, 11), 1000, lambda text: 6 * len(text))
    first, later = lay_out_measures(geometry, [record(1, FIRST_CONTACT, 10, 0), record(2, date(2026, 12, 10), 5, 10)])
    assert (first.x, later.x) == (geometry.x_of(FIRST_CONTACT), geometry.x_of(date(2026, 12, 10)))
    assert (first.pain_y, first.function_y) == (PLOT_TOP, PLOT_BOTTOM)
    assert (later.pain_y, later.function_y) == ((PLOT_TOP + PLOT_BOTTOM) / 2, PLOT_TOP)


def test_the_patient_view_draws_three_measures_and_hides_the_strip_without_any(qtbot, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 5, 1))
    episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                       presentation="non_specific", severity="moderate",
                                       measures=MeasuresInput(7, function_score=3)).episode_id
    episodes.record_start_back(sqlite_staff.clinician, episode_id, assessed_on=date(2026, 12, 10),
                               answers=(0,) * 9, measures=MeasuresInput(5, function_score=4, global_change=3),
                               improving=False)
    measures.record_measures(sqlite_staff.clinician, episode_id, measured_on=date(2027, 1, 7),
                             measures=MeasuresInput(2, function_score=8, global_change=2), improving=True)
    hub = ChangeHub(sqlite_staff.clinician)
    hub.stop()
    view = PatientView(sqlite_staff.clinician, load_settings(), hub, patient.id)
    qtbot.addWidget(view)
    view.resize(1200, 1000)  # tall enough for the charts above twelve rows of the list (ui/patients/chart_fold.py)
    view.show()
    QApplication.processEvents()
    points = view.measures_chart.points()
    assert [point.record.pain_now for point in points] == [7, 5, 2]
    assert view.measures_chart.isVisible()
    assert "Measured at the ongoing evaluation" in [view.timeline_model.index(row, 2).data()
                                                    for row in range(view.timeline_model.rowCount())]
    unmeasured = patients.register_patient(sqlite_staff.receptionist, family_name="Jones", given_name="Bob",
                                           date_of_birth=date(1960, 5, 5))
    other = PatientView(sqlite_staff.clinician, load_settings(), hub, unmeasured.id)
    qtbot.addWidget(other)
    other.show()
    assert not other.measures_chart.isVisible()
