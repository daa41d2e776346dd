"""What a printed document says, gathered from the record in one place.

The renderers in ``letters`` take plain data; this module reads the clinic settings and
letterhead logo, the patient, the referral, its destination and the episode's pathway
history and turns them into that data. It also keeps the letterhead logo and prints the
patient's self-management leaflet.
"""
from __future__ import annotations

import base64
import io
import json
from datetime import datetime

from PIL import Image, UnidentifiedImageError

from clinic_desktop.letters.letter_data import (
    HistoryEntry,
    LetterClinic,
    LetterPatient,
    LetterRecipient,
    LetterSigner,
    PatientLeaflet,
    PlanDetails,
    ReferralLetter,
    day_text,
)
from clinic_desktop.models import (
    ClinicSetting,
    Episode,
    Medication,
    Patient,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    ReferralDestination,
    StartBackAssessment,
    User,
)
from clinic_desktop.models.care import InitialManagement
from clinic_desktop.pathway.care_options import REQUESTED_OPTIONS, SELF_CARE_RESOURCES
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.advice_words import advice_in_words
from clinic_desktop.services.episodes.measures import episode_measures
from clinic_desktop.services.episodes.medications import category_words
from clinic_desktop.services.episodes.pathway_sync import REFERRAL_LABELS, capitalised, latest_outcome, split_lines
from clinic_desktop.services.episodes.plan_records import latest_plan, plan_details
from clinic_desktop.services.patients.nhs_number import format_nhs_number

__all__ = ["LOGO_MAX_BYTES", "LOGO_SETTING", "SIGNATURE_MEANING", "kind_title", "letter_clinic", "letterhead_logo",
           "pathway_history", "patient_identity", "patient_leaflet_pdf", "referral_letter", "set_letterhead_logo",
           "signed_role", "signer_for"]

SIGNATURE_MEANING = "referring clinician"
LOGO_SETTING = "letterhead_logo"
LOGO_MAX_BYTES = 512 * 1024
_LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG"}

_PRESENTATIONS = {"non_specific": "non-specific low back pain", "radicular": "radicular pain"}
_DONE_REFERRAL_STATES = {"sent": "sent", "acknowledged": "acknowledged", "closed": "closed"}
# The letters that carry the patient-centred management plan: the services that take it on.
_PLAN_LETTERS = ("standard_physiotherapy", "biopsychosocial")


def kind_title(kind: str) -> str:
    """"Spinal surgical": the kind as the worklists name it, without the word "referral"."""
    return capitalised(REFERRAL_LABELS[kind].removesuffix(" referral"))


def signed_role(user: User) -> str:
    """What the letter calls the signer: their professional title, else their role."""
    return (user.professional_title or "").strip() or user.role.replace("_", " ").capitalize()


def signer_for(user: User, signed_at: datetime) -> LetterSigner:
    return LetterSigner(
        name=user.full_name,
        role=signed_role(user),
        registration_number=user.registration_number or "",
        signed_at_utc=signed_at,
        meaning=SIGNATURE_MEANING,
    )


def letter_clinic() -> LetterClinic:
    settings = load_settings()
    return LetterClinic(settings.name, settings.address, settings.telephone, settings.time_zone, letterhead_logo())


def referral_letter(referral: Referral, *, clinician_text: str, version: int = 1,
                    amendment_reason: str | None = None, signer: LetterSigner | None = None,
                    destination: ReferralDestination | None = None, keywords: str = "") -> ReferralLetter:
    """The letter for ``referral`` with the given text; signer None gives the draft.

    ``keywords``: the signed letter's identity, for the PDF's Keywords (pdf_signature.LetterIdentity)."""
    episode = referral.episode
    return ReferralLetter(
        clinic=letter_clinic(),
        patient=_letter_patient(episode.patient),
        referral_kind=referral.kind,
        kind_title=kind_title(referral.kind),
        urgent=referral.urgent,
        due_by=referral.due_by,
        reason=referral.reason,
        history=pathway_history(episode, referral.id),
        clinician_text=clinician_text,
        recipient=_recipient(destination),
        referral_id=referral.id,
        version=version,
        amendment_reason=amendment_reason,
        signer=signer,
        plan=_letter_plan(episode) if referral.kind in _PLAN_LETTERS else None,
        requested_options=tuple(REQUESTED_OPTIONS[referral.kind][key]
                                for key in split_lines(referral.requested_options)),
        keywords=keywords,
    )


def _letter_plan(episode: Episode) -> PlanDetails | None:
    plan = latest_plan(episode)
    return plan_details(plan) if plan else None


def _recipient(destination: ReferralDestination | None) -> LetterRecipient | None:
    if destination is None:
        return None
    return LetterRecipient(destination.name, destination.department, destination.address, destination.telephone,
                           destination.email)


