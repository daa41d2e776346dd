"""Exporting the dashboard and its lists to CSV and PDF, against the hand-built clinic."""
from __future__ import annotations

import csv
import io

import pytest
from dashboard_clinic import NOW, DashboardClinic
from pypdf import PdfReader

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.reporting import report_export


@pytest.fixture
def clinic(staff):
    return DashboardClinic(staff).build()


def read_csv(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def exports() -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == "export_report"))


def test_overdue_csv_holds_every_overdue_item_in_list_order(staff, clinic, tmp_path):
    path = tmp_path / "overdue.csv"
    with frozen_at(NOW):
        result = report_export.export_overdue(staff.manager, path, "csv")

    rows = read_csv(path)
    assert rows[0] == ["Days overdue", "Urgent", "Kind", "Due by", "Patient", "NHS number", "Date of birth", "Status"]
    assert [(row[0], row[1], row[4]) for row in rows[1:]] == [
        ("5", "URGENT", "SHAW, Ann"), ("30", "", "JARVIS, Ann"), ("23", "", "JARVIS, Ann"), ("23", "", "MOORE, Ann"),
        ("16", "", "FROST, Ann"), ("9", "", "REID, Ann"), ("7", "", "DAVIS, Ann"),
    ]
    assert rows[2][2:4] == ["2-week review", "2026-10-26"]
    assert result.message == f"Wrote the overdue list: 7 items, as CSV to {path}."


def test_overdue_pdf_behind_one_figure_lists_only_its_items(staff, clinic, tmp_path):
    path = tmp_path / "band.pdf"
    with frozen_at(NOW):
        report_export.export_overdue(staff.manager, path, "pdf", band="15-28")

    text = pdf_text(path)
    assert "15–28 days overdue: 3 items" in text
    assert "JARVIS, Ann" in text and "MOORE, Ann" in text and "FROST, Ann" in text
    assert "DAVIS, Ann" not in text and "SHAW, Ann" not in text
    assert "2 Nov 2026" in text  # dates as people read them on paper


def test_dashboard_csv_has_each_figure_and_each_measure_week(staff, clinic, tmp_path):
    path = tmp_path / "dashboard.csv"
    with frozen_at(NOW):
        report_export.export_dashboard(staff.manager, path, "csv")

    rows = {(row[1], row[2], row[3]): row for row in read_csv(path)[1:]}
    assert rows[("Overdue", "All overdue", "")][4] == "7"
    assert rows[("Overdue by how long", "15–28 days", "")][4] == "3"
    assert rows[("Overdue by clinician", "Sam Physio", "")][4] == "2"
    whole = rows[("Measure", "2-week reviews done by day 14", "all 12 weeks")]
    assert whole[4:8] == ["50.0", "4", "8", "%"] and "due-by date" in whole[8]
    assert rows[("Measure", "Days from referral raised to sent", "2026-11-09")][4:8] == ["2.5", "2", "2", "days"]
    assert rows[("Measure", "Did-not-attend rate", "2026-09-07")][4:7] == ["", "0", "0"]  # nothing counted


def test_dashboard_pdf_shows_figures_definitions_and_weeks(staff, clinic, tmp_path):
    path = tmp_path / "dashboard.pdf"
    with frozen_at(NOW):
        report_export.export_dashboard(staff.manager, path, "pdf")

    text = " ".join(pdf_text(path).split())
    assert "Overdue dashboard" in text and "as of Wed 25 Nov 2026" in text
    assert "7 items overdue, 1 of them urgent red-flag referrals" in text
    assert "2-week reviews done by day 14: 50 % (4 of 8) over the 12 weeks" in text
    assert "High-risk patients referred within 14 days: 50 % (2 of 4)" in text
    assert "Week starting (Monday)" in text and "16 Nov" in text


def test_each_export_is_recorded_in_the_audit_trail(staff, clinic, tmp_path):
    path = tmp_path / "overdue.pdf"
    with frozen_at(NOW):
        report_export.export_overdue(staff.manager, path, "pdf", clinician_id=staff.other_clinician.user_id)

    event, = exports()
    assert event.summary == f"exported the overdue list (Sam Physio): 2 items, as PDF to {path}"


def test_a_list_export_keeps_spreadsheet_formulas_inert(staff, tmp_path):
    path = tmp_path / "list.csv"
    with frozen_at(NOW):
        report_export.export_list(staff.manager, path, "csv", title="To book", columns=("Patient", "Days"),
                                  rows=(("=HYPERLINK(\"http://x\")", "-3"), ("SMITH, Ann", "4")))

    assert read_csv(path)[1:] == [["'=HYPERLINK(\"http://x\")", "-3"], ["SMITH, Ann", "4"]]


def test_an_unknown_format_is_refused_before_anything_is_read(staff, tmp_path):
    with pytest.raises(ValidationError, match="CSV or PDF, not 'xlsx'"):
        report_export.export_dashboard(staff.manager, tmp_path / "x.xlsx", "xlsx")


def test_a_missing_folder_is_refused_and_nothing_is_recorded(staff, tmp_path):
    with frozen_at(NOW), pytest.raises(ValidationError, match="There is no folder"):
        report_export.export_overdue(staff.manager, tmp_path / "nowhere" / "x.csv", "csv")
    assert exports() == []


# A stop asked for while the file is laid out is honoured before it is written.
@pytest.mark.parametrize("stop_at", ["Reading the overdue list", "Laying out"])
def test_a_report_stopped_at_any_step_leaves_no_file_and_no_record(staff, clinic, tmp_path, monkeypatch, stop_at):
    monkeypatch.setattr(report_export, "MAX_PAGE_SIZE", 2)  # several pages, so the reading reports steps
    folder, seen = tmp_path / "reports", []
    folder.mkdir()

    def stop_there(done, total, text):
        seen.append(text)
        if text.startswith(stop_at):
            watcher.cancel()

    watcher = progress.Watcher(stop_there)
    with frozen_at(NOW), progress.watched_by(watcher), pytest.raises(progress.Cancelled):
        report_export.export_overdue(staff.manager, folder / "overdue.pdf", "pdf")
    assert seen[0] == "Reading the overdue list: 2 of 7 items…"
    assert list(folder.iterdir()) == [] and exports() == []


def test_reports_are_for_the_practice_manager(staff, tmp_path):
    with frozen_at(NOW), pytest.raises(PermissionDenied):
        report_export.export_overdue(staff.receptionist, tmp_path / "x.csv", "csv")
    assert not (tmp_path / "x.csv").exists()
