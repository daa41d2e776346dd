"""The referral letter PDF, read back as text the way a recipient's software would read it."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from clinic_desktop.letters.referral_letter import (
    LetterClinic,
    LetterPatient,
    LetterSigner,
    ReferralLetter,
    render_referral_letter,
)

MARKUP = "O'Brien <b>&amp;"

SIGNER = LetterSigner("Dr Alys Jones", "Clinician", "GMC 7012345",
                      signed_at_utc=datetime(2025, 1, 14, 16, 5, tzinfo=timezone.utc))
LETTER = ReferralLetter(
    clinic=LetterClinic("Riverside Health Centre", "12 Mill Lane\nLeeds LS1 4AB", "0113 496 0000"),
    patient=LetterPatient("SMITH, Ann", date(1961, 2, 9), "943 476 5919", "4 Station Road\nLeeds LS2 9ZZ"),
    referral_kind="standard_physiotherapy",
    kind_title="Standard physiotherapy",
    urgent=False,
    due_by=date(2025, 1, 27),
    reason="STarT Back medium risk on 13 Jan 2025: standard physiotherapy",
    history_lines=(
        "First contact: 30 Dec 2024 – non-specific low back pain, moderate severity",
        "Medication: Naproxen 500 mg (NSAID), started 30 Dec 2024",
        "STarT Back (Keele University), latest 13 Jan 2025: total 5 of 9, psychosocial 2 of 5 – medium risk",
    ),
    clinician_text="Dear colleague,\n\nPlease assess and treat.\n\nYours sincerely,",
    signer=SIGNER,
)


def pages_text(data: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces, so wrapped lines still match."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def letter_text(letter: ReferralLetter) -> str:
    return " ".join(pages_text(render_referral_letter(letter)))


def test_signed_letter_prints_every_field():
    text = letter_text(LETTER)
    for expected in (
        "Riverside Health Centre", "12 Mill Lane", "Leeds LS1 4AB", "Telephone: 0113 496 0000",
        "Date: 14 Jan 2025",
        "Physiotherapy service", "Referral: Standard physiotherapy",
        "SMITH, Ann", "9 Feb 1961", "943 476 5919", "4 Station Road", "Leeds LS2 9ZZ",
        "STarT Back medium risk on 13 Jan 2025: standard physiotherapy",
        "routine – please see the patient no later than Mon 27 Jan 2025",
        *LETTER.history_lines,
        "Dear colleague,", "Please assess and treat.", "Yours sincerely,",
        "Signed electronically by Dr Alys Jones as referring clinician",
        "Role: Clinician", "Registration number: GMC 7012345",
        "Signed: 14 Jan 2025 at 16:05 GMT",
    ):
        assert expected in text


def test_signing_time_is_shown_in_british_summer_time_in_summer():
    summer = replace(SIGNER, signed_at_utc=datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc))
    text = letter_text(replace(LETTER, signer=summer))
    assert "Signed: 1 Jul 2025 at 00:30 BST" in text
    assert "Date: 1 Jul 2025" in text


def test_signing_time_is_shown_in_the_clinics_own_time_zone():
    dublin_clinic = replace(LETTER.clinic, time_zone="Europe/Dublin")
    late = replace(SIGNER, signed_at_utc=datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert "Signed: 1 Jul 2025 at 00:30 IST" in letter_text(replace(LETTER, clinic=dublin_clinic, signer=late))


@pytest.mark.parametrize("kind, recipient", [
    ("standard_physiotherapy", "Physiotherapy service"),
    ("biopsychosocial", "Biopsychosocial assessment / specialised physiotherapy"),
    ("pain_spinal_centre", "Specialist pain centre / spinal centre"),
    ("spinal_surgical", "Spinal surgical service"),
    ("early_radicular", "Early radicular referral"),
    ("urgent_red_flag", "URGENT: red-flag referral"),
])
def test_recipient_line_follows_the_referral_kind(kind, recipient):
    assert f"To {recipient}" in letter_text(replace(LETTER, referral_kind=kind))


def test_urgent_letter_says_urgent_with_its_due_date():
    text = letter_text(replace(LETTER, urgent=True, due_by=date(2025, 1, 14)))
    assert "Urgency: URGENT – please see the patient by Tue 14 Jan 2025" in text


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


def test_typed_markup_prints_literally():
    letter = replace(
        LETTER,
        clinic=replace(LETTER.clinic, name=f"{MARKUP} Clinic"),
        patient=replace(LETTER.patient, name=MARKUP, address=f"1 {MARKUP} Street"),
        reason=f"Reason {MARKUP}",
        history_lines=(f"History {MARKUP}",),
        clinician_text=f"Text {MARKUP} &nbsp; <i>not italic</i>",
    )
    text = letter_text(letter)
    for expected in (f"{MARKUP} Clinic", f"1 {MARKUP} Street", f"Reason {MARKUP}", f"History {MARKUP}",
                     f"Text {MARKUP} &nbsp; <i>not italic</i>", f"{MARKUP} · NHS number"):
        assert expected in text


def test_names_beyond_latin_1_print_with_the_embedded_font():
    data = render_referral_letter(replace(LETTER, patient=replace(LETTER.patient, name="NOWAK, Zoë Siobhán Łukasz")))
    text = " ".join(pages_text(data))
    assert "NOWAK, Zoë Siobhán Łukasz" in text
    fonts = {str(font["/BaseFont"]) for font in _page_fonts(data)}
    assert any(name.endswith("+DejaVuSans") for name in fonts), fonts


def test_same_letter_gives_identical_bytes():
    assert render_referral_letter(LETTER) == render_referral_letter(replace(LETTER))


def test_a_changed_letter_gives_different_bytes():
    assert render_referral_letter(LETTER) != render_referral_letter(replace(LETTER, reason="Another reason"))


def test_draft_is_marked_on_every_page_and_has_no_signature():
    long_text = "\n\n".join("More detail. " * 60 for _ in range(6))
    pages = pages_text(render_referral_letter(replace(LETTER, signer=None, clinician_text=long_text)))
    assert len(pages) >= 2
    assert all("DRAFT – not signed" in page for page in pages)
    assert not any("Signed electronically" in page for page in pages)


def test_amended_version_shows_its_version_and_reason():
    text = letter_text(replace(LETTER, version=2, amendment_reason="Naproxen dose corrected to 250 mg"))
    assert "AMENDED LETTER – version 2" in text
    assert "This version replaces version 1" in text
    assert "Reason for amendment: Naproxen dose corrected to 250 mg" in text


def test_first_version_has_no_amendment_banner():
    assert "AMENDED LETTER" not in letter_text(LETTER)


def _page_fonts(data: bytes):
    for page in PdfReader(io.BytesIO(data)).pages:
        yield from (font.get_object() for font in page["/Resources"]["/Font"].values())
