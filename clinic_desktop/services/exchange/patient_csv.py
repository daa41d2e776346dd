"""Reading a patients CSV file into rows, each with its problems in words.

No database here: this turns bytes into cleaned values or problems ("line 7, NHS number:
943 476 5918 is not a valid NHS number…"), using the very checks registration uses
(patients.py, nhs_number.py), so an import never lets in a patient the registration form
would refuse. Duplicates against the stored patients are patient_import.py's.
The columns are those the patients export writes, so an export imports again unchanged:
the export writes a cell a spreadsheet would run as a formula (=HYPERLINK(…), +44 …) with an
apostrophe first, and reading takes exactly that apostrophe off again.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from clinic_desktop.services.core import progress, validation
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.patients.patients import _CLEANERS, name_key

__all__ = ["COLUMNS", "COLUMN_LABELS", "MAX_BYTES", "MAX_ROWS", "REQUIRED_COLUMNS", "SEXES", "CsvFile", "CsvRow",
           "RowProblem", "as_inert_cell", "csv_bytes", "read_date", "read_patients_csv", "same_person_key"]

# In the order the export writes them; the first three must be there, the rest may be left out.
COLUMNS = ("nhs_number", "family_name", "given_name", "date_of_birth", "sex", "address", "postcode", "telephone",
           "hepatic_impairment")
REQUIRED_COLUMNS = ("family_name", "given_name", "date_of_birth")
COLUMN_LABELS = {"nhs_number": "NHS number", "family_name": "family name", "given_name": "given name",
                 "date_of_birth": "date of birth", "sex": "sex", "address": "address", "postcode": "postcode",
                 "telephone": "telephone", "hepatic_impairment": "hepatic impairment"}
SEXES = ("female", "male", "other")
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
# A cell a spreadsheet runs as a formula starts with one of =, +, -, @, tab or carriage return.
# The export puts an apostrophe before it (and before one already there, so a value that really
# starts with an apostrophe and such a character comes back whole); the import takes one off.
_NEEDS_APOSTROPHE = re.compile(r"'*[=+\-@\t\r]")
_HAS_EXPORT_APOSTROPHE = re.compile(r"'+[=+\-@\t\r]")


@dataclass(frozen=True)
class RowProblem:
    column: str | None  # None: the row as a whole (too many values, a duplicate)
    message: str


@dataclass(frozen=True)
class CsvRow:
    """One patient line of the file: what it says, what it would store, what is wrong with it."""

    line: int  # the file's line number where the row starts (the header is line 1)
    values: tuple[str, ...]  # as written (less an export's apostrophe), one per COLUMNS entry ("" if no such column)
    cleaned: dict | None = field(default=None, compare=False)  # the values to store; None when a check failed
    problems: tuple[RowProblem, ...] = ()
    # The date of birth as read (02/03/1980 is 2 March), kept when other checks fail, so a preview can
    # show it with the month in words; None when the text is not a date at all.
    birth_date: date | None = None

    def value(self, column: str) -> str:
        return self.values[COLUMNS.index(column)]

    def problem_text(self) -> str:
        """'NHS number: … ; date of birth: …' as the preview's problem column shows it."""
        return "; ".join(f"{_capitalised(COLUMN_LABELS[p.column])}: {p.message}" if p.column else p.message
                         for p in self.problems)

    def with_problems(self, *problems: RowProblem) -> "CsvRow":
        return CsvRow(self.line, self.values, None, self.problems + problems, self.birth_date)


@dataclass(frozen=True)
class CsvFile:
    columns: tuple[str, ...]  # the file's columns, as COLUMNS names, in the file's order
    rows: tuple[CsvRow, ...]


def read_patients_csv(path: Path, data: bytes, today: date) -> CsvFile:
    """The rows of the file; a file that cannot be read as patients at all raises ValidationError in one line."""
    name = path.name
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file {name} is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files",
                              field="path")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"The file {name} is not UTF-8 text (byte {error.start + 1} cannot be read): save it as "
                              "'CSV UTF-8' and choose it again", field="path") from None
    if not text.strip():
        raise ValidationError(f"The file {name} is empty: the first line must name the columns ({', '.join(COLUMNS)})",
                              field="path")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    try:
        header = next(reader)
        columns = _columns(name, header)
        rows = []
        end_of_previous = reader.line_num
        for cells in reader:
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a spreadsheet's empty row of commas
            if len(rows) == MAX_ROWS:
                raise ValidationError(f"The file {name} has more than {MAX_ROWS:,} patients: split it into smaller files",
                                      field="path")
            rows.append(_row(line, columns, cells, today))
            progress.step(len(rows), 0, f"Reading {name}: {len(rows):,} rows checked…")
    except csv.Error as error:
        raise ValidationError(f"The file {name} line {reader.line_num} cannot be read as CSV ({error})", field="path") from None
    return CsvFile(columns, tuple(rows))


