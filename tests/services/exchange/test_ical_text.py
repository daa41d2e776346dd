"""The iCalendar writer's three rules: TEXT escaped, long lines folded whole, instants in UTC."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.services.exchange.ical_text import content_line, text, utc


def test_text_escapes_what_would_end_or_split_a_value():
    assert text("SMITH, Ann; a\\b\nline two") == "SMITH\\, Ann\\; a\\\\b\\nline two"


def test_a_short_line_is_one_line():
    assert content_line("SUMMARY", "Follow-up") == "SUMMARY:Follow-up\r\n"


@pytest.mark.parametrize("value", ["a" * 200, "王芳 Zoë " * 30, "é" * 100])
def test_a_long_line_folds_at_75_octets_never_inside_a_character(value):
    written = content_line("DESCRIPTION", value)
    lines = written.removesuffix("\r\n").split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert lines[0] + "".join(line[1:] for line in lines[1:]) == f"DESCRIPTION:{value}"


def test_an_instant_is_written_in_utc_whatever_zone_it_carries():
    assert utc(datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("Europe/London"), fold=1)) == "20261025T013000Z"
    assert utc(datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=10)))) == "20260630T230000Z"


def test_a_time_without_its_zone_is_refused():
    with pytest.raises(ValueError, match="needs its time zone"):
        utc(datetime(2026, 7, 1, 9, 0))
