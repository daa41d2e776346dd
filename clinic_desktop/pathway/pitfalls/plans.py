"""Management plans: passive treatments only, high risk without a psychosocial approach, no plan yet.

The source lists "relying on passive treatments rather than active approaches" and
"overlooking psychosocial factors" among its common pitfalls, and asks for a
patient-centred management plan at medium risk (reference/back-pain-stepped-care.txt).
The latest plan stands (a new one replaces the last), so only it is checked; its warnings
need acknowledging and are keyed by the plan, so agreeing a better plan raises nothing
more while an acknowledged warning stays answered. The prompt to agree a plan needs no
acknowledgement: it is keyed by the stratification that called for it and is answered by
any plan agreed on or after that day.

``plan_warnings`` is what a plan form shows before saving, worded exactly as the save
will store it.
"""

from clinic_desktop.pathway.actions import PathwayWarning
from clinic_desktop.pathway.care_options import PASSIVE_TREATMENTS, PSYCHOSOCIAL_TREATMENTS
from clinic_desktop.pathway.day_words import day_in_words as day_words
from clinic_desktop.pathway.facts import EpisodeFacts, PlanFact, StartBackFact

# The risks at which the source asks for a plan, and what the prompt says for each.
_PLAN_PROMPTS = {
    "medium": "Medium risk: develop a patient-centred management plan with the patient",
    "high": "High risk: develop a patient-centred management plan with the patient, "
            "including a psychosocial approach",
}


def checks(facts: EpisodeFacts) -> list[PathwayWarning]:
    """The latest plan's pitfalls, and the prompt for a plan the current risk calls for."""
    risk = _current_risk(facts)
    plan = max(facts.plans, key=lambda fact: fact.id, default=None)
    found = plan_warnings(plan, risk.risk if risk else None) if plan else []
    prompt = plan_prompt(facts)
    return found + ([prompt] if prompt else [])


def plan_prompt(facts: EpisodeFacts) -> PathwayWarning | None:
    """The prompt to agree a plan, while the current risk calls for one and none was agreed since it was found."""
    risk = _current_risk(facts)
    if risk is None or risk.risk not in _PLAN_PROMPTS or any(fact.agreed_on >= risk.assessed_on
                                                             for fact in facts.plans):
        return None
    return PathwayWarning(f"plan_needed:{risk.id}", "plan_needed", _PLAN_PROMPTS[risk.risk], False)


def _current_risk(facts: EpisodeFacts) -> StartBackFact | None:
    """The stratification that put the patient at their current risk: the first of the latest run of
    that risk, so a re-stratification to the same risk asks for nothing new."""
    ordered = sorted(facts.start_back, key=lambda fact: fact.id)
    if not ordered:
        return None
    first = len(ordered) - 1
    while first > 0 and ordered[first - 1].risk == ordered[-1].risk:
        first -= 1
    return ordered[first]


def plan_warnings(plan: PlanFact, risk: str | None) -> list[PathwayWarning]:
    """What a plan with these treatments brings, for a patient at this STarT Back risk (None: not stratified)."""
    found = []
    if not set(plan.treatments) - PASSIVE_TREATMENTS:
        has = f"passive treatments only ({treatment_words(plan.treatments)})" if plan.treatments \
            else "no treatment chosen"
        found.append(PathwayWarning(
            f"pitfall:passive_plan:{plan.id}", "passive_plan",
            f"The plan of {day_words(plan.agreed_on)} has {has}: the source advises active approaches; "
            "add exercise or another active treatment.", True))
    if risk == "high" and not set(plan.treatments) & PSYCHOSOCIAL_TREATMENTS:
        found.append(PathwayWarning(
            f"pitfall:psychosocial:{plan.id}", "psychosocial",
            f"High STarT Back risk, and the plan of {day_words(plan.agreed_on)} has no psychosocial approach: "
            "overlooking psychosocial factors is a listed pitfall; add cognitive behavioural therapy or "
            "physiotherapy with a biopsychosocial approach.", True))
    return found


def treatment_words(keys: tuple[str, ...]) -> str:
    """("spinal_manipulation", "cbt") -> "spinal manipulation, CBT": treatments as a sentence names them."""
    return ", ".join(_SHORT_NAMES.get(key, key.replace("_", " ")) for key in keys)


# The few whose key does not read as a word in a sentence.
_SHORT_NAMES = {"cbt": "CBT", "biopsychosocial_physiotherapy": "biopsychosocial physiotherapy"}
