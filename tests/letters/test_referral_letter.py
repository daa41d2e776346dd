"""The referral letter PDF, read back as text the way a recipient's software would read it."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from sample_letter import HISTORY, LETTER, RECIPIENT, SIGNER

from clinic_desktop.letters.referral_letter import HistoryEntry, ReferralLetter, render_referral_letter
from clinic_desktop.letters.wording import WORDING

MARKUP = "O'Brien <b>&amp;"


def pages_text(data: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces, so wrapped lines still match."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def letter_text(letter: ReferralLetter) -> str:
    return " ".join(pages_text(render_referral_letter(letter)))


def fonts(data: bytes) -> dict[str, dict]:
    """Every font the pages use, by base name, as their dictionaries."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def test_signed_letter_prints_every_field():
    text = letter_text(LETTER)
    for expected in (
        "Riverside Health Centre", "12 Mill Lane", "Leeds LS1 4AB", "Telephone: 0113 496 0000",
        "To Leeds Community Physiotherapy", "MSK physiotherapy", "St Mary's Hospital", "Leeds LS12 3QE",
        "0113 496 0500", "physio@example.org",
        "Date: 14 Jan 2025", "Our reference: referral 42", "Referral: Standard physiotherapy",
        "Patient SMITH, Ann", "Date of birth 9 Feb 1961", "NHS number 943 476 5919", "4 Station Road",
        "Leeds LS2 9ZZ",
        "STarT Back medium risk on 13 Jan 2025: standard physiotherapy",
        "routine – please see the patient no later than Mon 27 Jan 2025",
        "Dear colleague,", "Please assess and treat.", "Yours sincerely,",
        "Signed electronically by Dr Alys Jones as referring clinician",
        "Role: General practitioner", "Registration number: GMC 7012345",
        "Signed: 14 Jan 2025 at 16:05 GMT", "sign letter version 1 with a digital signature",
    ):
        assert expected in text
    for entry in HISTORY:
        assert entry.label in text
        for line in entry.lines:
            assert line in text


def test_signing_time_is_shown_in_british_summer_time_in_summer():
    summer = replace(SIGNER, signed_at_utc=datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc))
    text = letter_text(replace(LETTER, signer=summer))
    assert "Signed: 1 Jul 2025 at 00:30 BST" in text
    assert "Date: 1 Jul 2025" in text