def _letter_patient(patient: Patient) -> LetterPatient:
    address = "\n".join(part for part in (patient.address.strip(), patient.postcode.strip()) if part)
    return LetterPatient(
        name=patient.display_name,
        date_of_birth=patient.date_of_birth,
        nhs_number_display=_nhs_number(patient),
        address=address,
        sex=patient.sex, mobile=patient.mobile, telephone=patient.telephone,
        gp_practice_name=patient.gp_practice_name, gp_practice_ods=patient.gp_practice_ods,
        interpreter_language=patient.interpreter_language,
    )


def _nhs_number(patient: Patient) -> str:
    return format_nhs_number(patient.nhs_number) if patient.nhs_number else "not recorded"


def patient_identity(patient: Patient) -> str:
    """Who a patient's printout is about, for its footer: "SMITH, Ann · NHS number 943 476 5919"."""
    return f"{patient.display_name} · NHS number {_nhs_number(patient)}"


def pathway_history(episode: Episode, referral_id: int | None = None) -> tuple[HistoryEntry, ...]:
    """The pathway so far, a row a subject, in the order a referral recipient reads it."""
    entries = [
        HistoryEntry("First contact", (f"{day_text(episode.first_contact_on)} – "
                                       f"{_PRESENTATIONS.get(episode.presentation, episode.presentation)}, "
                                       f"{episode.severity} severity",)),
        HistoryEntry("Treatments tried", (_advice_line(episode), *_earlier_referral_lines(episode, referral_id))),
        HistoryEntry("Medication", _medication_lines(episode)),
    ]
    hepatic = episode.patient.hepatic_impairment
    if hepatic != "none":
        entries.append(HistoryEntry("Hepatic impairment", (hepatic,)))
    entries += [
        HistoryEntry("Red flags", _red_flag_lines(episode)),
        HistoryEntry("Neurological findings", _radicular_lines(episode)),
        HistoryEntry("STarT Back", (_start_back_line(episode),)),
        HistoryEntry("Improvement measured", _measure_lines(episode)),
        HistoryEntry("12-week outcome", (_outcome_line(episode),)),
    ]
    return tuple(entries)


def _advice_line(episode: Episode) -> str:
    """Every answer of the first contact's advice; for an episode from before it was asked
    question by question (schema 6), the ticks it had then."""
    advice = InitialManagement.get_or_none(InitialManagement.episode == episode.id)
    if advice is not None:
        return f"Advice given: {advice_in_words(advice)}"
    given = [text for flag, text in (
        (episode.advised_stay_active, "stay active"),
        (episode.advised_no_bed_rest, "no bed rest"),
        (episode.self_care_education, "self-care education"),
    ) if flag]
    return f"Advice given: {'; '.join(given) if given else 'none recorded'}"


def _earlier_referral_lines(episode: Episode, referral_id: int | None) -> list[str]:
    """Referrals of this episode that already went out: treatment the patient has been offered."""
    rows = (Referral.select().where(Referral.episode == episode, Referral.status.in_(list(_DONE_REFERRAL_STATES)),
                                    Referral.id != (referral_id or 0))
            .order_by(Referral.sent_at, Referral.id))
    return [f"{capitalised(REFERRAL_LABELS[row.kind])} sent {day_text(_local_day(row.sent_at))}"
            + ("" if row.status == "sent" else f" ({_DONE_REFERRAL_STATES[row.status]})") for row in rows]


def _local_day(moment: datetime | None):
    return moment.astimezone(load_settings().zone).date() if moment else None


def _medication_lines(episode: Episode) -> tuple[str, ...]:
    medicines = (Medication.select().where(Medication.episode == episode)
                 .order_by(Medication.started_on, Medication.id))
    lines = []
    for medicine in medicines:
        # The dose's words are composed from its structured parts when it has them (medications.dose_wording).
        name = " ".join(part for part in (medicine.name.strip(), medicine.dose.strip()) if part)
        indication = f" for {medicine.indication}" if medicine.indication else ""
        line = f"{name} ({category_words(medicine.category)}){indication}, started {day_text(medicine.started_on)}"
        if medicine.stopped_on:
            line += f", stopped {day_text(medicine.stopped_on)}"
        lines.append(line)
    return tuple(lines) or ("none recorded",)


def _red_flag_lines(episode: Episode) -> tuple[str, ...]:
    records = (RedFlagRecord.select().where(RedFlagRecord.episode == episode)
               .order_by(RedFlagRecord.recorded_on, RedFlagRecord.id))
    lines = []
    for record in records:
        flags = "; ".join(flag.strip() for flag in record.flags.splitlines() if flag.strip()) or "none"
        lines.append(f"{day_text(record.recorded_on)}: {flags}{_notes(record.notes)}")
    return tuple(lines) or ("none recorded",)


def _radicular_lines(episode: Episode) -> tuple[str, ...]:
    records = (RadicularStatus.select().where(RadicularStatus.episode == episode)
               .order_by(RadicularStatus.recorded_on, RadicularStatus.id))
    lines = []
    for record in records:
        pain = "severe radicular pain" if record.severe_radicular_pain else "no severe radicular pain"
        deficit = "neurological deficit" if record.neurological_deficit else "no neurological deficit"
        lines.append(f"{day_text(record.recorded_on)}: {pain}; {deficit}{_notes(record.notes)}")
    return tuple(lines) or ("none recorded",)


