"""The command line as a script or a scheduled job uses it: exit codes and one-line reasons."""
from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from clinic_desktop.cli import main
from clinic_desktop.cli.window_command import SCREENSHOT_VIEWS
from clinic_desktop.services.core.clock import frozen_at

NOW = datetime(2026, 11, 25, 7, 30, tzinfo=timezone.utc)


@pytest.fixture
def demo_file(tmp_path, capsys):
    path = tmp_path / "clinic.sqlite3"
    with frozen_at(NOW):
        assert main(["--database", str(path), "demo", "--patients", "25", "--seed", "5"]) == 0
    capsys.readouterr()
    return path


def test_demo_prints_the_accounts_to_sign_in_with(tmp_path, capsys):
    with frozen_at(NOW):
        assert main(["--database", str(tmp_path / "c.sqlite3"), "demo", "--patients", "3"]) == 0
    out = capsys.readouterr().out
    assert "Demo clinic ready: 3 patients" in out
    assert "reception" in out and "demo-reception-2026" in out


def test_demo_into_a_database_with_patients_is_refused_in_one_line(demo_file, capsys):
    assert main(["--database", str(demo_file), "demo"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == ("clinic-desktop: demo data goes only into an empty database; "
                       "this one already has users or patients")


def test_overdue_worklist_as_csv_lists_what_is_overdue(demo_file, capsys):
    with frozen_at(NOW):
        assert main(["--database", str(demo_file), "worklist", "overdue", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:3] == ["days overdue", "due by", "kind"]
    assert len(rows) > 1
    days = [int(row[0]) for row in rows[1:] if row[7] != "URGENT"]
    assert days == sorted(days, reverse=True) and all(day > 0 for day in days)


def test_overdue_as_of_a_date_before_everything_is_empty(demo_file, capsys):
    assert main(["--database", str(demo_file), "worklist", "overdue", "--as-of", "2020-01-01"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing is overdue."


def test_overdue_table_ends_with_the_count(demo_file, capsys):
    with frozen_at(NOW):
        assert main(["--database", str(demo_file), "worklist", "overdue"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("days overdue")
    assert lines[-1].endswith(" overdue") and lines[-2] == "" and int(lines[-1].split()[0]) == len(lines) - 4


def test_a_bad_as_of_date_is_a_one_line_error(demo_file, capsys):
    assert main(["--database", str(demo_file), "worklist", "overdue", "--as-of", "25/11/2026"]) == 2
    assert capsys.readouterr().err.strip() == (
        "clinic-desktop: --as-of needs a date as YYYY-MM-DD, got '25/11/2026'")


def test_an_unknown_kind_is_a_one_line_error(demo_file, capsys):
    assert main(["--database", str(demo_file), "worklist", "overdue", "--kind", "massage"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("clinic-desktop: ") and "massage" in err and "\n" not in err


def test_an_unsupported_database_url_is_a_one_line_error(capsys):
    assert main(["--database", "mysql://clinic@localhost/clinic", "worklist", "overdue"]) == 2
    assert "unsupported database URL scheme 'mysql'" in capsys.readouterr().err


def test_a_database_from_a_newer_version_is_refused_untouched(demo_file, capsys):
    with sqlite3.connect(demo_file) as connection:
        connection.execute("UPDATE schema_version SET version = 99")
    connection.close()
    before = demo_file.read_bytes()
    assert main(["--database", str(demo_file), "worklist", "overdue"]) == 2
    assert "newer Clinic Desktop" in capsys.readouterr().err
    assert demo_file.read_bytes() == before


def test_create_manager_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    path = tmp_path / "new.sqlite3"
    assert main(["--database", str(path), "create-manager", "--username", "Morag",
                 "--full-name", "Morag Macleod", "--password-stdin"]) == 0
    assert "Created practice manager morag" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("another long password\n"))
    assert main(["--database", str(path), "create-manager", "--username", "second",
                 "--full-name", "Second", "--password-stdin"]) == 2
    assert "the first account already exists" in capsys.readouterr().err


def _is_a_picture(target) -> QImage:
    image = QImage(str(target))
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 5)}) > 5
    return image


def test_screenshot_is_a_picture_of_the_main_window(demo_file, tmp_path, capsys):
    target = tmp_path / "shot.png"
    assert main(["--database", str(demo_file), "--screenshot", str(target)]) == 0
    assert (_is_a_picture(target).width(), QImage(str(target)).height()) == (1280, 800)


def test_every_view_can_be_pictured(demo_file, tmp_path, capsys):
    from clinic_desktop.ui.shell.screenshots import VIEWS

    assert set(VIEWS) == set(SCREENSHOT_VIEWS)  # the command line offers exactly what can be drawn
    windows_before = len(QApplication.topLevelWidgets())
    for view in SCREENSHOT_VIEWS:
        target = tmp_path / f"{view}.png"
        with frozen_at(NOW):
            assert main(["--database", str(demo_file), "--screenshot", str(target), "--view", view]) == 0, view
        image = _is_a_picture(target)
        assert image.width() >= 300 and image.height() >= 150, view
    assert len(QApplication.topLevelWidgets()) == windows_before  # each picture's windows are gone


def test_view_without_screenshot_is_refused(demo_file, capsys):
    assert main(["--database", str(demo_file), "--view", "patient"]) == 2
    assert "--view chooses what --screenshot draws" in capsys.readouterr().err


def _picture_in_its_own_process(demo_file, target, *options: str):
    """``--screenshot target`` with ``options`` in a new process (what Qt takes as it starts), read back."""
    result = subprocess.run([sys.executable, "-m", "clinic_desktop", "--database", str(demo_file), "--screenshot",
                             str(target), *options], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return _is_a_picture(target)


def test_screenshot_on_a_small_screen_at_double_scale_fills_it(demo_file, tmp_path):
    """A process of its own: the screen is chosen before Qt starts (this one's has)."""
    image = _picture_in_its_own_process(demo_file, tmp_path / "small.png", "--view", "patient", "--size", "960x540@2")
    assert (image.width(), image.height()) == (1920, 1080)  # 960×540 logical pixels, each drawn 2×2


@pytest.mark.parametrize("size", ["large", "1366x", "0x768", "960x540@0"])
def test_a_screen_size_not_understood_is_refused(demo_file, tmp_path, capsys, size):
    assert main(["--database", str(demo_file), "--screenshot", str(tmp_path / "s.png"), "--size", size]) == 2
    assert "--size is WIDTHxHEIGHT or WIDTHxHEIGHT@SCALE" in capsys.readouterr().err


def test_a_screenshot_at_a_large_font_draws_the_words_larger(demo_file, tmp_path):
    """A process each: the application's font is set as it starts. The sign-in dialog asks for the
    room its words need, so at 18 pt its lines make it taller than at 9 pt."""
    sizes = {}
    for points in ("9", "18"):
        image = _picture_in_its_own_process(demo_file, tmp_path / f"sign-in-{points}.png", "--view", "sign-in",
                                            "--font-size", points)
        sizes[points] = (image.width(), image.height())
    assert sizes["18"][1] > sizes["9"][1] * 1.3 and sizes["18"][0] >= sizes["9"][0], sizes


@pytest.mark.parametrize("points", ["huge", "0", "100"])
def test_a_font_size_not_understood_is_refused(demo_file, tmp_path, capsys, points):
    assert main(["--database", str(demo_file), "--screenshot", str(tmp_path / "s.png"), "--font-size", points]) == 2
    assert "--font-size is a number of points from 6 to 48" in capsys.readouterr().err


def test_a_screenshot_leaves_the_users_own_layout_as_it_was(demo_file, tmp_path):
    """A picture is drawn as a new user sees the window, and the widths it settles on are not kept
    as the user's (they were: every screenshot changed the columns of whoever took it)."""
    from clinic_desktop.ui.shell.app import application

    application()  # the application's name: where its settings are kept
    mine = QSettings()
    mine.setValue("mainWindow/geometry", b"where I left it")
    mine.sync()
    before = {key: mine.value(key) for key in mine.allKeys()}

    assert main(["--database", str(demo_file), "--screenshot", str(tmp_path / "s.png")]) == 0

    mine = QSettings()
    assert {key: mine.value(key) for key in mine.allKeys()} == before


def test_a_screenshot_in_the_dark_palette_is_dark(demo_file, tmp_path):
    """A process of its own: the palette is the application's, set as it starts."""
    image = _picture_in_its_own_process(demo_file, tmp_path / "dark.png", "--view", "sign-in", "--palette", "dark")
    assert image.pixelColor(image.width() // 2, 2).lightnessF() < 0.3  # the window's own colour, dark


def test_palette_without_screenshot_is_refused(demo_file, capsys):
    assert main(["--database", str(demo_file), "--palette", "dark"]) == 2
    assert "--palette chooses what --screenshot draws" in capsys.readouterr().err


def test_demo_if_empty_fills_a_new_database_once(tmp_path, capsys):
    path, target = tmp_path / "new.sqlite3", tmp_path / "shot.png"
    with frozen_at(NOW):
        assert main(["--database", str(path), "--demo-if-empty", "--screenshot", str(target)]) == 0
        assert "Demo clinic ready: 120 patients" in capsys.readouterr().out
        assert main(["--database", str(path), "--demo-if-empty", "--screenshot", str(target)]) == 0
    assert "Demo clinic ready" not in capsys.readouterr().out
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM patient").fetchone() == (120,)
    connection.close()


def test_screenshot_needs_a_png_name(demo_file, tmp_path, capsys):
    assert main(["--database", str(demo_file), "--screenshot", str(tmp_path / "shot.jpg")]) == 2
    assert "ending in .png" in capsys.readouterr().err


@pytest.mark.parametrize("arguments, message", [
    (["demo", "--patients", "abc"], "argument --patients: invalid int value: 'abc' (see 'clinic-desktop demo --help')"),
    (["worklist", "overdue", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["worklist"], "the following arguments are required: LIST"),
    (["massage"], "argument COMMAND: invalid choice: 'massage'"),
])
def test_usage_mistakes_are_one_line(arguments, message, capsys):
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("clinic-desktop: ") and message in err


def test_a_mistyped_database_file_is_refused_not_created(tmp_path, capsys):
    assert main(["--database", str(tmp_path / "clinc.sqlite3"), "worklist", "overdue"]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_goes_away_ends_the_csv_quietly(demo_file):
    """Like `| head`: the reader has closed the pipe before the first row is written."""
    child = subprocess.Popen([sys.executable, "-m", "clinic_desktop", "--database", str(demo_file), "worklist",
                              "overdue", "--as-of", "2027-06-01", "--format", "csv"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert stderr == ""


def test_without_a_display_the_window_says_how_to_run_it(tmp_path):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "clinic_desktop", "--database", str(tmp_path / "c.sqlite3")],
                            env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "clinic-desktop: no display found (DISPLAY is not set): run it in a desktop session, under a "
        f"virtual display with 'xvfb-run -a python -m clinic_desktop --database {tmp_path / 'c.sqlite3'}', "
        "or take a picture with 'python -m clinic_desktop --screenshot FILE.png'"]


def test_version_says_which_release_this_is_from_the_one_place_it_is_written(capsys):
    """Support asks a desk which version it runs; the bundle, the wheel and --version read clinic_desktop.__version__."""
    from clinic_desktop import __version__

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"clinic-desktop {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
