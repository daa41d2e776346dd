"""The hazard log (docs/safety/hazard-log.md) names only tests that exist, and every control is verified.

A log that cites a renamed or deleted test claims evidence that is gone: this fails first.
Test functions are found as tests/cited_tests.py finds them; a parametrised id
(``test_x[sqlite]``) names ``test_x``.
"""
from __future__ import annotations

import re

from cited_tests import ROOT, missing_test

LOG = ROOT / "docs" / "safety" / "hazard-log.md"
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)(?:\[[^\]`]*\])?`")
HAZARD = re.compile(r"^## (H-\d{2})\b", re.MULTILINE)
# A control runs from its "- **C-nn.n**" to the next list item or heading, over several lines.
CONTROL = re.compile(r"^- \*\*(C-\d{2}\.\d+)\*\*(.*?)(?=^- |^#|\Z)", re.MULTILINE | re.DOTALL)
PENDING = re.compile(r"verification:\s+pending\s+\(issue\s+\d+,\s[^)]+\)", re.IGNORECASE)


def missing_tests(text: str) -> list[str]:
    """Every test the text names that is not a test function in its file."""
    return [problem for path, name in TEST_REFERENCE.findall(text) if (problem := missing_test(path, name))]


def unverified_controls(text: str) -> list[str]:
    """Hazards with no control, and controls that name no test and are not marked pending."""
    problems = []
    starts = [(match.group(1), match.start()) for match in HAZARD.finditer(text)]
    for number, (hazard, start) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else len(text)
        controls = CONTROL.findall(text[start:end])
        if not controls:
            problems.append(f"{hazard} has no control")
        problems += [f"{hazard} {control} names no test and is not marked pending"
                     for control, line in controls if not TEST_REFERENCE.search(line) and not PENDING.search(line)]
    return problems


def test_every_test_the_log_names_exists():
    assert missing_tests(LOG.read_text(encoding="utf-8")) == []


def test_every_hazard_has_controls_each_verified_or_marked_pending():
    text = LOG.read_text(encoding="utf-8")
    assert len(HAZARD.findall(text)) >= 10
    assert unverified_controls(text) == []


def test_hazard_ids_are_unique():
    ids = HAZARD.findall(LOG.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))


def test_a_renamed_test_or_an_unverified_control_is_caught():
    """The checks above can fail: a made-up test, a made-up file, a control with neither."""
    log = ("## H-01 Something\n"
           "- **C-01.1** Checked. `tests/test_hazard_log.py::test_hazard_ids_are_unique[x]`\n"
           "- **C-01.2** Gone. `tests/test_hazard_log.py::test_that_was_renamed`\n"
           "- **C-01.3** Elsewhere. `tests/no_such_file.py::test_x`\n"
           "- **C-01.4** Trust me.\n"
           "## H-02 Nothing done about it\n")
    assert missing_tests(log) == ["tests/test_hazard_log.py::test_that_was_renamed",
                                  "tests/no_such_file.py (no such file)"]
    assert unverified_controls(log) == ["H-01 C-01.4 names no test and is not marked pending", "H-02 has no control"]
