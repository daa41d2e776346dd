"""Referrals through their lifecycle, and signed letters that never change, on both databases."""
from __future__ import annotations

import hashlib
import io
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from held_letters import signed_then_superseded
from pypdf import PdfReader

from clinic_desktop.models import AuditEvent, LetterVersion, User, database_proxy, is_sqlite
from clinic_desktop.services.admin.settings import update_clinic_settings
from clinic_desktop.services.core import permissions
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from clinic_desktop.services.episodes import discharge, episode_records, episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals

PASSWORD = "correct horse battery"
MONDAY_2_JUNE = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)
TEXT = "Dear colleague,\n\nNot improved at 12 weeks; please consider surgical opinion.\n\nYours sincerely,"


CLINIC_TIME = MONDAY_2_JUNE  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def episode_id(staff):
    """An open episode of SMITH, Ann: first contact 3 Mar 2025, naproxen, high-risk STarT Back, not improved."""
    update_clinic_settings(staff.manager, name="Riverside Health Centre", address="12 Mill Lane\nLeeds LS1 4AB",
                           telephone="0113 496 0000")
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9), nhs_number="9434765919",
                                        address="4 Station Road", postcode="LS2 9ZZ")
    opened = episodes.open_episode(
        staff.clinician, patient.id, first_contact_on=date(2025, 3, 3), presentation="non_specific",
        severity="moderate", advised_stay_active=True, advised_no_bed_rest=True,
        medications=[episodes.MedicationInput("Naproxen", "nsaid", dose="500 mg twice daily")])
    episodes.record_start_back(staff.clinician, opened.episode_id, assessed_on=date(2025, 3, 17),
                               answers=[1, 1, 0, 1, 1, 1, 1, 0, 4])
    episodes.record_twelve_week_outcome(staff.clinician, opened.episode_id, recorded_on=date(2025, 5, 26),
                                        improved=False)
    return opened.episode_id


@pytest.fixture
def raised(staff, episode_id):
    return referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical",
                                    reason="Not improved at 12 weeks; radicular signs")


@pytest.fixture
def drafted(staff, raised):
    return referrals.draft_referral(staff.clinician, raised.id, TEXT)


@pytest.fixture
def signed(staff, drafted):
    return referrals.sign_referral(staff.clinician, drafted.id, PASSWORD)


def audit_count() -> int:
    return AuditEvent.select().count()


@contextmanager
def refused_without_change(staff, referral_id: int, error, match: str | None = None):
    """The block must raise error, leaving the referral as it was and writing no audit event."""
    before = referrals.get_referral(staff.clinician, referral_id)
    events = audit_count()
    with pytest.raises(error, match=match) as refused:
        yield refused
    assert referrals.get_referral(staff.clinician, referral_id) == before
    assert audit_count() == events


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def bring_to(staff, referral_id: int, status: str) -> None:
    """Move a raised referral along the lifecycle to status."""
    steps = {
        "drafted": lambda: referrals.draft_referral(staff.clinician, referral_id, TEXT),
        "signed": lambda: referrals.sign_referral(staff.clinician, referral_id, PASSWORD),
        "sent": lambda: referrals.mark_referral_sent(staff.receptionist, referral_id),
        "acknowledged": lambda: referrals.record_referral_acknowledged(staff.receptionist, referral_id),
        "closed": lambda: referrals.close_referral(staff.receptionist, referral_id),
    }
    if status == "cancelled":
        referrals.cancel_referral(staff.clinician, referral_id, "patient moved away")
        return
    for step in ("drafted", "signed", "sent", "acknowledged", "closed"):
        steps[step]()
        if step == status:
            return


# --- raising -----------------------------------------------------------------------------


