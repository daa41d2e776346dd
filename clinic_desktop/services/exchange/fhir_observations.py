"""The scores a receiving system can chart, one FHIR R4 Observation a value.

STarT Back's total, psychosocial subscore and risk group, and each measure of improvement
(pain now, function, the patient's impression of change), with what was measured as a standard
code where one exists (fhir_codes.py) and always in our words, who and when, the patient, and
the episode of back pain it belongs to. The STarT Back answers themselves stay in the
QuestionnaireResponse (fhir_resources.start_back_resource), which each score is derived from.
"""
from __future__ import annotations

from datetime import date

from clinic_desktop.models import StartBackAssessment
from clinic_desktop.pathway.care_options import FUNCTION_SCALES
from clinic_desktop.pathway.start_back import CREDIT
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.episodes.measures import MeasureRecord
from clinic_desktop.services.exchange import fhir_codes as codes
from clinic_desktop.services.exchange.fhir_resources import reference, resource_uuid

__all__ = ["measure_observations", "start_back_observations"]

_RISK_WORDS = {"low": "Low risk", "medium": "Medium risk", "high": "High risk"}


def start_back_observations(assessment: StartBackAssessment, patient_id: int) -> list[dict]:
    """The total (0-9), the psychosocial subscore (0-5) and the risk group, as Keele scores them."""
    def scored(part: str, code: codes.Coded, text: str) -> dict:
        observation = _observation(f"start-back-{part}", assessment.id, codes.codeable(code, text), patient_id,
                                   assessment.episode_id, assessment.assessed_on, assessment.recorded_by_id)
        observation["derivedFrom"] = [reference("QuestionnaireResponse", assessment.id)]
        observation["note"] = [{"text": CREDIT}]
        return observation

    total = scored("total", codes.START_BACK_TOTAL, "STarT Back total score (0–9)")
    total["valueInteger"] = assessment.total
    psychosocial = scored("psychosocial", codes.START_BACK_PSYCHOSOCIAL, "STarT Back psychosocial subscore (0–5)")
    psychosocial["valueInteger"] = assessment.psychosocial
    risk = scored("risk", codes.START_BACK_RISK, "STarT Back risk group")
    risk["valueCodeableConcept"] = codes.codeable(codes.START_BACK_RISK_ANSWERS[assessment.risk],
                                                  _RISK_WORDS[assessment.risk])
    return [total, psychosocial, risk]


def measure_observations(measure: MeasureRecord, patient_id: int) -> list[dict]:
    """One Observation a value: pain now, function, and the patient's impression of change when asked."""
    def measured(part: str, code: dict) -> dict:
        return _observation(part, measure.id, code, patient_id, measure.episode_id, measure.measured_on,
                            measure.recorded_by_id)

    pain = measured("pain", codes.codeable(codes.PAIN_NOW, "Pain now, 0 to 10"))
    pain["valueInteger"] = measure.pain_now
    function = measured("function", codes.codeable(None, FUNCTION_SCALES[measure.function_scale]))
    if measure.function_scale == "nrs":
        function["valueInteger"] = int(measure.function_score)
    else:
        function["valueQuantity"] = {"value": measure.function_score, "unit": "score",
                                     "system": "http://unitsofmeasure.org", "code": "{score}"}
        function["component"] = [{"code": {"text": activity}, "valueInteger": score}
                                  for activity, score in measure.psfs_activities]
    observations = [pain, function]
    if measure.global_change is not None:
        change = measured("pgic", codes.codeable(
            None, "Patient's global impression of change (1 very much improved – 7 very much worse)"))
        change["valueInteger"] = measure.global_change
        change["interpretation"] = [{"text": measure.global_change_label}]
        observations.append(change)
    when = f"{measure.occasion_label.lower()}, {format_date(measure.measured_on)}"
    for observation in observations:
        observation["note"] = [{"text": f"Measured at the {when}" + (f". {measure.notes}" if measure.notes else "")}]
    return observations


def _observation(part: str, record_id: int, code: dict, patient_id: int, episode_id: int, on: date,
                 recorded_by_id: int | None) -> dict:
    # One record gives several Observations: each part its own identity, the same in every export.
    resource = {"resourceType": "Observation", "id": resource_uuid(f"Observation/{part}", record_id),
                "extension": [{"url": codes.EPISODE_OF_CARE_EXTENSION,
                               "valueReference": reference("EpisodeOfCare", episode_id)}],
                "status": "final", "category": [codes.codeable(codes.SURVEY_CATEGORY, "Survey")], "code": code,
                "subject": reference("Patient", patient_id), "effectiveDateTime": on.isoformat()}
    if recorded_by_id:
        resource["performer"] = [reference("Practitioner", recorded_by_id)]
    return resource
