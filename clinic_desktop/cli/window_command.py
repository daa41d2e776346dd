"""Opening the window, or rendering it to a PNG with ``--screenshot``."""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError

# The views --screenshot can draw (ui/shell/screenshots.py VIEWS; kept here so that parsing the
# command line never loads Qt).
SCREENSHOT_VIEWS = ("worklists-manager", "worklists-reception", "worklists-clinician", "open-work",
                    "referrals-to-write", "patient-search", "patient", "patient-next-reception",
                    "patient-next-clinician", "patient-next-manager", "worklist-filtered", "appointment-book",
                    "patient-details", "patient-contact", "booking", "confirmation", "add-to-waiting-list",
                    "freed-slot", "first-contact", "start-back", "medication", "imaging", "evaluation", "outcome",
                    "plan", "discharge", "letter", "sign-letter", "letter-batch", "lock", "dashboard", "audit",
                    "administration", "import-patients", "export-calendar", "deactivate-user", "export-every-record",
                    "sign-in", "backup-check-progress", "reminders", "messages-settings", "clinic-day", "book-week",
                    "review-choice", "move-booking", "sessions-and-leave", "add-leave", "leave-over-bookings",
                    "letterhead")


def add_window_options(parser) -> None:
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render a view offscreen to a PNG and exit")
    parser.add_argument("--view", choices=SCREENSHOT_VIEWS, metavar="NAME",
                        help=f"which view --screenshot draws: {', '.join(SCREENSHOT_VIEWS)} "
                             "(default: worklists-manager)")
    parser.add_argument("--size", type=_screen_size, metavar="WxH[@SCALE]",
                        help="--screenshot on a screen of this many logical pixels, at this scale: 1366x768, "
                             "960x540@2 (1920×1080 at 200 %%); windows fill it, dialogs must fit in it")
    parser.add_argument("--font-size", type=_points, metavar="PT",
                        help="--screenshot with the system font at this many points (9 is usual; 14 and 18 are "
                             "what people with low vision set)")
    parser.add_argument("--palette", choices=("desktop", "dark"),
                        help="--screenshot in the desktop's palette (the default) or a dark one (KDE Breeze Dark)")
    parser.add_argument("--demo-if-empty", action="store_true",
                        help="fill a database that has no patients with demo data first")


def _screen_size(text: str) -> tuple[int, int, int]:
    """"1366x768" or "960x540@2": (width, height, scale), the size in logical pixels."""
    size, _, scale = text.lower().partition("@")
    width, _, height = size.partition("x")
    numbers = (width, height, scale or "1")
    if not all(number.isdigit() and int(number) > 0 for number in numbers):
        raise CommandError(f"--size is WIDTHxHEIGHT or WIDTHxHEIGHT@SCALE, as 1366x768 or 960x540@2, not {text!r}")
    return int(width), int(height), int(scale or 1)


def _points(text: str) -> float:
    """A font size from 6 to 48 points."""
    try:
        points = float(text)
    except ValueError:
        points = 0
    if not 6 <= points <= 48:
        raise CommandError(f"--font-size is a number of points from 6 to 48, as 14, not {text!r}")
    return points


def _check_display(invocation: list[str]) -> None:
    """Qt's own failure without a display is a plugin traceback: say it plainly instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        command = " ".join([_program(), shlex.join(invocation)]).strip()
        raise CommandError(
            "no display found (DISPLAY is not set): run it in a desktop session, "
            f"under a virtual display with 'xvfb-run -a {command}', "
            f"or take a picture with '{_program()} --screenshot FILE.png'"
        )


def _program() -> str:
    """How this program was started, so the advice can be pasted as it is."""
    started = sys.argv[0]
    if started.endswith("__main__.py"):
        return "python -m clinic_desktop"
    return os.path.relpath(started) if os.path.isabs(started) and not started.startswith("/usr") else started


def run(arguments) -> int:
    for option, given in (("--view", arguments.view), ("--size", arguments.size),
                          ("--font-size", arguments.font_size), ("--palette", arguments.palette)):
        if given and not arguments.screenshot:
            raise CommandError(f"{option} chooses what --screenshot draws: add --screenshot FILE.png")
    if arguments.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        target = Path(arguments.screenshot)
        if target.suffix.lower() != ".png":
            raise CommandError(f"--screenshot writes a PNG: give a file name ending in .png, not {target.name!r}")
    else:
        _check_display(arguments.invocation)
    where = open_database(arguments, sign_in_later=not arguments.screenshot)
    if arguments.screenshot:
        if arguments.demo_if_empty:
            from clinic_desktop.cli.demo_command import fill_if_empty

            fill_if_empty()
        from clinic_desktop.ui.shell.screenshots import save_screenshot

        save_screenshot(Path(arguments.screenshot), where, arguments.view or "worklists-manager", arguments.size,
                        arguments.font_size, dark=arguments.palette == "dark")
        print(f"Saved {arguments.screenshot}")
        return 0
    from clinic_desktop.ui.shell.app import run_application

    return run_application(where, demo_if_empty=arguments.demo_if_empty)  # the demo built under a progress dialog
