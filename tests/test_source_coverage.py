"""Every recommendation of the source is in the coverage table, carried by a tested part of the app or said not to be.

docs/safety/source-coverage.md answers, line by line, "where does the app do what the
reference says, and which test shows it?" A line of the reference with no row, a row quoting
a line the reference no longer has, a row whose cited test was renamed or never landed, or a
row that cites no test and gives no reason, would make the table claim more than it shows:
each fails here, naming the line or the test.

Which lines of docs/reference/back-pain-stepped-care.txt are recommendations (the rule): in
its clinical part, from the title "Management Options for Back Pain" to "References" (the
web page's boilerplate before and after is not advice), every bullet line, and every sentence
of prose: a line that ends in "." or ":" once its citations are stripped and is not a risk
group's numbered label ("1. Low-risk patients:"; the bullets under it are its rows). Section
headings (no bullet, no closing stop) are not. The table quotes each line without its bullet
mark and without the citation numbers at its end ("… avoid bed rest 1, 2" is quoted as
"… avoid bed rest").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cited_tests import ROOT, missing_test

REFERENCE = ROOT / "docs" / "reference" / "back-pain-stepped-care.txt"
TABLE = ROOT / "docs" / "safety" / "source-coverage.md"
CLINICAL_PART = ("Management Options for Back Pain", "References")
BULLET = "•"
# The citation numbers closing a line, before its full stop or colon if it has one.
CITATIONS = re.compile(r"\s+\d+(?:,\s*\d+)*(?=[.:]?$)")
NUMBERED_LABEL = re.compile(r"^\d+\.\s")
# `tests/<path>.py` (the file) or `tests/<path>.py::name` (one test; a parametrised id names it).
CITATION = re.compile(r"`(tests/[\w/]+\.py)(?:::([\w:]+?))?(?:\[[^\]`]*\])?`")
NOT_MODELLED = "Not modelled:"
HEADER = "Source line"


@dataclass(frozen=True)
class Row:
    """One row of the table: the source's line, where the app carries it, what proves it."""

    source: str
    carried_by: str
    proof: str


def recommendations(reference: str) -> list[str]:
    """The reference's recommendation lines by the rule above, as the table quotes them."""
    lines = [line.strip() for line in reference.splitlines()]
    start, end = (lines.index(heading) for heading in CLINICAL_PART)
    found = []
    for line in lines[start + 1:end]:
        text = CITATIONS.sub("", line.removeprefix(BULLET).strip())
        if line.startswith(BULLET) or (text.endswith((".", ":")) and not NUMBERED_LABEL.match(text)):
            found.append(text)
    return found


def rows(table: str) -> list[Row]:
    """Every row of every table in the document, without header and separator lines."""
    found = []
    for line in table.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == HEADER or not cells[0].strip("-: "):
            continue
        source, carried_by, proof = (cells + ["", ""])[:3]
        found.append(Row(source, carried_by, proof))
    return found


def missing_rows(reference: str, table: str) -> list[str]:
    """Recommendation lines of the reference that no row quotes."""
    quoted = {row.source for row in rows(table)}
    return [line for line in recommendations(reference) if line not in quoted]


def stray_rows(reference: str, table: str) -> list[str]:
    """Rows quoting a line the reference does not have (reworded, or not a recommendation), and repeats."""
    lines = set(recommendations(reference))
    sources = [row.source for row in rows(table)]
    return ([source for source in sources if source not in lines]
            + sorted({source for source in sources if sources.count(source) > 1}))


def unproven_rows(table: str) -> list[str]:
    """Rows that cite no test and do not say why the line is not modelled, or say where and not how."""
    problems = []
    for row in rows(table):
        not_modelled = row.proof.startswith(NOT_MODELLED) and row.proof.removeprefix(NOT_MODELLED).strip()
        if not CITATION.search(row.proof) and not not_modelled:
            problems.append(f"{row.source!r} cites no test and gives no reason it is not modelled")
        if CITATION.search(row.proof) and not row.carried_by:
            problems.append(f"{row.source!r} cites a test but says nothing of where the app carries it")
    return problems


def missing_citations(table: str) -> list[str]:
    """Every cited test file, or test function, that does not exist, with the line citing it."""
    return [f"{problem} (for {row.source!r})" for row in rows(table)
            for path, name in CITATION.findall(row.proof) if (problem := missing_test(path, name))]


def test_every_recommendation_of_the_source_has_a_row():
    assert missing_rows(REFERENCE.read_text(encoding="utf-8"), TABLE.read_text(encoding="utf-8")) == []


def test_every_row_quotes_a_recommendation_of_the_source_once():
    assert stray_rows(REFERENCE.read_text(encoding="utf-8"), TABLE.read_text(encoding="utf-8")) == []


def test_every_row_cites_a_test_or_says_why_it_is_not_modelled():
    assert unproven_rows(TABLE.read_text(encoding="utf-8")) == []


def test_every_cited_test_exists():
    assert missing_citations(TABLE.read_text(encoding="utf-8")) == []


def test_the_rule_takes_every_bullet_and_sentence_of_advice_and_none_of_the_page_around_it():
    found = recommendations(REFERENCE.read_text(encoding="utf-8"))
    assert len(found) == 51
    assert found[0].startswith("The management of back pain should follow a stepped care approach")
    assert found[0].endswith("risk stratification.")
    assert "Advise reactivation and avoid bed rest" in found
    assert "After 2 weeks, use the STarT Back tool to assess severity, impact, and risk of persistent disability:" \
        in found
    assert "Start with 5mg dose in patients with mild hepatic impairment" in found
    assert "Review no later than 12 weeks" in found
    assert "Extended use of muscle relaxants beyond 2-3 weeks" in found
    assert found[-1].endswith("with appropriate guidance.")
    assert not [line for line in found if "Medical Advisory Board" in line or "Educational purpose" in line
                or line.startswith(("1. ", "Initial Management", "Common Pitfalls"))]


def test_a_missing_line_a_stray_row_a_gone_test_and_an_unproven_row_are_caught():
    """The checks above can fail: each kind of gap in a made-up reference and table."""
    reference = ("Management Options for Back Pain\n\nAdvice\n\n  • Keep moving 1, 2\n  • Rest less 3\n"
                 "  1. Low-risk patients:\n    • Encourage it\nSee a doctor if worse. 4\nReferences\n  • Not advice\n")
    table = (f"| {HEADER} | Carried by | Proven by |\n|---|---|---|\n"
             "| Keep moving | leaflet | `tests/test_source_coverage.py::test_every_cited_test_exists` |\n"
             "| Encourage it | leaflet | `tests/test_source_coverage.py::test_that_was_renamed` |\n"
             "| See a doctor if worse. | | `tests/no_such_file.py` |\n"
             "| Rest less | nowhere | Not modelled: |\n"
             "| Stay in bed | leaflet | Not modelled: reworded since |\n")
    assert recommendations(reference) == ["Keep moving", "Rest less", "Encourage it", "See a doctor if worse."]
    assert missing_rows(reference, table.replace("| Rest less |", "| Rest |")) == ["Rest less"]
    assert stray_rows(reference, table) == ["Stay in bed"]
    assert missing_citations(table) == [
        "tests/test_source_coverage.py::test_that_was_renamed (for 'Encourage it')",
        "tests/no_such_file.py (no such file) (for 'See a doctor if worse.')",
    ]
    assert unproven_rows(table) == [
        "'See a doctor if worse.' cites a test but says nothing of where the app carries it",
        "'Rest less' cites no test and gives no reason it is not modelled",
    ]
