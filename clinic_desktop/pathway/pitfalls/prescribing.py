"""Medicines: relaxant without spasm or past its weeks, hepatic doses, NSAID contraindications, opioids.

The source's cautions on medicines (reference, "Pharmacological Options" and "Common Pitfalls"),
each a warning keyed by the medicine that raised it:

- a muscle relaxant is "for relief of muscle spasm": one recorded with spasm answered "no"
  needs acknowledging (a medicine recorded before the question was asked, spasm None, raises
  nothing: nobody said there was none);
- hepatic impairment (DESIGN.md rule 2): mild, "start with 5 mg", a caution, or a warning
  needing acknowledgement when the starting dose is above 5 mg; moderate or severe, "not
  recommended", needing acknowledgement at any dose (hepatic_warning, which rules.evaluate
  applies to every relaxant, even after discharge);
- a relaxant "for short periods (2–3 weeks)": "extended use beyond 2–3 weeks" is not checked
  here because the pathway already carries it: the medication review due 21 days after a
  relaxant starts (rules._medication_review), and a relaxant still running past it is on the
  clinician's list until stopped or kept on with a reason, asked again 21 days after each
  decision (services/episodes/episodes.py keep_medication_on; worklists relaxant_to_review);
- NSAIDs are "first-line if not contraindicated": an NSAID (not a topical) running while the
  patient has a recorded contraindication needs acknowledging, one warning for each
  contraindication, also when it is recorded after the NSAID started;
- opioids, "lowest effective dose for shortest time possible with close monitoring": a
  caution, and a monitoring review due within opioid_review_days of the start, cancelled
  while unbooked once the opioid stops before it is due.

warnings_for gives a medicine's warnings before it is stored, so a form shows them worded
exactly as the save will store them.
"""

from collections.abc import Iterable
from decimal import Decimal

from clinic_desktop.pathway.actions import CancelUnbooked, PathwayWarning, RequiredAppointment
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.care_options import NSAID_CONTRAINDICATIONS
from clinic_desktop.pathway.facts import HEPATIC_IMPAIRMENTS, EpisodeFacts, MedicationFact
from clinic_desktop.pathway.timings import PathwayTimings

# Cyclobenzaprine's starting dose with mild hepatic impairment (reference, "Pharmacological Options").
MILD_HEPATIC_START_MG = Decimal(5)
_MILLIGRAMS_PER_UNIT = {"mg": Decimal(1), "g": Decimal(1000), "microgram": Decimal("0.001")}
OPIOID_REVIEW_REASON = "lowest effective dose for the shortest time"


def checks(facts: EpisodeFacts, timings: PathwayTimings,
           calendar: WorkingCalendar) -> list[PathwayWarning | CancelUnbooked | RequiredAppointment]:
    """The pitfall warnings of the episode's medicines and the opioid monitoring reviews they call for."""
    found: list[PathwayWarning | CancelUnbooked | RequiredAppointment] = []
    for med in facts.medications:
        found += _pitfalls(med, facts.nsaid_contraindications)
        if med.category == "opioid":
            found.append(_opioid_review(med, timings, calendar))
    return found


def warnings_for(med: MedicationFact, hepatic_impairment: str,
                 nsaid_contraindications: Iterable[str]) -> list[PathwayWarning]:
    """Every warning recording this medicine brings: its hepatic warning, then its pitfalls."""
    hepatic = relaxant_hepatic_warning(med, hepatic_impairment) if med.category == "muscle_relaxant" else None
    return [*filter(None, [hepatic]), *_pitfalls(med, tuple(nsaid_contraindications))]


def relaxant_hepatic_warning(med: MedicationFact, hepatic_impairment: str) -> PathwayWarning | None:
    """The hepatic warning of a muscle relaxant, at its starting dose when known."""
    return hepatic_warning(med.id, hepatic_impairment, milligrams(med.dose_amount, med.dose_unit))