def test_raised_referral_is_due_by_the_escalation_deadline_by_default(raised):
    assert raised.status == "raised"
    assert raised.kind_title == "Spinal surgical"
    assert raised.patient_name == "SMITH, Ann"
    assert raised.due_by == date(2025, 6, 16)  # Mon 2 Jun + 14 days, a working day
    assert raised.raised_at == MONDAY_2_JUNE
    assert raised.versions == ()


def test_red_flag_referral_raised_by_hand_is_due_today_and_urgent(staff, episode_id):
    record = referrals.raise_referral(staff.clinician, episode_id, kind="urgent_red_flag",
                                      reason="Saddle anaesthesia reported by phone")
    assert (record.due_by, record.urgent) == (date(2025, 6, 2), True)


def test_receptionist_may_not_raise_a_referral(staff, episode_id):
    with pytest.raises(PermissionDenied):
        referrals.raise_referral(staff.receptionist, episode_id, kind="spinal_surgical", reason="x")


def test_raising_needs_an_open_episode(staff, episode_id):
    handed = [discharge.ItemDecision(item.kind, item.item_id, "hand_over")
              for item in discharge.discharge_items(staff.clinician, episode_id) if item.needs_decision]
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2025, 6, 2), reason="improved",
                               decisions=handed, hand_over_to=staff.clinician.user_id)
    before = audit_count()
    with pytest.raises(InvalidTransition, match="SMITH, Ann is discharged; a referral needs an open episode"):
        referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="late")
    assert audit_count() == before


def test_a_second_open_referral_of_the_same_kind_is_refused(staff, episode_id, raised):
    with pytest.raises(Conflict, match=f"already has an open spinal surgical referral \\(referral {raised.id}"):
        referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="again")


def test_a_due_by_date_in_the_past_is_refused(staff, episode_id):
    with pytest.raises(ValidationError, match="^The due-by date Fri 30 May 2025 cannot be used: a referral cannot "
                                              r"be due before it is raised \(2 Jun 2025\)\.$") as refused:
        referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="x",
                                 due_by=date(2025, 5, 30))
    assert refused.value.field == "due_by"


def test_a_referral_asked_for_a_saturday_is_due_the_friday_before(staff, episode_id):
    record = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="x",
                                      due_by=date(2025, 6, 14))
    assert record.due_by == date(2025, 6, 13)


def test_an_urgent_referral_may_not_be_due_months_away(staff, episode_id):
    with pytest.raises(ValidationError, match="this referral is due no later than 2 Jun 2025") as refused:
        referrals.raise_referral(staff.clinician, episode_id, kind="urgent_red_flag", reason="Saddle anaesthesia",
                                 due_by=date(2025, 9, 1))
    assert refused.value.field == "due_by"
    assert "urgent_red_flag" not in [r.kind for r in referrals.referrals_for_episode(staff.clinician, episode_id)]


# --- drafting and previewing -------------------------------------------------------------


def test_drafting_keeps_the_clinicians_text(drafted):
    assert drafted.status == "drafted"
    assert drafted.clinician_text == TEXT


def test_a_draft_needs_text(staff, raised):
    with refused_without_change(staff, raised.id, ValidationError, "Write the letter text"):
        referrals.draft_referral(staff.clinician, raised.id, "   \n ")


def test_preview_is_an_unsigned_draft_and_stores_nothing(staff, drafted):
    before = audit_count()
    text = pdf_text(referrals.preview_letter(staff.receptionist, drafted.id))
    assert "DRAFT – not signed" in text
    assert "Not improved at 12 weeks; please consider surgical opinion." in text
    assert LetterVersion.select().count() == 0
    assert audit_count() == before


