"""Medicines that know their class, so a muscle relaxant cannot dodge its rules."""
import pytest

from clinic_desktop.pathway.medicines import MEDICINES, listed_medicine, medicine_category, tidy_name


@pytest.mark.parametrize("name", ["cyclobenzaprine", "methocarbamol", "diazepam", "baclofen", "tizanidine",
                                  "orphenadrine", "carisoprodol", "metaxalone"])
@pytest.mark.parametrize("typed", ["nsaid", "topical", "muscle_relaxant", "other"])
def test_a_listed_relaxant_is_a_muscle_relaxant_whatever_category_was_typed(name, typed):
    assert medicine_category(name, typed) == "muscle_relaxant"


@pytest.mark.parametrize("name", ["  Diazepam ", "DIAZEPAM 2 mg", "Valium", "diazepam/paracetamol", "Parafon  Forte"])
def test_a_relaxant_named_in_any_case_spacing_strength_or_brand_is_found(name):
    assert medicine_category(name, "other") == "muscle_relaxant"


@pytest.mark.parametrize(("name", "category"), [("ibuprofen", "nsaid"), ("Naproxen", "nsaid"),
                                                ("diclofenac", "nsaid"), ("diclofenac gel", "topical"),
                                                ("paracetamol", "other")])
def test_a_listed_medicine_takes_its_listed_class(name, category):
    assert medicine_category(name, "other") == category


def test_an_unlisted_medicine_keeps_the_category_typed():
    assert medicine_category("devil's claw", "other") == "other"
    assert medicine_category("new gel", "topical") == "topical"


def test_an_unknown_category_is_refused():
    with pytest.raises(ValueError, match="medication category must be one of"):
        medicine_category("ibuprofen", "herbal")


def test_a_name_is_looked_up_in_any_case_and_spacing():
    assert listed_medicine("  Capsaicin   CREAM ").name == "capsaicin cream"
    assert listed_medicine("snake oil") is None


def test_the_list_is_spelled_as_it_is_looked_up_and_names_each_medicine_once():
    names = [medicine.name for medicine in MEDICINES]
    assert names == sorted(set(names))
    assert all(tidy_name(name) == name for name in names)