def hepatic_warning(medication_id: int, hepatic_impairment: str,
                    starting_mg: Decimal | None = None) -> PathwayWarning | None:
    """The warning a muscle relaxant needs given the patient's hepatic impairment, if any.

    ``starting_mg`` is its dose in milligrams, None when unknown (recorded before doses were
    structured, or in a unit that is not a weight): then mild impairment gives the caution.
    """
    if hepatic_impairment not in HEPATIC_IMPAIRMENTS:
        raise ValueError(
            f"hepatic impairment must be one of {', '.join(HEPATIC_IMPAIRMENTS)}; got {hepatic_impairment!r}"
        )
    # Cyclobenzaprine: 5 mg start in mild hepatic impairment, not recommended in moderate or
    # severe (reference/back-pain-stepped-care.txt, "Pharmacological Options"; DESIGN.md rule 2).
    if hepatic_impairment == "none":
        return None
    if hepatic_impairment == "mild":
        if starting_mg is not None and starting_mg > MILD_HEPATIC_START_MG:
            return PathwayWarning(
                f"hepatic:{medication_id}:above_5_mg", "hepatic_impairment",
                f"Mild hepatic impairment: start at 5 mg, not {_amount(starting_mg)} mg.", True)
        return PathwayWarning(
            f"hepatic:{medication_id}:caution", "hepatic_impairment", "Mild hepatic impairment: start at 5 mg.", False
        )
    # A separate key from the mild caution: impairment found to be worse later must still
    # raise the warning that needs acknowledging.
    return PathwayWarning(
        f"hepatic:{medication_id}:not_recommended",
        "hepatic_impairment",
        f"{hepatic_impairment.capitalize()} hepatic impairment: muscle relaxant not recommended.",
        True,
    )


def milligrams(amount: Decimal | None, unit: str | None) -> Decimal | None:
    """A dose in milligrams; None when it is not known or not given by weight."""
    if amount is None or unit not in _MILLIGRAMS_PER_UNIT:
        return None
    return Decimal(amount) * _MILLIGRAMS_PER_UNIT[unit]


def _pitfalls(med: MedicationFact, nsaid_contraindications: tuple[str, ...]) -> list[PathwayWarning]:
    if med.category == "muscle_relaxant" and med.spasm_present is False:
        return [PathwayWarning(
            f"relaxant_without_spasm:{med.id}", "relaxant_without_spasm",
            f"{med.name} started without muscle spasm recorded: the source gives muscle relaxants for the "
            "relief of muscle spasm only.", True)]
    if med.category == "nsaid" and med.stopped_on is None:
        return [PathwayWarning(
            f"nsaid_contraindicated:{med.id}:{condition}", "nsaid_contraindicated",
            f"{med.name} is an NSAID and the patient has a recorded contraindication: "
            f"{NSAID_CONTRAINDICATIONS[condition]}. The source gives NSAIDs first-line only if not contraindicated.",
            True) for condition in nsaid_contraindications]
    if med.category == "opioid":
        return [PathwayWarning(
            f"opioid:{med.id}:caution", "opioid",
            f"{med.name} is an opioid: use the lowest effective dose for the shortest time possible, "
            "with close monitoring.", False)]
    return []


def _opioid_review(med: MedicationFact, timings: PathwayTimings,
                   calendar: WorkingCalendar) -> RequiredAppointment | CancelUnbooked:
    key = f"opioid_review:{med.id}"
    due = calendar.deadline(med.started_on, timings.opioid_review_days)
    if med.stopped_on is not None and med.stopped_on <= due:
        return CancelUnbooked(key, "opioid stopped")
    return RequiredAppointment("follow_up", key, due, f"Opioid monitoring review of {med.name}: {OPIOID_REVIEW_REASON}")


def _amount(value: Decimal) -> str:
    """7.5, 10: a dose as a prescriber writes it, without trailing zeros."""
    return f"{value.normalize():f}"
