"""Calendar files read back by parsers the export does not use to write them.

The export writes its own content lines (services/exchange/ical_text.py); a test that read
them back with its own rules would pass whatever both got wrong. So three readers that
share no code with it or with each other read the files: the icalendar library, vobject,
and Mozilla's ical.js (the parser in Thunderbird and many web calendars), run under
Node.js from tests/ical_js, pinned by its package-lock.json and installed by `make test`
(npm ci). Without Node.js or that install the tests fail, saying how to get them: a reader
that silently skips proves nothing.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest
import vobject

ICAL_JS = Path(__file__).resolve().parent / "ical_js"


@dataclass(frozen=True)
class ReadEvent:
    """An event as a calendar client understood it: its instants in UTC."""

    uid: str
    summary: str
    status: str | None
    sequence: int
    start: datetime
    end: datetime


def read_with_ical_js(path: Path) -> list[ReadEvent]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to read the calendar as Thunderbird does: install it "
                    "(apt-get install nodejs npm), then run `make test`, which installs ical.js")
    if not (ICAL_JS / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make test` (or `npm ci --prefix tests/ical_js`)")
    result = subprocess.run([node, str(ICAL_JS / "read_events.mjs"), str(path)], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        pytest.fail(f"ical.js could not read {path.name}: {result.stderr.strip()}")
    return [ReadEvent(event["uid"], event["summary"], event["status"], event["sequence"],
                      datetime.fromisoformat(event["start"].replace("Z", "+00:00")),
                      datetime.fromisoformat(event["end"].replace("Z", "+00:00")))
            for event in json.loads(result.stdout)]


def read_with_icalendar(path: Path) -> list[ReadEvent]:
    """The icalendar library, the most used Python reader."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return [ReadEvent(str(event["UID"]), str(event["SUMMARY"]), str(event.get("STATUS")),
                      int(event.get("SEQUENCE", 0)), event.start, event.end)
            for event in calendar.events]


def read_with_vobject(path: Path) -> list[ReadEvent]:
    """A second Python reader, with its own parser and time zone handling (dateutil)."""
    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    return [ReadEvent(event.uid.value, event.summary.value, event.status.value, int(event.sequence.value),
                      _instant(event.dtstart.value), _instant(event.dtend.value))
            for event in calendar.contents.get("vevent", ())]


def _instant(value: datetime) -> datetime:
    """A floating time is whatever the reader's machine makes of it: never an instant."""
    if value.tzinfo is None:
        pytest.fail(f"{value} is a floating time, read in whatever zone the reading machine is in")
    return value.astimezone(timezone.utc)