def test_letter_history_comes_from_the_record(staff, drafted):
    text = pdf_text(referrals.preview_letter(staff.clinician, drafted.id))
    for expected in (
        "Riverside Health Centre", "Telephone: 0113 496 0000",
        "SMITH, Ann", "9 Feb 1961", "943 476 5919", "4 Station Road", "LS2 9ZZ",
        "First contact 3 Mar 2025 – non-specific low back pain, moderate severity",
        "Treatments tried Advice given: stay active; no bed rest",
        "Medication Naproxen 500 mg twice daily (NSAID), started 3 Mar 2025",
        "STarT Back 17 Mar 2025: total 7 of 9, psychosocial 4 of 5 – high risk (Keele University)",
        "12-week outcome 26 May 2025: not improved",
        "Red flags none recorded", "Neurological findings none recorded",
        "To Spinal surgical service", "no later than Mon 16 Jun 2025", f"Our reference: referral {drafted.id}",
    ):
        assert expected in text


def test_a_letter_names_each_medicine_class_with_its_structured_dose_and_indication(staff, drafted, episode_id):
    for name, amount, unit, frequency, indication in (("pregabalin", "75", "mg", "twice_daily", "radicular pain"),
                                                      ("Zapain", "30", "mg", "four_times_daily", "")):
        episodes.record_medication(staff.clinician, episode_id, name=name, category="other",
                                   started_on=date(2025, 4, 7), dose_amount=Decimal(amount), dose_unit=unit,
                                   dose_frequency=frequency, indication=indication)
    text = pdf_text(referrals.preview_letter(staff.clinician, drafted.id))
    assert ("pregabalin 75 mg twice a day (neuropathic pain medicine) for radicular pain, started 7 Apr 2025"
            in text)
    assert "Zapain 30 mg four times a day (opioid), started 7 Apr 2025" in text


# --- signing -----------------------------------------------------------------------------


def test_signing_stores_version_1_bound_to_its_hash(staff, signed):
    assert signed.status == "signed"
    assert (signed.signed_by_name, signed.signed_at) == ("Dr Alys Jones", MONDAY_2_JUNE)
    [version] = signed.versions
    pdf = referrals.letter_pdf(staff.receptionist, signed.id)
    assert (version.version, version.signer_name, version.signed_at) == (1, "Dr Alys Jones", MONDAY_2_JUNE)
    assert version.sha256 == hashlib.sha256(pdf).hexdigest()


def test_signing_what_was_read_signs_it(staff, drafted):
    signed = referrals.sign_referral(staff.clinician, drafted.id, PASSWORD, as_read=TEXT)
    assert signed.status == "signed" and len(signed.versions) == 1


def test_a_draft_rewritten_since_it_was_read_is_not_signed(staff, drafted):
    referrals.draft_referral(staff.other_clinician, drafted.id, TEXT + " Also: MRI booked.")  # another workstation
    events = audit_count()
    with pytest.raises(Conflict, match="was changed on another workstation since you read it; nothing was signed"):
        referrals.sign_referral(staff.clinician, drafted.id, PASSWORD, as_read=TEXT)
    assert referrals.get_referral(staff.clinician, drafted.id).status == "drafted"
    assert audit_count() == events


def test_marking_sent_the_version_that_went_out(staff, signed):
    sent = referrals.mark_referral_sent(staff.receptionist, signed.id, version=1)
    assert sent.status == "sent"


def test_a_copy_made_before_an_amendment_is_not_marked_sent(staff, signed):
    referrals.amend_referral(staff.clinician, signed.id, clinician_text=TEXT + " Addendum.", reason="MRI result",
                             password=PASSWORD)
    with pytest.raises(Conflict, match="was amended to version 2 since version 1 was printed or exported"):
        referrals.mark_referral_sent(staff.receptionist, signed.id, version=1)
    assert referrals.get_referral(staff.receptionist, signed.id).status == "signed"


def test_signed_letter_carries_the_signature(staff, signed):
    text = pdf_text(referrals.letter_pdf(staff.receptionist, signed.id))
    assert "Signed electronically by Dr Alys Jones as referring clinician" in text
    assert "Registration number: GMC 7012345" in text
    assert "Signed: 2 Jun 2025 at 10:00 BST" in text
    assert "DRAFT" not in text


