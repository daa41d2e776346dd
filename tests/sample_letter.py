"""A typical signed referral letter, as plain data: shared by the letter tests and the benchmarks."""
from __future__ import annotations

from datetime import date, datetime, timezone

from clinic_desktop.letters.referral_letter import (
    HistoryEntry,
    LetterClinic,
    LetterPatient,
    LetterRecipient,
    LetterSigner,
    ReferralLetter,
)

SIGNER = LetterSigner("Dr Alys Jones", "General practitioner", "GMC 7012345",
                      signed_at_utc=datetime(2025, 1, 14, 16, 5, tzinfo=timezone.utc))
RECIPIENT = LetterRecipient("Leeds Community Physiotherapy", "MSK physiotherapy",
                            "St Mary's Hospital\nGreenhill Road\nLeeds LS12 3QE", "0113 496 0500",
                            "physio@example.org")
HISTORY = (
    HistoryEntry("First contact", ("30 Dec 2024 – non-specific low back pain, moderate severity",)),
    HistoryEntry("Treatments tried", ("Advice given: stay active; no bed rest",)),
    HistoryEntry("Medication", ("Naproxen 500 mg (NSAID), started 30 Dec 2024",
                                "Cyclobenzaprine 5 mg (muscle relaxant), started 30 Dec 2024, stopped 13 Jan 2025")),
    HistoryEntry("Red flags", ("none recorded",)),
    HistoryEntry("Neurological findings", ("6 Jan 2025: no severe radicular pain; no neurological deficit",)),
    HistoryEntry("STarT Back", ("13 Jan 2025: total 5 of 9, psychosocial 2 of 5 – medium risk (Keele University)",)),
    HistoryEntry("12-week outcome", ("not yet recorded",)),
)
LETTER = ReferralLetter(
    clinic=LetterClinic("Riverside Health Centre", "12 Mill Lane\nLeeds LS1 4AB", "0113 496 0000"),
    patient=LetterPatient("SMITH, Ann", date(1961, 2, 9), "943 476 5919", "4 Station Road\nLeeds LS2 9ZZ"),
    referral_kind="standard_physiotherapy",
    kind_title="Standard physiotherapy",
    urgent=False,
    due_by=date(2025, 1, 27),
    reason="STarT Back medium risk on 13 Jan 2025: standard physiotherapy",
    history=HISTORY,
    clinician_text="Dear colleague,\n\nPlease assess and treat.\n\nYours sincerely,",
    recipient=RECIPIENT,
    referral_id=42,
    signer=SIGNER,
)