def _start_back_line(episode: Episode) -> str:
    latest = (StartBackAssessment.select().where(StartBackAssessment.episode == episode)
              .order_by(StartBackAssessment.assessed_on.desc(), StartBackAssessment.id.desc()).first())
    if latest is None:
        return "not yet recorded"
    return (f"{day_text(latest.assessed_on)}: total {latest.total} of 9, psychosocial {latest.psychosocial} of 5 "
            f"– {latest.risk} risk (Keele University)")


def _measure_lines(episode: Episode) -> tuple[str, ...]:
    """Pain, function and the impression of change at each visit, so the reader sees the course."""
    return tuple(f"{day_text(record.measured_on)}, {record.occasion_label.lower()}: {record.summary}"
                 for record in episode_measures(episode.id)) or ("none recorded",)


def _outcome_line(episode: Episode) -> str:
    outcome = latest_outcome(episode.id)
    if outcome is None:
        return "not yet recorded"
    result = "improved" if outcome.improved else "not improved"
    return f"{day_text(outcome.recorded_on)}: {result}{_notes(outcome.notes)}"


def _notes(notes: str) -> str:
    notes = " ".join(notes.split())
    return f" – {notes}" if notes else ""


# --- the letterhead logo -------------------------------------------------------------------


def letterhead_logo() -> bytes | None:
    """The logo's image bytes, kept in the database so every workstation prints the same letterhead."""
    row = ClinicSetting.get_or_none(ClinicSetting.name == LOGO_SETTING)
    if row is None:
        return None
    stored = json.loads(row.value)
    return base64.b64decode(stored["data"]) if stored else None


@service("manage_settings")
def set_letterhead_logo(actor, image: bytes | None) -> None:
    """Print ``image`` (PNG or JPEG, at most 512 KB) at the top of every new letter; None removes it.

    Letters already signed keep the letterhead they were signed with.
    """
    if image is None:
        stored, summary = None, "removed the letterhead logo"
    else:
        kind, size = _checked_logo(image)
        stored = {"format": kind, "data": base64.b64encode(bytes(image)).decode("ascii")}
        summary = f"set the letterhead logo ({kind}, {size[0]} × {size[1]} pixels)"
    value = json.dumps(stored)
    ClinicSetting.insert(name=LOGO_SETTING, value=value).on_conflict(
        conflict_target=[ClinicSetting.name], update={ClinicSetting.value: value}).execute()
    audit.record(actor, "set_letterhead_logo", Entity.CLINIC_SETTING, None, summary)


def _checked_logo(image) -> tuple[str, tuple[int, int]]:
    if not isinstance(image, (bytes, bytearray)):
        raise ValidationError("The logo must be the bytes of a PNG or JPEG image.", field="logo")
    if len(image) > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo is too large ({len(image) // 1024} KB; at most "
                              f"{LOGO_MAX_BYTES // 1024} KB).", field="logo")
    try:
        with Image.open(io.BytesIO(image)) as picture:
            kind, size = picture.format, picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("The logo is not a PNG or JPEG image that can be read.", field="logo") from None
    if kind not in _LOGO_FORMATS:
        raise ValidationError(f"The logo is a {kind} image; use PNG or JPEG.", field="logo")
    return _LOGO_FORMATS[kind], size


# --- the patient's leaflet -----------------------------------------------------------------


@service("view_patient", changes=False)
def patient_leaflet_pdf(actor, patient_id: int) -> bytes:
    """The one-page self-management leaflet, with the patient's name, the clinic's details and the
    self-care resources given at the latest episode's first contact."""
    patient_id = validation.record_id(patient_id, "patient")
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise NotFound(f"There is no patient {patient_id}.")
    from clinic_desktop.letters.patient_leaflet import render_patient_leaflet  # reportlab: only once a PDF is drawn

    return render_patient_leaflet(PatientLeaflet(
        clinic=letter_clinic(),
        patient_name=f"{patient.given_name} {patient.family_name}".strip(),
        patient_identity=patient_identity(patient),
        printed_on=clock.today(load_settings().zone),
        **_resources_given(patient),
    ))


def _resources_given(patient: Patient) -> dict:
    """The latest episode's self-care resources given, by key, and its first contact; none when not asked."""
    latest = (Episode.select().where(Episode.patient == patient.id)
              .order_by(Episode.first_contact_on.desc(), Episode.id.desc()).first())
    advice = latest and InitialManagement.get_or_none(InitialManagement.episode == latest.id)
    if advice is None:
        return {}
    return {"resources_given": tuple(key for key in SELF_CARE_RESOURCES if getattr(advice, key)),
            "given_on": latest.first_contact_on}
