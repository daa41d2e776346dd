"""Improvement, measured: the suggestion from pain, function and the patient's impression of change,
and the ongoing evaluation a low-risk patient who is not improving proceeds to."""

from clinic_desktop.pathway.actions import RequiredAppointment
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import EpisodeFacts
from clinic_desktop.pathway.timings import PathwayTimings


def ongoing_evaluation(facts: EpisodeFacts, timings: PathwayTimings,
                       calendar: WorkingCalendar) -> list[RequiredAppointment]:
    return []
