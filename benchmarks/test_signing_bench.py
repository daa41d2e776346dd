"""How long signing a letter takes, and checking every stored letter (``audit verify``, ``letters verify``).

Signing, as ``sign_referral`` does it after the password check: open the clinician's key
(PBKDF2-SHA256, 200,000 rounds), render the letter with its identity, sign it as PAdES.
Checking: 1,000 signed letters stored as signing stores them (signed_clinic.py), each
checked as a served letter is (signature validated by pyHanko against the clinic's
authority, identity against its row, hash against its signing event). 10,000 letters would
take some minutes to build here, so the figure for 10,000 is the 1,000's time times ten,
and is marked as extrapolated: the check reads a batch at a time, so it grows linearly.
"""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from measuring import built_here, record
from sample_letter import LETTER
from signed_clinic import PASSWORD, add_signed_letter, add_signer, sign
from small_clinic import new_clinic

from clinic_desktop.letters import pdf_signature
from clinic_desktop.letters.referral_letter import render_referral_letter
from clinic_desktop.models import SigningKey, bind_database
from clinic_desktop.services.audit import letters_verify
from clinic_desktop.services.core.actor import Actor

LETTERS = 1_000
EXTRAPOLATED_TO = 10_000
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """An SQLite clinic holding 1,000 letters signed as the services sign them."""
    began = time.perf_counter()
    database = new_clinic(tmp_path_factory.mktemp("signing"), NOW)
    with database.atomic():
        signer = add_signer(NOW)
        for number in range(1, LETTERS + 1):
            add_signed_letter(number, signer, NOW)
    yield database, signer, time.perf_counter() - began
    database.close()


def test_signing_one_letter(benchmark, clinic):
    database, signer, _ = clinic
    bind_database(database)
    stored_key = SigningKey.get().encrypted_key
    strong_key = pdf_signature.encrypt_key(signer.key, PASSWORD)  # at the real cost, not the helper's cheap one
    assert stored_key and strong_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    letter = replace(LETTER, keywords=pdf_signature.LetterIdentity(1, 1, "9434765919", 1).keywords)

    def sign_one() -> bytes:
        key = pdf_signature.decrypt_key(strong_key, PASSWORD)
        return sign(render_referral_letter(letter), replace(signer, key=key), NOW)

    pdf = benchmark(sign_one)
    assert pdf_signature.check_signature(pdf, [signer.authority]).problem is None
    started = time.perf_counter()
    pdf_signature.decrypt_key(strong_key, PASSWORD)
    key_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    sign(render_referral_letter(letter), signer, NOW)
    sign_ms = (time.perf_counter() - started) * 1000
    record(benchmark, "signing: one letter (open key, render, PAdES sign)", built_here("one letter"),
           open_key_ms=round(key_ms, 1), render_and_sign_ms=round(sign_ms, 1), pdf_bytes=len(pdf))


def test_verifying_every_stored_letter(benchmark, clinic):
    database, _, build_seconds = clinic
    bind_database(database)
    report = benchmark.pedantic(lambda: letters_verify.verify_letters(Actor.command_line()), rounds=2, iterations=1)
    assert (report.checked, report.intact, report.hash_only) == (LETTERS, True, 0)
    figures = record(benchmark, f"signing: verify {LETTERS:,} stored letters", built_here(f"{LETTERS:,} signed letters",
                                                                                      build_seconds))
    if "median_ms" in figures:
        per_letter = figures["median_ms"] / LETTERS
        figures.update(per_letter_ms=round(per_letter, 2),
                       extrapolated_10000_letters_s=round(per_letter * EXTRAPOLATED_TO / 1000, 1))
        benchmark.extra_info.update(figures)
