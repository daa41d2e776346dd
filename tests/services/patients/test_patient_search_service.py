"""Finding patients by NHS number, birth date or name prefix (services/patients/patient_search.py)."""
from datetime import date

import pytest
from test_patients import CLINIC_TIME, register  # noqa: F401 (the clinic's clock: Sun 15 Jun 2025)

from clinic_desktop.models import Patient
from clinic_desktop.services.patients import patient_search


@pytest.fixture
def registered(staff):
    """Four patients, registered out of order; SMITH and SMITHERS share a birth date."""
    return {
        "ann_younger": register(staff.receptionist, date_of_birth=date(1990, 3, 4), confirm_not_duplicate=True),
        "bob": register(staff.receptionist, family_name="smithers", given_name="Bob", nhs_number="4010232137"),
        "ann": register(staff.receptionist, nhs_number="9434765919"),
        "cruz": register(staff.receptionist, family_name="De la Cruz", given_name="Maria",
                         date_of_birth=date(1975, 5, 5)),
    }


def _search(staff, text, **kwargs):
    return [record.id for record in patient_search.search_patients(staff.receptionist, text, **kwargs)]


@pytest.mark.parametrize("text", ["943 476 5919", "9434765919", "943-476-5919"])
def test_search_by_nhs_number_finds_exactly_that_patient(staff, registered, text):
    assert _search(staff, text) == [registered["ann"].id]


@pytest.mark.parametrize("text", ["01/02/1980", "1/2/1980", "1980-02-01"])
def test_search_by_date_of_birth(staff, registered, text):
    assert _search(staff, text) == [registered["ann"].id, registered["bob"].id]


@pytest.mark.parametrize("text", ["31/02/1980", "943 476", "9434765918"])
def test_search_for_an_impossible_date_or_unknown_number_finds_nobody(staff, registered, text):
    assert _search(staff, text) == []


def test_search_by_family_name_prefix_orders_by_family_given_and_birth(staff, registered):
    assert _search(staff, "SMI") == [registered["ann"].id, registered["ann_younger"].id, registered["bob"].id]


@pytest.mark.parametrize("text", ["smith ann", "Smith, Ann", "smith,a", "  smith   an "])
def test_search_by_family_and_given_name_prefixes(staff, registered, text):
    assert _search(staff, text) == [registered["ann"].id, registered["ann_younger"].id]


def test_search_by_two_words_of_one_family_name(staff, registered):
    assert _search(staff, "de la") == [registered["cruz"].id]


@pytest.mark.parametrize("text", ["", "   ", None, "s%", "_mith", "smith, carl"])
def test_search_that_matches_nobody_is_empty(staff, registered, text):
    assert _search(staff, text) == []


def test_search_returns_at_most_the_limit(staff, registered):
    assert len(_search(staff, "s", limit=2)) == 2


def test_name_search_reads_the_family_name_key_index(sqlite_database):
    sql, params = Patient.select().where(patient_search._search_condition("smith, a")).sql()
    plan = sqlite_database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    assert "USING INDEX patient_family_name_key" in " ".join(row[-1] for row in plan)


@pytest.fixture
def reachable(staff):
    """Three patients with phones and postcodes: one mobile only, one landline only, one both."""
    return {
        "ann": register(staff.receptionist, mobile="07700 900123", postcode="SW1A 1AA"),
        "bob": register(staff.receptionist, family_name="Jones", given_name="Bob", telephone="+44 117 496 0001",
                        postcode="SW1A 2AB"),
        "cat": register(staff.receptionist, family_name="Khan", given_name="Cat", telephone="0117 496 0999",
                        mobile="07700 900456", postcode="BS16 2NA"),
    }


