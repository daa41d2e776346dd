"""What a referral letter says, gathered from the record in one place.

The renderer in ``letters`` takes plain data; this module reads the clinic settings, the
patient, the referral and the episode's pathway history and turns them into that data.
"""
from __future__ import annotations

from datetime import datetime

from clinic_desktop.letters.referral_letter import (
    LetterClinic,
    LetterPatient,
    LetterSigner,
    ReferralLetter,
    day_text,
)
from clinic_desktop.models import (
    Episode,
    Medication,
    Patient,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    StartBackAssessment,
    User,
)
from clinic_desktop.services.pathway_sync import (
    REFERRAL_LABELS,
    capitalised,
    latest_outcome,
)
from clinic_desktop.services.patients import format_nhs_number
from clinic_desktop.services.settings import load_settings

SIGNATURE_MEANING = "referring clinician"

_PRESENTATIONS = {"non_specific": "non-specific low back pain", "radicular": "radicular pain"}
_MEDICATION_CATEGORIES = {
    "nsaid": "NSAID",
    "topical": "topical analgesic",
    "muscle_relaxant": "muscle relaxant",
    "other": "other",
}


def kind_title(kind: str) -> str:
    """"Spinal surgical": the kind as the worklists name it, without the word "referral"."""
    return capitalised(REFERRAL_LABELS[kind].removesuffix(" referral"))


def signer_for(user: User, signed_at: datetime) -> LetterSigner:
    return LetterSigner(
        name=user.full_name,
        role=user.role.replace("_", " ").capitalize(),
        registration_number=user.registration_number or "",
        signed_at_utc=signed_at,
        meaning=SIGNATURE_MEANING,
    )


def referral_letter(referral: Referral, *, clinician_text: str, version: int = 1,
                    amendment_reason: str | None = None, signer: LetterSigner | None = None) -> ReferralLetter:
    """The letter for ``referral`` with the given text; signer None gives the draft."""
    settings = load_settings()
    episode = referral.episode
    return ReferralLetter(
        clinic=LetterClinic(settings.name, settings.address, settings.telephone, settings.time_zone),
        patient=_letter_patient(episode.patient),
        referral_kind=referral.kind,
        kind_title=kind_title(referral.kind),
        urgent=referral.urgent,
        due_by=referral.due_by,
        reason=referral.reason,
        history_lines=history_lines(episode),
        clinician_text=clinician_text,
        version=version,
        amendment_reason=amendment_reason,
        signer=signer,
    )


def _letter_patient(patient: Patient) -> LetterPatient:
    address = "\n".join(part for part in (patient.address.strip(), patient.postcode.strip()) if part)
    return LetterPatient(
        name=patient.display_name,
        date_of_birth=patient.date_of_birth,
        nhs_number_display=format_nhs_number(patient.nhs_number) if patient.nhs_number else "not recorded",
        address=address,
    )


def history_lines(episode: Episode) -> tuple[str, ...]:
    """The pathway so far, one line a fact, in the order a referral recipient reads it."""
    lines = [
        f"First contact: {day_text(episode.first_contact_on)} – "
        f"{_PRESENTATIONS.get(episode.presentation, episode.presentation)} ({episode.severity})",
        _advice_line(episode),
    ]
    hepatic = episode.patient.hepatic_impairment
    if hepatic != "none":
        lines.append(f"Hepatic impairment: {hepatic}")
    lines += _medication_lines(episode)
    lines += _red_flag_lines(episode)
    lines += _radicular_lines(episode)
    lines.append(_start_back_line(episode))
    lines.append(_outcome_line(episode))
    return tuple(lines)


def _advice_line(episode: Episode) -> str:
    given = [text for flag, text in (
        (episode.advised_stay_active, "stay active"),
        (episode.advised_no_bed_rest, "no bed rest"),
        (episode.self_care_education, "self-care education"),
    ) if flag]
    return f"Advice given: {'; '.join(given) if given else 'none recorded'}"


def _medication_lines(episode: Episode) -> list[str]:
    medicines = (Medication.select().where(Medication.episode == episode)
                 .order_by(Medication.started_on, Medication.id))
    lines = []
    for medicine in medicines:
        name = " ".join(part for part in (medicine.name.strip(), medicine.dose.strip()) if part)
        line = (f"Medication: {name} ({_MEDICATION_CATEGORIES.get(medicine.category, medicine.category)}), "
                f"started {day_text(medicine.started_on)}")
        if medicine.stopped_on:
            line += f", stopped {day_text(medicine.stopped_on)}"
        lines.append(line)
    return lines or ["Medication: none recorded"]


def _red_flag_lines(episode: Episode) -> list[str]:
    records = (RedFlagRecord.select().where(RedFlagRecord.episode == episode)
               .order_by(RedFlagRecord.recorded_on, RedFlagRecord.id))
    lines = []
    for record in records:
        flags = "; ".join(flag.strip() for flag in record.flags.splitlines() if flag.strip()) or "none"
        lines.append(f"Red flags recorded {day_text(record.recorded_on)}: {flags}{_notes(record.notes)}")
    return lines or ["Red flags: none recorded"]


def _radicular_lines(episode: Episode) -> list[str]:
    records = (RadicularStatus.select().where(RadicularStatus.episode == episode)
               .order_by(RadicularStatus.recorded_on, RadicularStatus.id))
    lines = []
    for record in records:
        pain = "severe radicular pain" if record.severe_radicular_pain else "no severe radicular pain"
        deficit = "neurological deficit" if record.neurological_deficit else "no neurological deficit"
        lines.append(f"Radicular / neurological findings {day_text(record.recorded_on)}: "
                     f"{pain}; {deficit}{_notes(record.notes)}")
    return lines or ["Radicular pain / neurological deficit: none recorded"]


def _start_back_line(episode: Episode) -> str:
    latest = (StartBackAssessment.select().where(StartBackAssessment.episode == episode)
              .order_by(StartBackAssessment.assessed_on.desc(), StartBackAssessment.id.desc()).first())
    if latest is None:
        return "STarT Back (Keele University): not yet recorded"
    return (f"STarT Back (Keele University), latest {day_text(latest.assessed_on)}: total {latest.total} of 9, "
            f"psychosocial {latest.psychosocial} of 5 – {latest.risk} risk")


def _outcome_line(episode: Episode) -> str:
    outcome = latest_outcome(episode.id)
    if outcome is None:
        return "12-week outcome: not yet recorded"
    result = "improved" if outcome.improved else "not improved"
    return f"12-week outcome {day_text(outcome.recorded_on)}: {result}{_notes(outcome.notes)}"


def _notes(notes: str) -> str:
    notes = " ".join(notes.split())
    return f" – {notes}" if notes else ""
