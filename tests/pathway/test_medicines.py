"""Medicines that know their class, so a muscle relaxant or an opioid cannot dodge its rules."""
import pytest

from clinic_desktop.pathway.medicines import MEDICINES, listed_medicine, medicine_category, named_class, tidy_name


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
                                                ("paracetamol", "other"), ("Lyrica", "neuropathic"),
                                                ("Palexia", "opioid")])
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


@pytest.mark.parametrize("name", ["codeine", "co-codamol", "co-dydramol", "dihydrocodeine", "tramadol", "morphine",
                                  "oxycodone", "buprenorphine", "fentanyl", "tapentadol", "Zapain", "OxyContin",
                                  "Butrans", "DHC Continus"])
@pytest.mark.parametrize("typed", ["nsaid", "topical", "neuropathic", "other"])
def test_a_listed_opioid_is_an_opioid_whatever_category_was_typed(name, typed):
    assert medicine_category(name, typed) == "opioid"


@pytest.mark.parametrize("name", ["co-codamol 30/500", "Co-Codamol 8/500 mg", "tramadol MR 50 mg",
                                  "morphine sulfate oral solution", "fentanyl (patch)", "codeine phosphate"])
def test_an_opioid_named_with_its_strength_or_form_is_an_opioid(name):
    assert medicine_category(name, "other") == "opioid"


@pytest.mark.parametrize("name", ["gabapentin", "pregabalin", "amitriptyline", "nortriptyline", "duloxetine",
                                  "Neurontin", "Cymbalta", "amitriptyline 10 mg at night", "pregabalin 75mg"])
def test_a_neuropathic_pain_medicine_takes_its_class_whatever_was_typed(name):
    assert medicine_category(name, "nsaid") == "neuropathic"


def test_a_relaxant_wins_over_an_opioid_named_with_it():
    """The relaxant has the most rules (hepatic, spasm, its review): it must not be filed away from them."""
    assert medicine_category("diazepam and codeine", "other") == "muscle_relaxant"


def test_an_unlisted_name_leaves_the_typed_class_standing():
    assert named_class("devil's claw") is None
    assert named_class("cocodamolish") is None
    assert medicine_category("new opioid patch", "opioid") == "opioid"
