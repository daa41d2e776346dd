"""Text that cannot be printed is refused wherever it is typed or imported, on both databases.

A name with NUL, ESC or a line break, or with nothing visible (only zero-width spaces),
was once stored and printed into signed letters; half of a surrogate pair crashed with a
raw UnicodeEncodeError. Each is now a sentence naming the field, and nothing is stored.
"""
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import AuditEvent, Patient, ReferralDestination, User
from clinic_desktop.services.admin import settings as clinic_settings
from clinic_desktop.services.admin import users
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.exchange import patient_import
from clinic_desktop.services.exchange.patient_csv import COLUMNS
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.services.referrals import destinations

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)

UNPRINTABLE_NAMES = {
    "Smith\x00": r"The family name holds a control character \(U\+0000\) that cannot be printed: retype it\.",
    "\x1b[31mSmith": r"The family name holds a control character \(U\+001B\) that cannot be printed: retype it\.",
    "Smith\nJones": r"The family name must be one line: remove the line break\.",
    "Smith\tJones": r"The family name holds a control character \(U\+0009\)",
    "\u200b\u200b\u200b": r"Enter the patient's family name",
    "\u200b\u034f\u200b": r"The family name has no visible characters: retype it or leave it empty\.",
    "Smi\ud800th": r"The family name holds a broken character \(half of a surrogate pair\) that cannot be stored",
    "\u202eSmith": r"The family name holds an invisible direction override \(U\+202E\)",
}


def _register(staff, **given):
    values = {"family_name": "Smith", "given_name": "Ann", "date_of_birth": date(1970, 5, 1), **given}
    return patients.register_patient(staff.receptionist, **values)


def _counts():
    return Patient.select().count(), AuditEvent.select().count()


# --- the one check every service calls ------------------------------------------------


def test_text_is_normalised_so_the_same_name_typed_two_ways_is_the_same_text():
    decomposed = "Zoe\u0308 Ame\u0301lie"  # e + combining diaeresis, as some keyboards send it
    assert validation.text(decomposed, "given_name") == "Zoë Amélie"
    assert len(validation.text(decomposed, "given_name")) == 10


def test_invisible_characters_at_the_ends_are_trimmed_like_spaces():
    assert validation.text("\u200b Ann \ufeff", "given_name") == "Ann"


def test_notes_keep_their_lines_and_tabs_with_every_line_break_made_one_newline():
    notes = "Seen today.\r\nPain\t4/10\rWalks 1 mile\u2028better"
    assert validation.text(notes, "notes", multiline=True) == "Seen today.\nPain\t4/10\nWalks 1 mile\nbetter"


@pytest.mark.parametrize("bad", ["note\x00", "note\x1b[2J", "\x07bell"])
def test_notes_still_refuse_nul_esc_and_other_control_characters(bad):
    with pytest.raises(ValidationError, match=r"The notes holds a control character \(U\+00[01][0-9A-F]\)"):
        validation.text(bad, "notes", multiline=True)


# --- through the services, on SQLite and PostgreSQL ------------------------------------


@pytest.mark.parametrize("name", UNPRINTABLE_NAMES, ids=repr)
def test_a_patient_name_that_cannot_be_printed_is_refused_and_nothing_is_stored(staff, name):
    before = _counts()
    with pytest.raises(ValidationError, match=UNPRINTABLE_NAMES[name]) as refused:
        _register(staff, family_name=name)
    assert refused.value.field == "family_name"
    assert "\n" not in str(refused.value) and "\x00" not in str(refused.value)
    assert _counts() == before


def test_a_name_typed_decomposed_is_stored_composed_and_found_by_its_composed_form(staff):
    _register(staff, family_name="Mu\u0308ller")
    assert Patient.get().family_name == "Müller"
    assert [p.family_name for p in patient_search.search_patients(staff.receptionist, "Müller")] == ["Müller"]


