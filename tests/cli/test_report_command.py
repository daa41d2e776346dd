"""``clinic-desktop report overdue|dashboard --format csv|pdf FILE``, as a scheduled job runs it."""
from __future__ import annotations

import csv

import pytest
from dashboard_clinic import NOW, DashboardClinic
from pypdf import PdfReader

import clinic_desktop.cli as cli
from clinic_desktop.services.core.clock import frozen_at


@pytest.fixture
def clinic_file(sqlite_staff, sqlite_database):
    DashboardClinic(sqlite_staff).build()
    return sqlite_database.database


def run(*arguments) -> int:
    with frozen_at(NOW):
        return cli.main(list(arguments))


def test_report_overdue_writes_a_csv_and_says_where(clinic_file, tmp_path, capsys):
    path = tmp_path / "overdue.csv"

    assert run("--database", clinic_file, "report", "overdue", "--format", "csv", str(path)) == 0

    assert capsys.readouterr().out.strip() == f"Wrote the overdue list: 7 items, as CSV to {path}."
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert [row[4] for row in rows[1:3]] == ["SHAW, Ann", "JARVIS, Ann"]


def test_report_overdue_narrowed_like_a_dashboard_figure(clinic_file, tmp_path):
    path = tmp_path / "physio.pdf"

    assert run("--database", clinic_file, "report", "overdue", "--clinician", "physio", "--band", "1-7",
               str(path)) == 0

    text = PdfReader(path).pages[0].extract_text()
    assert "1–7 days overdue · Sam Physio: 1 item" in text and "SHAW, Ann" in text


def test_report_dashboard_as_pdf(clinic_file, tmp_path):
    path = tmp_path / "board.pdf"

    assert run("--database", clinic_file, "report", "dashboard", "--format", "pdf", str(path)) == 0

    assert "Overdue dashboard" in PdfReader(path).pages[0].extract_text()


def test_report_as_of_an_earlier_day(clinic_file, tmp_path):
    path = tmp_path / "then.csv"

    assert run("--database", clinic_file, "report", "overdue", "--as-of", "2026-11-20", str(path)) == 0

    # On Fri 20 Nov Shaw's red flag (due that day) was not yet overdue; Jarvis's review (due 26 Oct) 25 days.
    assert [row[0] for row in csv.reader(path.open(encoding="utf-8-sig"))][1:] == ["25", "18", "18", "11", "4", "2"]


@pytest.mark.parametrize("arguments, reason", [
    (("overdue", "out.txt"), "say --format csv or --format pdf"),
    (("overdue", "--format", "xls", "out.xls"), "invalid choice: 'xls'"),
    (("overdue", "--as-of", "25/11/2026", "out.csv"), "--as-of needs a date as YYYY-MM-DD"),
    (("overdue", "--clinician", "nobody", "out.csv"), "There is no clinician with the user name 'nobody'"),
    (("overdue", "--kind", "x_ray", "out.csv"), "There is no kind of appointment or referral called 'x_ray'"),
    (("dashboard", "missing/out.pdf"), "There is no folder"),
])
def test_bad_input_exits_2_with_one_line(clinic_file, tmp_path, monkeypatch, capsys, arguments, reason):
    monkeypatch.chdir(tmp_path)

    assert run("--database", clinic_file, "report", *arguments) == 2

    error = capsys.readouterr().err
    assert reason in error and error.count("\n") == 1