def test_signed_bytes_never_change(staff, signed):
    stored = bytes(LetterVersion.get(LetterVersion.referral == signed.id).pdf)
    assert referrals.letter_pdf(staff.receptionist, signed.id) == stored
    assert referrals.letter_pdf(staff.manager, signed.id, version=1) == stored


def test_signing_writes_an_audit_event_with_the_hash(staff, signed):
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.action == "sign_referral"
    assert event.summary == "signed letter version 1 of the spinal surgical referral for SMITH, Ann"
    assert signed.versions[0].sha256 in event.details


def test_a_wrong_password_does_not_sign(staff, drafted):
    with refused_without_change(staff, drafted.id, PermissionDenied,
                                "The password is not right; the letter was not signed."):
        referrals.sign_referral(staff.clinician, drafted.id, "wrong password")


def test_a_receptionist_cannot_sign(staff, drafted):
    with refused_without_change(staff, drafted.id, PermissionDenied, "may not sign referral"):
        referrals.sign_referral(staff.receptionist, drafted.id, PASSWORD)


def test_only_a_clinician_signs_even_if_the_permission_table_allows_others(staff, drafted, monkeypatch):
    monkeypatch.setitem(permissions.PERMISSIONS, "sign_referral", frozenset({"clinician", "practice_manager"}))
    with refused_without_change(staff, drafted.id, PermissionDenied, "only a clinician signs"):
        referrals.sign_referral(staff.manager, drafted.id, PASSWORD)


def test_a_clinician_without_a_registration_number_cannot_sign(staff, drafted):
    User.update(registration_number=None).where(User.id == staff.clinician.user_id).execute()
    with refused_without_change(staff, drafted.id, PermissionDenied, "no professional registration number"):
        referrals.sign_referral(staff.clinician, drafted.id, PASSWORD)
    assert LetterVersion.select().count() == 0


def test_an_unsigned_referral_has_no_letter_to_fetch(staff, drafted):
    with pytest.raises(NotFound, match=f"Referral {drafted.id} has no signed letter yet"):
        referrals.letter_pdf(staff.receptionist, drafted.id)


def test_tampered_letter_bytes_are_detected(staff, signed):
    """Someone with the database's owner rights can lift its write-once guard; the hash still tells."""
    stored = bytes(LetterVersion.get(LetterVersion.referral == signed.id).pdf)
    if is_sqlite():
        database_proxy.execute_sql("DROP TRIGGER letter_version_write_once_update")
    else:
        database_proxy.execute_sql("ALTER TABLE letter_version DISABLE TRIGGER letter_version_write_once")
    LetterVersion.update(pdf=stored.replace(b"GMC 7012345", b"GMC 7099999") + b"%").execute()
    with pytest.raises(ServiceError, match="This letter's PDF was changed after Dr Alys Jones signed it"):
        referrals.letter_pdf(staff.receptionist, signed.id)


# --- amending ----------------------------------------------------------------------------


def test_amending_signs_version_2_and_keeps_version_1(staff, signed):
    version_1 = referrals.letter_pdf(staff.receptionist, signed.id)
    referrals.mark_referral_sent(staff.receptionist, signed.id)
    with frozen_at(datetime(2025, 6, 3, 8, 0, tzinfo=timezone.utc)):
        amended = referrals.amend_referral(staff.other_clinician, signed.id, clinician_text=TEXT + " Urgent MRI.",
                                           reason="Added the MRI request", password=PASSWORD)
    assert (amended.status, amended.sent_at, amended.signed_by_name) == ("signed", None, "Sam Physio")
    assert [(v.version, v.amendment_reason) for v in amended.versions] == [(1, None), (2, "Added the MRI request")]
    assert referrals.letter_pdf(staff.receptionist, signed.id, version=1) == version_1
    latest = referrals.letter_pdf(staff.receptionist, signed.id)
    assert hashlib.sha256(latest).hexdigest() == amended.versions[1].sha256
    text = pdf_text(latest)
    assert "AMENDMENT – version 2 of this letter" in text
    assert "Reason for amendment: Added the MRI request" in text
    assert "Signed electronically by Sam Physio as referring clinician" in text