@pytest.mark.parametrize("field, value, says", [
    ("nhs_number", "943 476 5919\x00", r"The NHS number holds a control character \(U\+0000\)"),
    ("postcode", "BS1\x1b4DJ", r"The postcode holds a control character \(U\+001B\)"),
    ("telephone", "0117 496\n0000", r"The telephone number must be one line"),
    ("email", "ann@example.org\x00", r"The email address holds a control character"),
    ("gp_practice_name", "\u200b\u0301", r"The GP practice's name has no visible characters"),
    ("address", "1 High Street\x00", r"The address holds a control character \(U\+0000\)"),
])
def test_every_single_line_detail_of_a_patient_refuses_control_characters(staff, field, value, says):
    before = _counts()
    with pytest.raises(ValidationError, match=says):
        _register(staff, **{field: value})
    assert _counts() == before


def test_an_address_keeps_its_lines(staff):
    _register(staff, address="1 High Street\r\nBristol")
    assert Patient.get().address == "1 High Street\nBristol"


def test_a_search_with_a_control_character_is_a_sentence_not_a_crash(staff):
    with pytest.raises(ValidationError, match=r"The search holds a control character \(U\+0000\)"):
        patient_search.search_patients(staff.receptionist, "Smi\x00")


def test_a_staff_name_or_username_that_cannot_be_printed_is_refused(staff):
    before = User.select().count()
    with pytest.raises(ValidationError, match="The full name must be one line"):
        users.create_user(staff.manager, "newbie", "Dr New\nBie", "receptionist", "a long enough password")
    with pytest.raises(ValidationError, match=r"The username holds a control character \(U\+001B\)"):
        users.create_user(staff.manager, "new\x1bbie", "Dr New Bie", "receptionist", "a long enough password")
    with pytest.raises(ValidationError, match="the password holds a broken character"):
        users.create_user(staff.manager, "newbie", "Dr New Bie", "receptionist", "a long \ud800 password")
    assert User.select().count() == before


@pytest.mark.parametrize("typed", ["manager\x00", "manag\ud800er"], ids=repr)
def test_signing_in_with_unprintable_text_is_a_wrong_username_not_a_crash(staff, typed):
    with pytest.raises(users.SignInFailed, match="wrong username or password"):
        users.authenticate(typed, "correct horse battery")
    with pytest.raises(users.SignInFailed, match="wrong username or password"):
        users.authenticate("manager", "correct \ud800 battery")


def test_episode_notes_keep_lines_but_refuse_nul(staff):
    patient = _register(staff)
    before = AuditEvent.select().count()
    with pytest.raises(ValidationError, match=r"The notes holds a control character \(U\+0000\)"):
        episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                              presentation="non_specific", severity="mild", notes="worse\x00")
    assert AuditEvent.select().count() == before
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                          presentation="non_specific", severity="mild", notes="worse at night\r\nbetter walking")


def test_a_destination_and_the_clinics_own_details_refuse_control_characters(staff):
    with pytest.raises(ValidationError, match="The name holds a control character"):
        destinations.create_destination(staff.manager, name="Spinal\x00 clinic", kinds=("physiotherapy",))
    assert ReferralDestination.select().count() == 0
    with pytest.raises(ValidationError, match="The name holds a control character"):
        clinic_settings.update_clinic_settings(staff.manager, name="Back\x1b clinic")
    assert clinic_settings.load_settings().name != "Back\x1b clinic"
    changed = clinic_settings.update_clinic_settings(staff.manager, name="Cafe\u0301 Clinic",
                                                     address="1 Road\r\nTown")
    assert (changed.name, changed.address) == ("Café Clinic", "1 Road\nTown")


def test_an_imported_row_with_a_control_character_is_left_out_naming_it(staff, tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text(",".join(COLUMNS) + "\n"
                    "9434765919,Smith\x1b,Ann,1961-02-09,,,,,\n"
                    "4010232137,Wang,\u200b,09/02/1975,,,,,\n"
                    "4857773406,Jones,Zoe\u0308,09/02/1975,,,,,\n", encoding="utf-8")
    preview = patient_import.preview_patient_import(staff.manager, path)
    assert [(row.line, row.problem_text()) for row in preview.bad_rows] == [
        (2, "Family name: The family name holds a control character (U+001B) that cannot be printed: retype it."),
        (3, "Given name: missing (every patient needs one)"),
    ]
    patient_import.import_patients(staff.manager, preview)
    assert [(p.family_name, p.given_name) for p in Patient.select()] == [("Jones", "Zoë")]