def test_signing_time_is_shown_in_the_clinics_own_time_zone():
    dublin_clinic = replace(LETTER.clinic, time_zone="Europe/Dublin")
    late = replace(SIGNER, signed_at_utc=datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert "Signed: 1 Jul 2025 at 00:30 IST" in letter_text(replace(LETTER, clinic=dublin_clinic, signer=late))


@pytest.mark.parametrize("kind", list(WORDING))
def test_each_kind_asks_for_its_own_service(kind):
    text = letter_text(replace(LETTER, referral_kind=kind, recipient=None))
    assert f"To {WORDING[kind].service}" in text
    assert " ".join(WORDING[kind].request.split()) in text


def test_the_six_kinds_have_six_different_requests():
    assert len({wording.request for wording in WORDING.values()}) == 6
    assert set(WORDING) == {"standard_physiotherapy", "biopsychosocial", "pain_spinal_centre", "spinal_surgical",
                            "early_radicular", "urgent_red_flag"}


def test_urgent_letter_says_urgent_with_its_due_date():
    text = letter_text(replace(LETTER, referral_kind="urgent_red_flag", kind_title="Urgent red-flag", urgent=True,
                               due_by=date(2025, 1, 14)))
    assert "URGENT referral: Urgent red-flag" in text
    assert "Urgency: URGENT – please see the patient by Tue 14 Jan 2025" in text
    assert "need assessment today" in text


def test_long_letter_numbers_every_page_and_names_the_patient_on_each():
    long_text = "\n\n".join(f"Paragraph {number}: " + "the pain persists despite treatment. " * 12
                            for number in range(1, 16))
    pages = pages_text(render_referral_letter(replace(LETTER, clinician_text=long_text)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "SMITH, Ann · NHS number 943 476 5919" in page


def test_typical_letter_fits_on_one_page_with_its_signature():
    pages = pages_text(render_referral_letter(LETTER))
    assert len(pages) == 1
    assert "Page 1 of 1" in pages[0]


def test_the_signature_never_stands_alone_on_the_last_page():
    text = "\n\n".join(f"Paragraph {number}: " + "more detail about the pain. " * 10 for number in range(1, 6))
    pages = pages_text(render_referral_letter(replace(LETTER, clinician_text=text + "\n\nYours sincerely,")))
    last = pages[-1]
    assert "Signed electronically by" in last
    assert "Yours sincerely," in last


def test_typed_markup_prints_literally():
    letter = replace(
        LETTER,
        clinic=replace(LETTER.clinic, name=f"{MARKUP} Clinic", address=f"1 {MARKUP} Road"),
        patient=replace(LETTER.patient, name=MARKUP, address=f"1 {MARKUP} Street"),
        recipient=replace(RECIPIENT, name=f"{MARKUP} Hospital", department=f"{MARKUP} ward"),
        reason=f"Reason {MARKUP}",
        history=(HistoryEntry("Medication", (f"History {MARKUP}",)),),
        clinician_text=f"Text {MARKUP} &nbsp; <i>not italic</i> <br/> <font size=30>big</font>",
        version=2,
        amendment_reason=f"Amended {MARKUP}",
        signer=replace(SIGNER, name=f"Dr {MARKUP}", role=f"Physio {MARKUP}", registration_number=f"HCPC {MARKUP}"),
    )
    text = letter_text(letter)
    for expected in (f"{MARKUP} Clinic", f"1 {MARKUP} Road", f"1 {MARKUP} Street", f"{MARKUP} Hospital",
                     f"{MARKUP} ward", f"Reason {MARKUP}", f"History {MARKUP}",
                     f"Text {MARKUP} &nbsp; <i>not italic</i> <br/> <font size=30>big</font>",
                     f"Reason for amendment: Amended {MARKUP}", f"Signed electronically by Dr {MARKUP}",
                     f"Role: Physio {MARKUP}", f"Registration number: HCPC {MARKUP}", f"{MARKUP} · NHS number"):
        assert expected in text


NAMES = "WANG, 王芳 (Zoë Siobhán Łukasz)"


def test_names_beyond_latin_print_with_embedded_fonts():
    data = render_referral_letter(replace(LETTER, patient=replace(LETTER.patient, name=NAMES)))
    text = " ".join(pages_text(data))
    assert f"Patient {NAMES}" in text
    assert f"{NAMES} · NHS number 943 476 5919" in text  # the footer, drawn on the canvas
    used = fonts(data)
    assert any(name.endswith("+DejaVuSans") for name in used), used
    assert any(name.endswith("+DroidSansFallback") for name in used), used


def test_every_font_in_a_letter_is_embedded():
    data = render_referral_letter(replace(LETTER, patient=replace(LETTER.patient, name=NAMES)))
    for name, font in fonts(data).items():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
            else font["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), name


def test_a_latin_letter_does_not_use_the_cjk_font():
    assert not any("DroidSansFallback" in name for name in fonts(render_referral_letter(LETTER)))


def test_same_letter_gives_identical_bytes():
    assert render_referral_letter(LETTER) == render_referral_letter(replace(LETTER))


def test_same_letter_with_cjk_and_a_logo_gives_identical_bytes():
    letter = replace(LETTER, clinic=replace(LETTER.clinic, logo=_png()),
                     patient=replace(LETTER.patient, name=NAMES))
    assert render_referral_letter(letter) == render_referral_letter(replace(letter))


def test_a_changed_letter_gives_different_bytes():
    assert render_referral_letter(LETTER) != render_referral_letter(replace(LETTER, reason="Another reason"))


def test_draft_is_marked_on_every_page_and_has_no_signature():
    long_text = "\n\n".join("More detail. " * 60 for _ in range(6))
    pages = pages_text(render_referral_letter(replace(LETTER, signer=None, clinician_text=long_text)))
    assert len(pages) >= 2
    assert all("DRAFT – not signed" in page for page in pages)
    assert not any("Signed electronically" in page for page in pages)
    assert "Date: (set when signed)" in pages[0]


def test_amendment_is_marked_with_its_version_and_reason():
    text = letter_text(replace(LETTER, version=2, amendment_reason="Naproxen dose corrected to 250 mg"))
    assert "AMENDMENT – version 2 of this letter. It replaces version 1, which is kept on record." in text
    assert "Reason for amendment: Naproxen dose corrected to 250 mg" in text
    assert "Amendment · letter version 2" in text
    assert "sign letter version 2" in text


def test_first_version_is_not_marked_as_an_amendment():
    text = letter_text(LETTER)
    assert "AMENDMENT" not in text and "Amendment" not in text
    assert "Letter version 1" in text


def test_letter_without_a_recipient_goes_to_the_kinds_service():
    assert "To Physiotherapy service" in letter_text(replace(LETTER, recipient=None))


def test_logo_is_printed_in_the_letterhead():
    data = render_referral_letter(replace(LETTER, clinic=replace(LETTER.clinic, logo=_png())))
    images = PdfReader(io.BytesIO(data)).pages[0].images
    assert len(images) == 1
    assert "Riverside Health Centre" in " ".join(pages_text(data))


def test_letter_without_a_logo_has_no_image():
    assert len(PdfReader(io.BytesIO(render_referral_letter(LETTER))).pages[0].images) == 0


def _png(size=(240, 120)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 110, 160)).save(buffer, "PNG")
    return buffer.getvalue()