def _dialect(text: str):
    """Comma-separated, or semicolons or tabs as some spreadsheets write when the header uses them."""
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for delimiter in (";", "\t"):
            if delimiter in first_line:
                return type("Separated", (csv.excel,), {"delimiter": delimiter})
    return csv.excel


def _columns(name: str, header: list[str]) -> tuple[str, ...]:
    columns = tuple(re.sub(r"[\s-]+", "_", cell.strip().lower()) for cell in header)
    for column, cell in zip(columns, header):
        if column not in COLUMNS:
            raise ValidationError(f"The file {name} has a column '{cell.strip()}' that is not a patient detail "
                                  f"(the columns are {', '.join(COLUMNS)})", field="path")
    repeated = next((column for column in columns if columns.count(column) > 1), None)
    if repeated:
        raise ValidationError(f"The file {name} has the column {repeated} twice", field="path")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ValidationError(f"The file {name} has no {' or '.join(missing)} column (the first line must name the "
                              f"columns: {', '.join(COLUMNS)})", field="path")
    return columns


def _row(line: int, columns: tuple[str, ...], cells: list[str], today: date) -> CsvRow:
    cells = [_without_export_apostrophe(cell) for cell in cells]
    given = dict(zip(columns, cells))
    values = tuple(given.get(column, "") for column in COLUMNS)
    birth_date = _birth_date_as_read(values[COLUMNS.index("date_of_birth")])
    if len(cells) != len(columns):
        return CsvRow(line, values, None, (RowProblem(None, f"The line has {len(cells)} values but the first line "
                                                            f"names {len(columns)} columns"),), birth_date)
    cleaned, problems = {}, []
    for column in COLUMNS:
        try:
            cleaned[column] = _clean(column, given.get(column, ""), today)
        except ValidationError as error:
            problems.append(RowProblem(column, str(error)))
    return CsvRow(line, values, None if problems else cleaned, tuple(problems), birth_date)


def _birth_date_as_read(text: str) -> date | None:
    try:
        return read_date(text.strip())
    except ValidationError:
        return None


def _without_export_apostrophe(cell: str) -> str:
    """The cell as it was before the export kept a spreadsheet from running it: one apostrophe fewer."""
    return cell[1:] if _HAS_EXPORT_APOSTROPHE.match(cell) else cell


def as_inert_cell(value):
    """Text a spreadsheet would run as a formula, with an apostrophe first so it opens as text."""
    if isinstance(value, str) and _NEEDS_APOSTROPHE.match(value):
        return f"'{value}"
    return value


def _clean(column: str, text: str, today: date):
    """The value to store, through registration's own check; ValidationError says what is wrong."""
    text = validation.text(text, column, multiline=column == "address")
    if column in REQUIRED_COLUMNS and not text:
        raise ValidationError("missing (every patient needs one)")
    if column == "date_of_birth":
        return _CLEANERS[column](read_date(text), today)
    if column == "sex":
        if text and text.lower() not in SEXES:
            raise ValidationError(f"'{text}' is not one of {', '.join(SEXES)} (or blank)")
        return text.lower() or None
    if column == "hepatic_impairment":
        return _CLEANERS[column](text.lower() or "none", today)
    return _CLEANERS[column](text, today)


def read_date(text: str) -> date:
    """A date written 1980-02-29 (as the export writes it) or, as in the UK, 29/02/1980: day first, always."""
    iso, uk = _ISO_DATE.fullmatch(text), _UK_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
        if len(uk.group(3)) != 4:
            raise ValidationError(f"'{text}' has a {len(uk.group(3))}-digit year: write the year in full "
                                  "(for example 29/02/1980)")
    else:
        raise ValidationError(f"'{text}' is not a date: write it as 1980-02-29 or 29/02/1980 (day first)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(f"'{text}' is not a date in the calendar (day {day}, month {month}, year {year})") \
            from None


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def same_person_key(cleaned: dict) -> tuple[str, str, date]:
    """What two rows share when they are probably the same person: names (any case) and birth date."""
    return name_key(cleaned["family_name"]), name_key(cleaned["given_name"]), cleaned["date_of_birth"]


def csv_bytes(rows) -> bytes:
    """A patients file (UTF-8 with the mark spreadsheets look for) with every column, from rows of values;
    no cell is run as a formula by the spreadsheet that opens it (reading it back restores each value)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(tuple(as_inert_cell(value) for value in row) for row in rows)
    return out.getvalue().encode("utf-8-sig")
