"""Printed reports read back with pypdf: what each page says, long tables over pages."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

from pypdf import PdfReader

from clinic_desktop.letters.report_pdf import PrintedReport, ReportTable, WeeklyChart, render_report

PRODUCED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def report(*tables: ReportTable, title: str = "Overdue list") -> PrintedReport:
    return PrintedReport(title, "Riverside Clinic", date(2026, 11, 25), PRODUCED, "Europe/London",
                         summary="Everything overdue.", tables=tables)


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def long_list(rows: int) -> ReportTable:
    return ReportTable("All overdue", ("Overdue", "Kind", "Patient"),
                       tuple((f"{number} d", "2-week review", f"PATIENT{number:03d}, Ann") for number in range(rows)),
                       (1, 3, 3), right_aligned=(0,))


def test_first_page_names_the_report_the_clinic_and_the_day():
    first, = pages(render_report(report(long_list(3))))

    assert "Overdue list" in first
    assert "Riverside Clinic · as of Wed 25 Nov 2026 · produced 25 Nov 2026 at 12:00 GMT" in first
    assert "Page 1 of 1" in first


def test_a_long_list_runs_over_pages_with_its_header_on_each():
    text = pages(render_report(report(long_list(150))))

    assert len(text) >= 3
    for number, page in enumerate(text, start=1):
        assert "Overdue Kind Patient" in page.replace("\n", " "), number
        assert f"Page {number} of {len(text)}" in page
        assert "Overdue list · Riverside Clinic · as of 25 Nov 2026 · confidential" in page
    every_row = "".join(text)
    assert all(f"PATIENT{number:03d}, Ann" in every_row for number in range(150))


def test_an_empty_table_says_so():
    empty = ReportTable("All overdue", ("Overdue",), (), (1,), empty="Nothing is overdue.")

    assert "Nothing is overdue." in pages(render_report(report(empty)))[0]


def test_a_chart_prints_its_weeks_and_unit():
    chart = WeeklyChart("% of those counted", ("7 Sep", "14 Sep"), (50.0, None), top=100)
    table = ReportTable("Reviews on time", ("Week of", "7 Sep", "14 Sep"), (("Share", "50 %", "–"),), (2, 1, 1),
                        chart=chart, compact=True)

    text = pages(render_report(report(table)))[0]

    assert "Week starting (Monday)" in text and "% of those counted" in text
    assert "14 Sep" in text and "50" in text


def test_names_in_any_script_print():
    table = ReportTable("All overdue", ("Patient",), (("ŁUKASZ, Zoë",), ("王, 芳",)), (1,))

    text = pages(render_report(report(table)))[0]

    assert "ŁUKASZ, Zoë" in text and "王, 芳" in text


def test_the_same_report_gives_the_same_bytes():
    assert render_report(report(long_list(20))) == render_report(report(long_list(20)))