@pytest.mark.parametrize(("text", "who"), [
    ("07700 900123", ["ann"]), ("+44 7700 900123", ["ann"]), ("+447700900123", ["ann"]), ("7700900123", ["ann"]),
    ("0770-090", ["cat", "ann"]), ("07700", ["cat", "ann"]), ("01174 96", ["bob", "cat"]),
    ("(0117) 496 0001", ["bob"]), ("0117 496 0999", ["cat"]),
])
def test_search_by_the_start_of_a_telephone_or_mobile_number_however_spaced(staff, reachable, text, who):
    assert _search(staff, text) == [reachable[name].id for name in who]


@pytest.mark.parametrize("text", ["0770", "+44 7", "07701"])
def test_a_phone_search_waits_for_five_digits_and_finds_only_numbers_that_start_so(staff, reachable, text):
    assert _search(staff, text) == []


@pytest.mark.parametrize(("text", "who"), [
    ("SW1A", ["bob", "ann"]), ("sw1a 1aa", ["ann"]), ("SW1A1AA", ["ann"]), ("sw1a 2", ["bob"]),
    ("BS16", ["cat"]), ("bs16 2na", ["cat"]), ("BS1", ["cat"]),
])
def test_search_by_a_whole_postcode_or_its_outward_part(staff, reachable, text, who):
    assert _search(staff, text) == [reachable[name].id for name in who]


def test_letters_alone_are_a_name_not_a_postcode_area(staff, reachable):
    assert _search(staff, "sw") == []
    assert _search(staff, "kh") == [reachable["cat"].id]


def test_results_carry_phone_numbers_and_postcode(staff, reachable):
    (found,) = patient_search.search_patients(staff.receptionist, "07700 900456")
    assert (found.telephone, found.mobile, found.postcode) == ("0117 496 0999", "07700 900456", "BS16 2NA")


def _plan(database, text: str) -> str:
    sql, params = Patient.select().where(patient_search._search_condition(text)).sql()
    if database.__class__.__name__.startswith("Sqlite"):
        return " ".join(row[-1] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    database.execute_sql("SET enable_seqscan = off")  # a few test rows: ask whether an index *can* answer it
    try:
        return " ".join(row[0] for row in database.execute_sql(f"EXPLAIN {sql}", params).fetchall())
    finally:
        database.execute_sql("SET enable_seqscan = on")


def test_phone_search_reads_the_telephone_and_mobile_key_indexes(database, staff):
    plan = _plan(database, "07700 900")
    assert "patient_telephone_key" in plan and "patient_mobile_key" in plan
    assert "SCAN t1" not in plan and "Seq Scan" not in plan


def test_postcode_search_reads_the_postcode_key_index(database, staff):
    plan = _plan(database, "SW1A 1")
    assert "patient_postcode_key" in plan
    assert "SCAN t1" not in plan and "Seq Scan" not in plan


def test_phone_and_postcode_search_also_under_a_linguistic_collation(database, staff):
    """Production servers often sort text by language rules (the test server's is C): a search
    must still find exactly the keys that start with what was typed."""
    if database.__class__.__name__.startswith("Sqlite"):
        pytest.skip("SQLite compares keys by their bytes")
    for column, width in (("mobile_key", 20), ("telephone_key", 20), ("postcode_key", 16)):
        database.execute_sql(f'ALTER TABLE patient ALTER COLUMN {column} TYPE varchar({width}) COLLATE "en-GB-x-icu"')
    people = {postcode: register(staff.receptionist, family_name=f"Person{number}", mobile=mobile,
                                 postcode=postcode).id
              for number, (mobile, postcode) in enumerate((("07700 900123", "SW1A 1AA"), ("07701 900123", "SW10 1AB"),
                                                           ("+1 555 0100 123", "SW2A 1AA"), ("07709 900123", "B1 1AA"),
                                                           ("", "BS16 2NA"), ("", "B2 1AA")))}
    assert _search(staff, "07700") == [people["SW1A 1AA"]]
    assert _search(staff, "SW1") == [people["SW1A 1AA"], people["SW10 1AB"]]
    assert _search(staff, "B1") == [people["B1 1AA"]]
