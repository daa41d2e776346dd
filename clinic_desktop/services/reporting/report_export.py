"""The dashboard, the overdue list behind any figure, or any worklist, written to CSV or PDF.

Three steps, so a long report never holds the database's write lock while it renders:
the rows are read in one read-only transaction (a consistent snapshot), the file is
rendered and written beside its destination, and a short transaction records the
export in the audit trail and only then moves the file into place: an export the audit
trail does not know about never appears. CSV cells that a spreadsheet would run as a
formula (=, +, -, @) are written as text.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clinic_desktop.letters.letter_data import PrintedReport, ReportTable, WeeklyChart, day_text
from clinic_desktop.models import User
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, progress
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.reporting.dashboard import (
    DEFINITIONS,
    Dashboard,
    OverdueFilter,
    describe_filter,
    read_dashboard,
    read_overdue_page,
)
from clinic_desktop.services.worklists.worklists import MAX_PAGE_SIZE, check_paging

__all__ = ["FORMATS", "OVERDUE_COLUMNS", "ExportResult", "export_dashboard", "export_list", "export_overdue"]

FORMATS = ("csv", "pdf")
OVERDUE_COLUMNS = ("Days overdue", "Urgent", "Kind", "Due by", "Patient", "NHS number", "Date of birth", "Status")
# On paper: days and urgency in one column, dates as people read them.
_PRINTED_COLUMNS = ("Overdue", "Kind", "Due by", "Patient", "NHS number", "Born", "Status")
_PRINTED_WIDTHS = (17, 39, 22, 33, 23, 22, 15)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    rows: int
    message: str  # "Wrote the overdue list (7 items) as PDF to /home/…/overdue.pdf."


@dataclass(frozen=True)
class _Report:
    """What was read for one export: the table rows for CSV and the printed form for PDF."""

    name: str  # "the overdue list", in a sentence
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    printed: PrintedReport


@permission_checked("view_reports")
def export_overdue(actor, path, file_format: str, *, as_of: date | None = None, kind: str | None = None,
                   band: str | None = None, clinician_id: int | None = None) -> ExportResult:
    """The overdue list (all of it, or the items behind one dashboard figure) to a file."""
    destination, file_format = _checked(path, file_format)
    chosen = OverdueFilter(kind, band, clinician_id)
    report = _read_overdue(actor, as_of, chosen)
    return _write(actor, report, destination, file_format, "items")


@permission_checked("view_reports")
def export_dashboard(actor, path, file_format: str, *, as_of: date | None = None) -> ExportResult:
    """Every dashboard figure and each measure's 12 weeks to a file."""
    destination, file_format = _checked(path, file_format)
    report = _read_dashboard(actor, as_of)
    return _write(actor, report, destination, file_format, "figures")


@permission_checked("view_reports")
def export_list(actor, path, file_format: str, *, title: str, columns: tuple[str, ...],
                rows: tuple[tuple[str, ...], ...]) -> ExportResult:
    """Any list the user sees (a worklist), as the screen words it, to a file."""
    destination, file_format = _checked(path, file_format)
    report = _describe_list(actor, title, tuple(columns), tuple(tuple(row) for row in rows))
    return _write(actor, report, destination, file_format, "rows")


# --- reading (one read-only transaction each) ---


@service("view_reports", changes=False)
def _read_overdue(actor, as_of: date | None, chosen: OverdueFilter) -> _Report:
    chosen.check()
    settings = load_settings()
    today = as_of or clock.today(settings.zone)
    rows, printed_rows, offset = [], [], 0
    while True:
        check_paging(offset, MAX_PAGE_SIZE)
        page = read_overdue_page(today, chosen, offset, MAX_PAGE_SIZE)
        rows += [_overdue_cells(row) for row in page.rows]
        printed_rows += [_printed_overdue_cells(row) for row in page.rows]
        offset += len(page.rows)
        if not page.rows or offset >= page.total:
            break
        progress.step(offset, page.total, f"Reading the overdue list: {offset:,} of {page.total:,} items…")
    clinician = User.get_or_none(User.id == chosen.clinician_id) if chosen.clinician_id is not None else None
    what = describe_filter(chosen, clinician.full_name if clinician else None)
    table = ReportTable(what, _PRINTED_COLUMNS, tuple(printed_rows), _PRINTED_WIDTHS, note=DEFINITIONS["overdue"],
                        right_aligned=(0,), empty="Nothing is overdue.")
    printed = PrintedReport("Overdue list", settings.name, today, clock.now_utc(), settings.time_zone,
                            summary=f"{what}: {_count(len(rows), 'item')}, urgent red-flag referrals first, "
                                    "then the longest overdue.", tables=(table,))
    return _Report("the overdue list" + ("" if what == "All overdue" else f" ({what})"), OVERDUE_COLUMNS,
                   tuple(rows), printed)


