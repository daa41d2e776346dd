"""A clinician's day list: the patients of each session in time order, for the clinic room's desk.

Plain data in, A4 PDF bytes out, drawn as the printed reports are (report_pdf.py), so
every page says what it is (the clinician's name and the day), when it was produced
(a list printed earlier may miss a later booking) and "Page x of y"; a loose page is
never taken for another clinician's list. Every row carries what staff check a patient
against at the door (name, NHS number, date of birth) and the number to call a late
patient on. When the clinician is away part of the day, the list says so in words above
the sessions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from clinic_desktop.letters.letter_data import PrintedReport, ReportTable
from clinic_desktop.letters.report_pdf import render_report

__all__ = ["COLUMNS", "DayList", "DayListRow", "DayListSession", "render_day_list"]

COLUMNS = ("Time", "Patient", "NHS number", "Date of birth", "Appointment", "Phone")
_WIDTHS = (22, 35, 25, 26, 30, 36)  # shares of the page's width, in the order of COLUMNS


@dataclass(frozen=True)
class DayListRow:
    time: str  # "10:10–10:30"
    patient_name: str  # "SMITH, Ann"
    nhs_number: str  # "943 476 5919", or "not recorded"
    date_of_birth: str  # "1 May 1970"
    kind: str  # "2-week review", with "(attended)" or "(DID NOT ATTEND)" once recorded
    phone: str  # "07700 900123 (mobile), 0117 496 0001": each number whole


@dataclass(frozen=True)
class DayListSession:
    heading: str  # "Session 08:30–12:30" or "Outside the sessions"
    rows: tuple[DayListRow, ...]


@dataclass(frozen=True)
class DayList:
    clinic_name: str
    clinician_name: str
    day: date
    produced_at: datetime  # UTC
    time_zone: str
    away: tuple[str, ...]  # "Away 12:30–17:30: Annual leave"
    sessions: tuple[DayListSession, ...]


def render_day_list(day_list: DayList) -> bytes:
    """The day list as A4 PDF bytes; equal lists give identical bytes."""
    count = sum(len(session.rows) for session in day_list.sessions)
    first = (f"{count} patient{'' if count == 1 else 's'} booked." if day_list.sessions
             else "No sessions and no patients booked on this day.")
    summary = " ".join([first, *(f"{line}." for line in day_list.away)])
    return render_report(PrintedReport(
        title=f"Day list — {day_list.clinician_name}", clinic_name=day_list.clinic_name, as_of=day_list.day,
        produced_at=day_list.produced_at, time_zone=day_list.time_zone, summary=summary,
        tables=tuple(ReportTable(heading=session.heading, columns=COLUMNS, widths=_WIDTHS,
                                 rows=tuple((row.time, row.patient_name, row.nhs_number, row.date_of_birth, row.kind,
                                             row.phone) for row in session.rows),
                                 empty="No patients booked in this session.")
                     for session in day_list.sessions)))
