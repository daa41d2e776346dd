"""What the services put into letters: destination, signer's title, logo, leaflet, and the batch export."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from PIL import Image
from pypdf import PdfReader

from clinic_desktop.models import LetterVersion, Referral, User
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import update_clinic_settings
from clinic_desktop.services.core.errors import NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes, measures
from clinic_desktop.services.episodes.initial_management import InitialManagementInput
from clinic_desktop.services.episodes.measures import MeasuresInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import destinations, letter_batch, letter_content, referrals

PASSWORD = "correct horse battery"
MONDAY_2_JUNE = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)
TEXT = "Dear colleague,\n\nPlease see this patient.\n\nYours sincerely,"
SURGERY = dict(name="Leeds General Infirmary", department="Spinal surgery",
               address="Great George Street\nLeeds LS1 3EX",
               telephone="0113 496 0700", email="spine@example.org", kinds=("spinal_surgical", "early_radicular"),
               default_for=("spinal_surgical",))


CLINIC_TIME = MONDAY_2_JUNE  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def open_episode(staff, family="Smith", given="Ann", nhs_number="9434765919") -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name=given,
                                        date_of_birth=date(1961, 2, 9), nhs_number=nhs_number,
                                        address="4 Station Road", postcode="LS2 9ZZ")
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 3, 3),
                                 presentation="non_specific", severity="moderate", advised_stay_active=True).episode_id


@pytest.fixture
def clinic(staff):
    update_clinic_settings(staff.manager, name="Riverside Health Centre", address="12 Mill Lane\nLeeds LS1 4AB",
                           telephone="0113 496 0000")


@pytest.fixture
def surgery(staff, clinic):
    return destinations.create_destination(staff.manager, **SURGERY)


@pytest.fixture
def raised(staff, clinic):
    return referrals.raise_referral(staff.clinician, open_episode(staff), kind="spinal_surgical",
                                    reason="Not improved at 12 weeks")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def sign(staff, referral_id: int, text: str = TEXT, **options):
    referrals.draft_referral(staff.clinician, referral_id, text, **options)
    return referrals.sign_referral(staff.clinician, referral_id, PASSWORD)


# --- what the letter reports -------------------------------------------------------------


def test_the_letter_reports_each_measure_of_improvement_with_its_occasion(staff, clinic):
    episode_id = open_episode(staff)
    measures.record_measures(staff.clinician, episode_id, measured_on=date(2025, 3, 3), occasion="first_contact",
                             measures=MeasuresInput(7, function_score=3), improving=None)
    measures.record_measures(staff.clinician, episode_id, measured_on=date(2025, 4, 14), improving=False,
                             measures=MeasuresInput(6, "psfs", psfs_activities=[("walking", 4), ("sitting", 5)],
                                                    global_change=5))
    referral = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="No better")
    text = pdf_text(referrals.preview_letter(staff.clinician, referral.id))
    assert ("Improvement measured 3 Mar 2025, first contact: pain 7/10, function 3/10 14 Apr 2025, ongoing "
            "evaluation: pain 6/10, PSFS 4.5/10 (walking 4, sitting 5), minimally worse (PGIC 5/7), judged not "
            "improving") in text


def test_the_letter_gives_every_answer_of_the_first_contacts_advice(staff, clinic):
    patient = patients.register_patient(staff.receptionist, family_name="Jones", given_name="Bob",
                                        date_of_birth=date(1970, 5, 1))
    advice = InitialManagementInput(reactivation_advised=True, bed_rest_advised=False, resources_online=True,
                                    resources_helpline=False, resources_paper=True, heat_advised=True,
                                    massage_advised=False)
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 3, 3),
                                       presentation="non_specific", severity="moderate",
                                       initial_management=advice).episode_id
    referral = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="No better")
    text = pdf_text(referrals.preview_letter(staff.clinician, referral.id))
    assert ("Treatments tried Advice given: Reactivation advised; bed rest not advised; resources given: online "
            "resources, paper-based information; heat advised; massage not advised") in text


# --- where the letter goes ---------------------------------------------------------------


def test_drafting_records_the_kinds_default_destination(staff, surgery, raised):
    drafted = referrals.draft_referral(staff.clinician, raised.id, TEXT)
    assert drafted.destination_id == surgery.id
    assert drafted.destination_name == "Leeds General Infirmary – Spinal surgery"
    text = pdf_text(referrals.preview_letter(staff.clinician, raised.id))
    assert "To Leeds General Infirmary Spinal surgery Great George Street Leeds LS1 3EX" in text
    assert "Telephone: 0113 496 0700" in text and "spine@example.org" in text


def test_drafting_may_choose_another_destination_that_takes_the_kind(staff, surgery, raised):
    other = destinations.create_destination(staff.manager, name="Bradford Spinal Unit", kinds=("spinal_surgical",))
    drafted = referrals.draft_referral(staff.clinician, raised.id, TEXT, destination_id=other.id)
    assert drafted.destination_id == other.id
    assert "To Bradford Spinal Unit" in pdf_text(referrals.preview_letter(staff.clinician, raised.id))


def test_a_destination_that_does_not_take_the_kind_is_refused(staff, surgery, raised):
    physio = destinations.create_destination(staff.manager, name="Physio", kinds=("standard_physiotherapy",))
    with pytest.raises(ValidationError, match="Physio does not take spinal surgical referrals") as refused:
        referrals.draft_referral(staff.clinician, raised.id, TEXT, destination_id=physio.id)
    assert refused.value.field == "destination_id"
    assert referrals.get_referral(staff.clinician, raised.id).status == "raised"


def test_an_inactive_destination_is_refused(staff, surgery, raised):
    destinations.deactivate_destination(staff.manager, surgery.id)
    with pytest.raises(ValidationError, match="is no longer in use"):
        referrals.draft_referral(staff.clinician, raised.id, TEXT, destination_id=surgery.id)


def test_a_draft_addressed_to_a_destination_since_taken_out_of_use_is_not_signed(staff, surgery, raised):
    referrals.draft_referral(staff.clinician, raised.id, TEXT)
    destinations.deactivate_destination(staff.manager, surgery.id)
    with pytest.raises(ValidationError, match="which is no longer in use; choose another destination before signing"):
        referrals.sign_referral(staff.clinician, raised.id, PASSWORD)
    assert referrals.get_referral(staff.clinician, raised.id).status == "drafted"
    other = destinations.create_destination(staff.manager, name="Bradford Spinal Unit", kinds=("spinal_surgical",))
    referrals.draft_referral(staff.clinician, raised.id, TEXT, destination_id=other.id)
    assert referrals.sign_referral(staff.clinician, raised.id, PASSWORD).status == "signed"


def test_without_a_directory_the_letter_goes_to_the_service_by_name(staff, raised):
    drafted = referrals.draft_referral(staff.clinician, raised.id, TEXT)
    assert drafted.destination_id is None
    assert "To Spinal surgical service" in pdf_text(referrals.preview_letter(staff.clinician, raised.id))


def test_a_signed_letter_keeps_its_address_when_the_directory_changes(staff, surgery, raised):
    signed = sign(staff, raised.id)
    before = referrals.letter_pdf(staff.receptionist, signed.id)
    destinations.edit_destination(staff.manager, surgery.id, address="New Building\nLeeds LS9 7TF")
    destinations.deactivate_destination(staff.manager, surgery.id)
    assert referrals.letter_pdf(staff.receptionist, signed.id) == before
    assert "Great George Street" in pdf_text(before)


def test_an_amendment_may_readdress_the_letter(staff, surgery, raised):
    signed = sign(staff, raised.id)
    other = destinations.create_destination(staff.manager, name="Bradford Spinal Unit", kinds=("spinal_surgical",))
    amended = referrals.amend_referral(staff.clinician, signed.id, clinician_text=TEXT, reason="Closer to home",
                                       password=PASSWORD, destination_id=other.id)
    assert amended.destination_id == other.id
    assert "To Bradford Spinal Unit" in pdf_text(referrals.letter_pdf(staff.receptionist, signed.id))
    assert "To Leeds General Infirmary" in pdf_text(referrals.letter_pdf(staff.receptionist, signed.id, version=1))


# --- who signed it -----------------------------------------------------------------------


def test_the_signature_prints_the_professional_title(staff, raised):
    users.set_professional_title(staff.manager, staff.clinician.user_id, "General practitioner")
    signed = sign(staff, raised.id)
    text = pdf_text(referrals.letter_pdf(staff.receptionist, signed.id))
    assert "Role: General practitioner" in text
    assert LetterVersion.get(LetterVersion.referral == signed.id).signer_role == "General practitioner"


def test_without_a_title_the_signature_prints_the_role(staff, raised):
    signed = sign(staff, raised.id)
    assert "Role: Clinician" in pdf_text(referrals.letter_pdf(staff.receptionist, signed.id))


def test_a_title_can_be_given_when_the_account_is_made(staff):
    physio = users.create_user(staff.manager, "physio2", "Pat Physio", "clinician", PASSWORD,
                               registration_number="HCPC PH999999", professional_title="Physiotherapist")
    assert User.get_by_id(physio.user_id).professional_title == "Physiotherapist"


def test_only_a_manager_sets_a_title(staff):
    with pytest.raises(PermissionDenied):
        users.set_professional_title(staff.clinician, staff.clinician.user_id, "Consultant")


# --- names in any script -----------------------------------------------------------------


def test_a_chinese_name_prints_in_the_signed_letter(staff, clinic):
    episode_id = open_episode(staff, family="Wang", given="王芳", nhs_number="4010232137")
    raised = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="not improved")
    signed = sign(staff, raised.id)
    text = pdf_text(referrals.letter_pdf(staff.receptionist, signed.id))
    assert "Patient WANG, 王芳" in text
    assert "WANG, 王芳 · NHS number 401 023 2137" in text


def test_the_letter_says_how_to_reach_the_patient_their_sex_gp_and_interpreter_need(staff, raised):
    patient_id = Referral.get_by_id(raised.id).episode.patient_id
    patients.edit_patient(staff.receptionist, patient_id, sex="female", mobile="07700 900123",
                          telephone="0113 496 0001", gp_practice_name="Riverside Medical Practice",
                          gp_practice_ods="L99001", interpreter_language="Polish")
    text = pdf_text(referrals.letter_pdf(staff.receptionist, sign(staff, raised.id).id))
    assert "Sex Female" in text
    assert "Telephone 07700 900123 (mobile)" in text and "0113 496 0001" in text
    assert "GP practice Riverside Medical Practice" in text and "(ODS L99001)" in text
    assert "Interpreter needed: Polish" in text


def test_a_letter_says_what_is_not_recorded_and_that_no_interpreter_is_needed(staff, raised):
    text = pdf_text(referrals.letter_pdf(staff.receptionist, sign(staff, raised.id).id))
    assert "Sex not recorded" in text and "Telephone not recorded" in text
    assert "GP practice not recorded Interpreter not needed" in text


# --- the letterhead logo -----------------------------------------------------------------


def png(size=(200, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_set_by_the_manager_prints_on_new_letters(staff, raised):
    letter_content.set_letterhead_logo(staff.manager, png())
    data = referrals.preview_letter(staff.clinician, raised.id)
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1
    assert letter_content.letterhead_logo() == png()


def test_a_removed_logo_no_longer_prints(staff, raised):
    letter_content.set_letterhead_logo(staff.manager, png())
    letter_content.set_letterhead_logo(staff.manager, None)
    data = referrals.preview_letter(staff.clinician, raised.id)
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 0


def test_a_logo_that_is_not_a_picture_is_refused(staff):
    with pytest.raises(ValidationError, match="not a PNG or JPEG image that can be read"):
        letter_content.set_letterhead_logo(staff.manager, b"%PDF-1.4 not a picture")


def test_a_logo_in_another_format_is_refused(staff):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(ValidationError, match="The logo is a GIF image; use PNG or JPEG"):
        letter_content.set_letterhead_logo(staff.manager, buffer.getvalue())


def test_a_huge_logo_is_refused(staff):
    with pytest.raises(ValidationError, match="The logo is too large"):
        letter_content.set_letterhead_logo(staff.manager, b"\x89PNG" + b"0" * (600 * 1024))


# --- the patient's leaflet ---------------------------------------------------------------


def test_the_leaflet_is_personalised_for_the_patient(staff, clinic):
    patient = patients.register_patient(staff.receptionist, family_name="O'Brien", given_name="Siobhán",
                                        date_of_birth=date(1970, 5, 1))
    text = pdf_text(letter_content.patient_leaflet_pdf(staff.receptionist, patient.id))
    assert "For Siobhán O'Brien, from Riverside Health Centre, 2 Jun 2025" in text
    assert "O'BRIEN, Siobhán · NHS number not recorded" in text
    assert len(PdfReader(io.BytesIO(letter_content.patient_leaflet_pdf(staff.receptionist, patient.id))).pages) == 1


def test_a_leaflet_for_nobody_is_not_found(staff):
    with pytest.raises(NotFound, match="There is no patient 404"):
        letter_content.patient_leaflet_pdf(staff.receptionist, 404)


# --- the batch of signed, unsent letters -------------------------------------------------


@pytest.fixture
def three_signed(staff, clinic):
    """Three signed letters for three patients; a fourth referral only drafted, a fifth sent."""
    ids = []
    for family, nhs in (("Smith", "9434765919"), ("Jones", "4010232137"), ("Khan", "9990001006")):
        raised = referrals.raise_referral(staff.clinician, open_episode(staff, family=family, nhs_number=nhs),
                                          kind="spinal_surgical", reason="not improved")
        ids.append(sign(staff, raised.id).id)
    drafted = referrals.raise_referral(staff.clinician, open_episode(staff, family="Draft", nhs_number="9990001014"),
                                       kind="spinal_surgical", reason="x")
    referrals.draft_referral(staff.clinician, drafted.id, TEXT)
    sent = referrals.raise_referral(staff.clinician, open_episode(staff, family="Sent", nhs_number="9990001022"),
                                    kind="spinal_surgical", reason="x")
    sign(staff, sent.id)
    referrals.mark_referral_sent(staff.receptionist, sent.id)
    return ids


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_the_batch_lists_signed_unsent_letters_page_by_page(staff, three_signed):
    first = letter_batch.signed_unsent_letters(staff.receptionist, limit=2)
    rest = letter_batch.signed_unsent_letters(staff.receptionist, after_referral_id=first[-1].referral_id, limit=2)
    assert [letter.referral_id for letter in first + rest] == three_signed
    assert [letter.patient_name for letter in first + rest] == ["SMITH, Ann", "JONES, Ann", "KHAN, Ann"]


def test_exporting_writes_each_letter_once_and_marks_none_sent(staff, three_signed, out):
    report = letter_batch.export_signed_unsent(staff.receptionist, out, page_size=2)
    names = sorted(path.name for path in out.iterdir())
    assert names == sorted(f"{family}-Ann_referral-{referral_id}_v1.pdf"
                           for family, referral_id in zip(("SMITH", "JONES", "KHAN"), three_signed))
    assert len(report.written) == 3 and report.skipped == ()
    for path, referral_id in zip(report.written, three_signed):
        assert path.read_bytes() == referrals.letter_pdf(staff.receptionist, referral_id)
    assert {Referral.get_by_id(referral_id).status for referral_id in three_signed} == {"signed"}


def test_an_amended_letter_is_exported_as_its_latest_version(staff, three_signed, out):
    referrals.amend_referral(staff.clinician, three_signed[0], clinician_text=TEXT + " MRI.", reason="MRI added",
                             password=PASSWORD)
    letter_batch.export_signed_unsent(staff.receptionist, out)
    assert f"SMITH-Ann_referral-{three_signed[0]}_v2.pdf" in {path.name for path in out.iterdir()}
    assert f"SMITH-Ann_referral-{three_signed[0]}_v1.pdf" not in {path.name for path in out.iterdir()}


def test_a_letter_sent_while_the_batch_runs_is_left_out(staff, three_signed, out):
    def send_the_last_one(letter):
        if letter.referral_id == three_signed[0]:
            referrals.mark_referral_sent(staff.receptionist, three_signed[2])

    report = letter_batch.export_signed_unsent(staff.receptionist, out, progress=send_the_last_one)
    assert report.skipped == (three_signed[2],)
    assert len(report.written) == 2


def test_a_clinician_may_not_export_the_batch(staff, three_signed, out):
    with pytest.raises(PermissionDenied):
        letter_batch.export_signed_unsent(staff.clinician, out)


def test_file_names_are_safe_for_any_name():
    letter = letter_batch.UnsentLetter(referral_id=7, version=2, patient_name="O'BRIEN <b>&amp;, 王芳/../x",
                                       kind_title="Spinal surgical", urgent=False, due_by=date(2025, 6, 2),
                                       signed_at=MONDAY_2_JUNE, sha256="0" * 64)
    assert letter.file_name == "O-BRIEN-b-amp-王芳-x_referral-7_v2.pdf"
