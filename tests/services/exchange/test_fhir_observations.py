"""STarT Back's scores and each measure of improvement as Observations a receiving system can chart."""
from fhir.resources.bundle import Bundle
from fhir_bundles import RECORD_TIME, exported, resources

LOINC = "http://loinc.org"
EPISODE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"

CLINIC_TIME = RECORD_TIME  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def observations(bundle: dict) -> dict[str, dict]:
    return {observation["code"]["text"]: observation for observation in resources(bundle, "Observation")}


def test_start_back_total_subscore_and_risk_are_loinc_coded_observations(staff, record, tmp_path):
    _, bundle, path = exported(staff, record, tmp_path)
    Bundle.parse_file(path)
    found = observations(bundle)
    total = found["STarT Back total score (0–9)"]
    psychosocial = found["STarT Back psychosocial subscore (0–5)"]
    risk = found["STarT Back risk group"]
    assert (total["code"]["coding"][0]["code"], total["valueInteger"]) == ("91351-7", 7)
    assert (psychosocial["code"]["coding"][0]["code"], psychosocial["valueInteger"]) == ("91350-9", 5)
    assert risk["code"]["coding"] == [{"system": LOINC, "code": "91352-5", "display": "STarT Back Screening risk level"}]
    assert risk["valueCodeableConcept"] == {"coding": [{"system": LOINC, "code": "LA9193-9", "display": "High"}],
                                            "text": "High risk"}


def test_each_observation_has_status_subject_day_value_and_its_episode(staff, measured, tmp_path):
    _, bundle, _ = exported(staff, measured, tmp_path)
    urls = {entry["resource"]["resourceType"]: entry["fullUrl"] for entry in bundle["entry"]}
    found = resources(bundle, "Observation")
    assert len(found) == 6  # three STarT Back scores, pain, function, impression of change
    for observation in found:
        assert observation["status"] == "final"
        assert observation["subject"]["reference"] == urls["Patient"]
        assert observation["effectiveDateTime"] == "2026-11-02"
        assert observation["extension"] == [{"url": EPISODE_EXTENSION,
                                             "valueReference": {"reference": urls["EpisodeOfCare"]}}]
        assert {"valueInteger", "valueQuantity", "valueCodeableConcept"} & observation.keys()


def test_the_scores_are_derived_from_the_answers_and_credit_keele(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    answers_url = next(entry["fullUrl"] for entry in bundle["entry"]
                       if entry["resource"]["resourceType"] == "QuestionnaireResponse")
    scores = [observation for text, observation in observations(bundle).items() if text.startswith("STarT Back")]
    assert len(scores) == 3
    assert all(score["derivedFrom"] == [{"reference": answers_url}] for score in scores)
    assert all("Keele" in score["note"][0]["text"] for score in scores)


def test_function_and_impression_of_change_carry_words_only(staff, measured, tmp_path):
    _, bundle, _ = exported(staff, measured, tmp_path)
    found = observations(bundle)
    function = found["Patient-Specific Functional Scale"]
    change = found["Patient's global impression of change (1 very much improved – 7 very much worse)"]
    assert "coding" not in function["code"] and "coding" not in change["code"]
