"""The letterhead drawn alone, exactly as letters draw it (letters/letterhead_sample.py)."""
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from clinic_desktop.letters.layout import LetterClinic
from clinic_desktop.letters.letterhead_sample import render_letterhead_sample

CLINIC = LetterClinic("Riverside MSK Clinic", "12 Quay Street\nBristol BS1 4DJ", "0117 496 0123")


def test_the_sample_shows_the_clinic_name_address_and_telephone():
    page = PdfReader(io.BytesIO(render_letterhead_sample(CLINIC))).pages[0]
    text = page.extract_text()
    for words in ("Riverside MSK Clinic", "12 Quay Street", "Bristol BS1 4DJ", "Telephone: 0117 496 0123"):
        assert words in text


def test_the_sample_is_as_wide_as_a_letter_and_only_as_tall_as_its_letterhead():
    page = PdfReader(io.BytesIO(render_letterhead_sample(CLINIC))).pages[0]
    assert float(page.mediabox.width) == pytest.approx(A4[0], abs=0.01)
    assert 40 < float(page.mediabox.height) < 150


def test_the_same_clinic_gives_the_same_bytes():
    assert render_letterhead_sample(CLINIC) == render_letterhead_sample(CLINIC)