@service("view_reports", changes=False)
def _read_dashboard(actor, as_of: date | None) -> _Report:
    settings = load_settings()
    board = read_dashboard(as_of or clock.today(settings.zone), settings)
    printed = PrintedReport("Overdue dashboard", settings.name, board.as_of, clock.now_utc(), settings.time_zone,
                            summary=_dashboard_summary(board), tables=_dashboard_tables(board))
    columns, rows = _dashboard_rows(board)
    return _Report("the dashboard", columns, rows, printed)


@service("view_reports", changes=False)
def _describe_list(actor, title: str, columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> _Report:
    if not title.strip() or not columns or any(len(row) != len(columns) for row in rows):
        raise ValidationError("A list to export needs a title, its columns and rows of the same width.")
    settings = load_settings()
    widths = tuple(min(40, max(6, len(heading), *(len(row[number]) for row in rows)))
                   for number, heading in enumerate(columns))
    table = ReportTable(title, columns, rows, widths)
    printed = PrintedReport(title, settings.name, clock.today(settings.zone), clock.now_utc(), settings.time_zone,
                            summary=f"{_count(len(rows), 'row')}, in the order the list shows them.",
                            tables=(table,))
    return _Report(f"the {title} list", columns, rows, printed)


# --- writing ---


def _write(actor, report: _Report, destination: Path, file_format: str, unit: str) -> ExportResult:
    """A stop asked for while the file is laid out is honoured before anything is written."""
    from clinic_desktop.letters.report_pdf import render_report  # reportlab: only once a PDF is written

    progress.step(0, 0, f"Laying out {report.name} as {file_format.upper()}…")
    data = render_report(report.printed) if file_format == "pdf" else _csv_bytes(report.columns, report.rows)
    progress.step(0, 0, f"Writing {destination.name}…")
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        count = len(report.rows) if unit != "figures" else None
        what = report.name + (f": {_count(count, unit[:-1])}," if count is not None else "")
        message = f"Wrote {what} as {file_format.upper()} to {destination}."
        _record_export(actor, temporary, destination, what, file_format)
    except OSError as error:
        raise ValidationError(f"Could not write {destination}: {error.strerror or error}.", field="path") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return ExportResult(destination, file_format, len(report.rows), message)


@service("view_reports")
def _record_export(actor, temporary: str, destination: Path, what: str, file_format: str) -> None:
    """The audit event, then the file moved into place: a failed move undoes the event."""
    audit.record(actor, "export_report", Entity.REPORT, None,
                 f"exported {what} as {file_format.upper()} to {destination}", path=str(destination), format=file_format)
    os.replace(temporary, destination)


def _checked(path, file_format: str) -> tuple[Path, str]:
    file_format = str(file_format).lower()
    if file_format not in FORMATS:
        raise ValidationError(f"A report is written as CSV or PDF, not {file_format!r}.", field="format")
    destination = Path(path).expanduser().absolute()
    if destination.is_dir():
        raise ValidationError(f"{destination} is a folder: give the name of the file to write.", field="path")
    if not destination.parent.is_dir():
        raise ValidationError(f"There is no folder {destination.parent} to write the report into.", field="path")
    return destination, file_format


def _csv_bytes(columns: tuple[str, ...], rows) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet reads "Łukasz" right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_inert(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _inert(cell) -> str:
    text = "" if cell is None else str(cell)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- the rows of each report ---


def _overdue_cells(row) -> tuple[str, ...]:
    return (str(row.days_overdue), "URGENT" if row.urgent else "", row.kind_title, row.due_by.isoformat(),
            row.patient_name, row.nhs_number, row.date_of_birth.isoformat(), row.status.replace("_", " "))


def _printed_overdue_cells(row) -> tuple[str, ...]:
    return (("URGENT · " if row.urgent else "") + f"{row.days_overdue} d", row.kind_title, day_text(row.due_by),
            row.patient_name, row.nhs_number, day_text(row.date_of_birth), row.status.replace("_", " "))


def _dashboard_summary(board: Dashboard) -> str:
    overdue = board.overdue
    urgent = f", {overdue.urgent} of them urgent red-flag referrals" if overdue.urgent else ""
    return f"{_count(overdue.total, 'item')} overdue{urgent}. {DEFINITIONS['overdue']}"


def _dashboard_tables(board: Dashboard) -> tuple[ReportTable, ...]:
    overdue = board.overdue
    tables = [
        ReportTable("Overdue by kind", ("Kind", "Items overdue"),
                    tuple((count.label, str(count.count)) for count in overdue.by_kind), (5, 1), right_aligned=(1,)),
        ReportTable("Overdue by how long", ("Days overdue", "Items overdue"),
                    tuple((count.label, str(count.count)) for count in overdue.by_band), (5, 1), right_aligned=(1,)),
        ReportTable("Overdue by clinician", ("Clinician", "Items overdue"),
                    tuple((count.label, str(count.count)) for count in overdue.by_clinician), (5, 1),
                    note=DEFINITIONS["clinician"], right_aligned=(1,), empty="Nothing is overdue."),
    ]
    for item in board.measures:
        share = item.unit == "%"
        labels = tuple(_week_label(week.week_start) for week in item.weeks)
        values = tuple(_value(week.value, item.unit) for week in item.weeks)
        if share:
            done, counted = item.counts_named
            rows = (("Share", *values), (done, *(str(week.numerator) for week in item.weeks)),
                    (counted, *(str(week.denominator) for week in item.weeks)))
        else:
            rows = (("Median days", *values), ("Referrals sent", *(str(week.denominator) for week in item.weeks)))
        chart = WeeklyChart("% of those counted" if share else "days (median)", labels,
                            tuple(week.value for week in item.weeks), top=100 if share else None)
        tables.append(ReportTable(f"{item.title}: {item.value_text} over the 12 weeks", ("Week of", *labels), rows,
                                  (2.3, *([1] * len(labels))), note=item.definition,
                                  right_aligned=tuple(range(1, len(labels) + 1)), compact=True, chart=chart))
    return tuple(tables)


def _dashboard_rows(board: Dashboard):
    """One long table for a spreadsheet: a row per figure and per measure-week."""
    columns = ("as of", "section", "figure", "week starting", "value", "numerator", "denominator", "unit",
               "definition")
    as_of = board.as_of.isoformat()
    rows = [(as_of, "Overdue", "All overdue", "", str(board.overdue.total), "", "", "items", DEFINITIONS["overdue"])]
    for section, counts in (("Overdue by kind", board.overdue.by_kind), ("Overdue by how long", board.overdue.by_band),
                            ("Overdue by clinician", board.overdue.by_clinician)):
        rows += [(as_of, section, count.label, "", str(count.count), "", "", "items", "") for count in counts]
    for item in board.measures:
        rows.append((as_of, "Measure", item.title, "all 12 weeks", _value(item.value, item.unit, bare=True),
                     str(item.numerator), str(item.denominator), item.unit, item.definition))
        rows += [(as_of, "Measure", item.title, week.week_start.isoformat(), _value(week.value, item.unit, bare=True),
                  str(week.numerator), str(week.denominator), item.unit, "") for week in item.weeks]
    return columns, tuple(rows)


def _value(value: float | None, unit: str, bare: bool = False) -> str:
    if value is None:
        return "" if bare else "–"
    text = (f"{value:.1f}" if bare else f"{value:.0f}") if unit == "%" else f"{value:g}"
    return text if bare or unit != "%" else f"{text} %"


def _week_label(monday: date) -> str:
    """"7 Sep": the Monday a week starts on."""
    return day_text(monday)[:-5]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")