def test_an_amendment_needs_a_reason(staff, signed):
    with refused_without_change(staff, signed.id, ValidationError, "Give the reason for amending"):
        referrals.amend_referral(staff.clinician, signed.id, clinician_text="New text", reason=" ",
                                 password=PASSWORD)


def test_an_amendment_with_a_wrong_password_is_refused(staff, signed):
    with refused_without_change(staff, signed.id, PermissionDenied, "The password is not right"):
        referrals.amend_referral(staff.clinician, signed.id, clinician_text="New text", reason="typo",
                                 password="nope")


# --- the rest of the lifecycle -----------------------------------------------------------


def test_sent_acknowledged_and_closed_each_record_when(staff, signed):
    with frozen_at(datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)):
        sent = referrals.mark_referral_sent(staff.receptionist, signed.id)
    with frozen_at(datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)):
        acknowledged = referrals.record_referral_acknowledged(staff.receptionist, signed.id)
    with frozen_at(datetime(2025, 7, 1, 9, 0, tzinfo=timezone.utc)):
        closed = referrals.close_referral(staff.manager, signed.id)
    assert (sent.status, sent.sent_at.day) == ("sent", 3)
    assert (acknowledged.status, acknowledged.acknowledged_at.day) == ("acknowledged", 10)
    assert (closed.status, closed.closed_at.month) == ("closed", 7)
    assert closed.versions == signed.versions


def test_cancelling_a_draft_keeps_the_reason(staff, drafted):
    cancelled = referrals.cancel_referral(staff.manager, drafted.id, "Patient declined referral")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Patient declined referral")


def test_cancelling_needs_a_reason(staff, raised):
    with refused_without_change(staff, raised.id, ValidationError, "reason for cancelling"):
        referrals.cancel_referral(staff.clinician, raised.id, "")


REFUSED = [
    ("signed", "cancel", "is signed; only raised or drafted referrals can be cancelled."),
    ("sent", "cancel", "is sent; only raised or drafted referrals can be cancelled."),
    ("raised", "sign", "is raised; only drafted referrals can be signed."),
    ("signed", "sign", "is signed; only drafted referrals can be signed."),
    ("signed", "draft", "is signed; only raised or drafted referrals can be drafted."),
    ("drafted", "send", "is drafted; only signed referrals can be marked as sent."),
    ("signed", "acknowledge", "is signed; only sent referrals can be acknowledged."),
    ("sent", "close", "is sent; only acknowledged referrals can be closed."),
    ("drafted", "amend", "is drafted; only signed or sent referrals can be amended."),
    ("acknowledged", "amend", "is acknowledged; only signed or sent referrals can be amended."),
    ("cancelled", "draft", "is cancelled; only raised or drafted referrals can be drafted."),
    ("closed", "send", "is closed; only signed referrals can be marked as sent."),
]


@pytest.mark.parametrize("status, action, message", REFUSED, ids=[f"{s}-{a}" for s, a, _ in REFUSED])
def test_refused_transition_changes_nothing(staff, raised, status, action, message):
    if status != "raised":
        bring_to(staff, raised.id, status)
    attempt = {
        "cancel": lambda: referrals.cancel_referral(staff.clinician, raised.id, "no longer needed"),
        "sign": lambda: referrals.sign_referral(staff.clinician, raised.id, PASSWORD),
        "draft": lambda: referrals.draft_referral(staff.clinician, raised.id, "new text"),
        "send": lambda: referrals.mark_referral_sent(staff.receptionist, raised.id),
        "acknowledge": lambda: referrals.record_referral_acknowledged(staff.receptionist, raised.id),
        "close": lambda: referrals.close_referral(staff.receptionist, raised.id),
        "amend": lambda: referrals.amend_referral(staff.clinician, raised.id, clinician_text="new",
                                                  reason="why", password=PASSWORD),
    }[action]
    with refused_without_change(staff, raised.id, InvalidTransition) as refused:
        attempt()
    assert str(refused.value) == f"Referral {raised.id} {message}"


