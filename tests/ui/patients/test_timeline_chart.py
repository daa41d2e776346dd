"""The time line's geometry: where day 0, the week marks, today and each event go (not pixels)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from clinic_desktop.services.patients.timeline import EpisodeSpan, TimelineEvent
from clinic_desktop.ui.patients.timeline_chart import (
    GUTTER,
    LANES,
    TimelineChart,
    axis_ticks,
    axis_y,
    lay_out_chart,
    short_label,
    tooltip_text,
)

DAY_ZERO = date(2026, 9, 1)
SPAN = EpisodeSpan(7, DAY_ZERO, "open", None, "non_specific", "moderate", "Dr Alys Jones")


def event(days: int, kind: str, title: str, detail: str = "", episode_id: int = 7) -> TimelineEvent:
    return TimelineEvent(DAY_ZERO + timedelta(days=days), None, episode_id, kind, title, detail)


EVENTS = (
    event(0, "first_contact", "First contact", "Non-specific low back pain"),
    event(0, "appointment_to_book", "2-week review to book", "Due by Tue 15 Sep 2026"),
    event(6, "appointment_attended", "2-week review attended"),
    event(6, "start_back", "STarT Back: high risk", "Score 6/9"),
    event(6, "referral_raised", "Biopsychosocial assessment / specialised physiotherapy referral raised"),
    event(14, "referral_signed", "Biopsychosocial assessment / specialised physiotherapy referral: letter signed, "
                                 "version 1"),
    event(30, "appointment_did_not_attend", "Medication review: did not attend"),
    event(40, "red_flags", "Red flags recorded", "Saddle anaesthesia"),
    event(3, "first_contact", "First contact", episode_id=99),  # another episode: not drawn
)


def width_of(text: str) -> float:
    return 6 * len(text)


def layout(today=date(2026, 11, 25), width=1000, events=EVENTS, span=SPAN):
    return lay_out_chart(span, events, today, width, width_of)


def test_marks_are_day_zero_two_weeks_twelve_weeks_and_today_left_to_right():
    geometry = layout()
    assert [mark.label for mark in geometry.marks] == ["Day 0 · 01 Sep 2026", "2 weeks · 15 Sep 2026",
                                                       "12 weeks · 24 Nov 2026", "Today · 25 Nov 2026"]
    xs = [mark.x for mark in geometry.marks]
    assert xs == sorted(xs) and len(set(xs)) == 4


def test_marks_sit_at_their_dates_on_the_scale():
    geometry = layout()
    assert geometry.mark("day0").x == pytest.approx(geometry.x_of(DAY_ZERO))
    assert geometry.mark("2 weeks").x == pytest.approx(geometry.x_of(DAY_ZERO + timedelta(days=14)))
    assert geometry.mark("12 weeks").x == pytest.approx(geometry.x_of(DAY_ZERO + timedelta(days=84)))
    assert GUTTER <= geometry.mark("day0").x < geometry.mark("today").x <= geometry.plot_right


def test_marks_follow_the_configured_timings():
    geometry = lay_out_chart(SPAN, EVENTS, date(2026, 9, 10), 1000, width_of, week_marks=(21, 90))
    assert [mark.label.split(" · ")[0] for mark in geometry.marks] == ["Day 0", "3 weeks", "Day 90", "Today"]


def test_labels_of_marks_that_would_touch_take_the_second_row():
    geometry = layout(today=date(2026, 11, 25))  # a day after the 12-week mark
    assert (geometry.mark("12 weeks").label_row, geometry.mark("today").label_row) == (0, 1)


def test_today_long_after_the_episode_is_pointed_at_from_the_right_edge():
    discharged = EpisodeSpan(7, DAY_ZERO, "discharged", date(2026, 12, 1), "non_specific", "moderate", "")
    geometry = layout(today=date(2028, 1, 1), span=discharged)
    today = geometry.mark("today")
    assert today.beyond and today.x == geometry.plot_right and today.label.endswith("→")
    assert geometry.last_day < date(2027, 3, 1)  # the episode keeps its scale


def test_each_event_kind_has_its_lane_and_shape():
    geometry = layout()
    by_title = {marker.events[0].title: marker for marker in geometry.markers}
    assert (by_title["STarT Back: high risk"].lane, by_title["STarT Back: high risk"].symbol) == (0, "circle")
    assert (by_title["2-week review attended"].lane, by_title["2-week review attended"].symbol) == (1, "square")
    referral = next(marker for marker in geometry.markers if marker.lane == 2)
    assert referral.symbol == "diamond"
    assert by_title["Red flags recorded"].symbol == "triangle" and by_title["Red flags recorded"].attention == "urgent"
    assert len(LANES) == 3


def test_events_of_another_episode_are_not_drawn():
    assert all(event.episode_id == 7 for marker in layout().markers for event in marker.events)


def test_events_of_one_day_in_one_lane_share_a_marker_named_by_the_milestone():
    day_zero = [marker for marker in layout().markers if marker.day == DAY_ZERO]
    assert [marker.label for marker in day_zero] == ["First contact", "2-week review to book"]
    crowded = layout(events=EVENTS + (event(0, "warning_raised", "Warning", "Mild hepatic impairment"),))
    assert [marker.label for marker in crowded.markers if marker.day == DAY_ZERO][0] == "First contact (+1)"


def test_a_did_not_attend_is_marked_in_words_and_colour():
    marker = next(marker for marker in layout().markers if marker.events[0].kind == "appointment_did_not_attend")
    assert marker.label == "⚠ Medication review: did not attend" and marker.attention == "overdue"


def test_long_referral_titles_are_shortened_on_the_line():
    assert short_label(EVENTS[5]) == "Biopsychosocial: signed v1"
    urgent = event(1, "referral_raised", "Urgent red-flag referral raised")
    assert short_label(urgent) == "⚠ Urgent red-flag: raised"


def test_labels_never_overlap_within_a_lane():
    crowded = tuple(event(day, "start_back", "STarT Back: medium risk") for day in range(0, 60, 2))
    geometry = layout(events=crowded, width=700)
    for lane_row in {(marker.lane, marker.label_rect[1]) for marker in geometry.markers if marker.label_rect}:
        rects = sorted(marker.label_rect for marker in geometry.markers
                       if marker.label_rect and (marker.lane, marker.label_rect[1]) == lane_row)
        assert all(left[0] + left[2] <= right[0] for left, right in zip(rects, rects[1:]))
    assert any(not marker.label for marker in geometry.markers)  # no room: the tooltip carries it


def test_tooltip_lists_every_event_of_the_marker():
    marker = next(marker for marker in layout().markers if marker.day == DAY_ZERO and marker.lane == 0)
    assert tooltip_text(marker) == "01 Sep 2026\n• First contact — Non-specific low back pain"


def test_hovering_near_a_marker_finds_it():
    geometry = layout()
    marker = geometry.markers[0]
    assert geometry.marker_at(marker.x + 3, marker.y - 2) == marker
    assert geometry.marker_at(marker.x, marker.y + 40) is None


def test_the_axis_names_the_months():
    months = [day for day, kind in axis_ticks(layout()) if kind == "month"]
    assert months == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]


def test_the_widget_lays_out_for_its_own_width(qtbot):
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(1100, chart.sizeHint().height())
    chart.show_episode(SPAN, EVENTS, date(2026, 11, 25))
    chart.show()
    geometry = chart.chart_geometry()
    assert geometry.plot_right > 1000 and geometry.mark("today") is not None
    assert "Today · 25 Nov 2026" in chart.accessibleDescription()
    chart.grab()  # paints without error


def test_without_an_episode_the_chart_says_so(qtbot):
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.show_episode(None, (), date(2026, 11, 25))
    assert chart.chart_geometry() is None
    chart.grab()


@pytest.mark.parametrize("points", [9, 14, 18])
def test_at_a_large_font_no_label_overlaps_another_and_the_lane_titles_fit(qtbot, points):
    """Issue 16: drawn in 9-point rows, a 14 pt font put the labels of neighbouring lanes on top of
    each other and on the week marks' labels, and cut "Referrals & letters"."""
    font = QFont(QApplication.font())
    font.setPointSizeF(points)
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.setFont(font)
    chart.resize(1300, chart.sizeHint().height())
    chart.show_episode(SPAN, EVENTS, date(2026, 11, 25))
    geometry = chart.chart_geometry()
    metrics = QFontMetrics(font)
    rects = [QRectF(*marker.label_rect) for marker in geometry.markers if marker.label_rect]
    assert len(rects) >= 6
    assert not [(one, other) for number, one in enumerate(rects) for other in rects[number + 1:]
                if one.intersects(other)]
    mark_rows_end = 2 + metrics.height() * 2
    assert all(rect.top() >= mark_rows_end for rect in rects)  # below the two rows of week marks' labels
    assert all(rect.bottom() <= axis_y(geometry) for rect in rects)
    assert chart.height() == round(geometry.height)
    bold = QFont(font)
    bold.setBold(True)
    for title in LANES:  # each wrapped inside its lane's gutter and height
        wrapped = QFontMetrics(bold).boundingRect(QRect(0, 0, round(geometry.plot_left - 14), 1000),
                                                  Qt.TextFlag.TextWordWrap, title)
        assert wrapped.width() <= geometry.plot_left - 14 and wrapped.height() <= geometry.sizes.lane_height