# --- listing -----------------------------------------------------------------------------


def test_an_episodes_referrals_list_the_pathways_and_the_hand_raised_ones(staff, episode_id, raised):
    listed = referrals.referrals_for_episode(staff.receptionist, episode_id)
    kinds = [referral.kind for referral in listed]
    assert kinds.count("spinal_surgical") == 1
    assert "biopsychosocial" in kinds and "pain_spinal_centre" in kinds
    assert [r.due_by for r in listed if not r.urgent] == sorted(r.due_by for r in listed if not r.urgent)


# --- cancelling the urgent referral, and letters held for a clinician's decision --------


@pytest.fixture
def urgent(staff, episode_id):
    return referrals.raise_referral(staff.clinician, episode_id, kind="urgent_red_flag",
                                    reason="Saddle anaesthesia reported")


def test_a_cancellation_records_who_cancelled_and_when(staff, drafted):
    cancelled = referrals.cancel_referral(staff.manager, drafted.id, "Patient declined referral")
    assert (cancelled.cancelled_by_name, cancelled.cancelled_at) == ("Morag Manager", MONDAY_2_JUNE)


def test_a_practice_manager_cannot_cancel_the_urgent_red_flag_referral(staff, urgent):
    with refused_without_change(staff, urgent.id, PermissionDenied) as refused:
        referrals.cancel_referral(staff.manager, urgent.id, "duplicate of the referral already sent by phone")
    assert str(refused.value) == ("Morag Manager is not a clinician: only a clinician cancels an urgent red-flag "
                                  "referral, with a clinical reason. Ask the clinician responsible for the patient.")


def test_the_urgent_red_flag_referral_needs_a_clinical_reason_of_a_few_words(staff, urgent):
    with refused_without_change(staff, urgent.id, ValidationError, "in a few words"):
        referrals.cancel_referral(staff.clinician, urgent.id, "not needed")


def test_a_clinician_cancels_the_urgent_referral_with_a_clinical_reason(staff, urgent):
    cancelled = referrals.cancel_referral(staff.clinician, urgent.id, "Red flags excluded on examination today")
    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by_name) == (
        "cancelled", "Red flags excluded on examination today", "Dr Alys Jones")


@pytest.fixture
def superseded(staff):
    return referrals.get_referral(staff.clinician, signed_then_superseded(staff))


def test_a_letter_whose_referral_was_superseded_is_not_sent_until_a_clinician_decides(staff, superseded):
    with refused_without_change(staff, superseded.id, referrals.SendingHeld) as refused:
        referrals.mark_referral_sent(staff.receptionist, superseded.id)
    assert str(refused.value) == (
        "JONES, Bryn's standard physiotherapy letter is held, not sent: the warning “The STarT Back risk changed "
        "to low on 2 Jun 2025, after the standard physiotherapy referral was signed but before it was sent: check "
        "whether it should still be sent.” is not acknowledged. Dr Alys Jones, the clinician responsible for the "
        "episode, must decide whether it should still go and acknowledge the warning before it can be sent.")


def test_a_held_letter_is_sent_once_the_warning_is_acknowledged(staff, superseded):
    (warning,) = [warning for warning in episode_records.get_episode(staff.clinician, superseded.episode_id)
                  .open_warnings if warning.requires_acknowledgement]  # not the prompt to agree a plan
    episodes.acknowledge_warning(staff.clinician, warning.id)
    assert referrals.sending_held(staff.receptionist, superseded.id) is None
    assert referrals.mark_referral_sent(staff.receptionist, superseded.id).status == "sent"

