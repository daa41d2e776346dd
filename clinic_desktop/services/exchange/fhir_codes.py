"""Every identifier system and standard code the FHIR export writes, each with where it was checked.

A receiving system acts on codes, not on our words: a referral coded with the wrong concept is
filed under the wrong service. So every code here was looked up in a published source (named in
the comment beside it) before it was used, the display is that source's wording, and our own
words always travel beside it as CodeableConcept.text. A concept for which no code could be
checked is not coded at all (NOT_CODED says why) rather than given a guessed one.
docs/interop/fhir.md lists the same codes; tests/services/exchange/test_fhir_codes.py reads that
table and compares it with this module, so the two cannot drift apart.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["APPOINTMENT_TYPE", "Coded", "EPISODE_TYPE", "EPISODE_OF_CARE_EXTENSION", "GMC_NUMBER", "HCPC_NUMBER",
           "IDENTIFIER_SYSTEMS", "LETTER_TYPE", "LOINC", "NHS_NUMBER", "NMC_NUMBER", "NOT_CODED",
           "ODS_ORGANISATION_CODE", "PAIN_NOW", "REFERRAL_CATEGORY", "REFERRAL_CODES", "SNOMED",
           "START_BACK_PSYCHOSOCIAL", "START_BACK_RISK", "START_BACK_RISK_ANSWERS", "START_BACK_TOTAL",
           "SURVEY_CATEGORY", "URI_IDENTIFIER", "codeable", "every_coding"]


class Coded(NamedTuple):
    """One code of one code system, with the display its publisher gives it."""

    system: str
    code: str
    display: str

    def coding(self) -> dict:
        return {"system": self.system, "code": self.code, "display": self.display}


SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"

# --- Identifier systems -------------------------------------------------------------------------
# UK Core (NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN, commit 3d2827e):
# structuredefinitions/UKCore-Patient.xml fixes Patient.identifier:nhsNumber.system to this URI.
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
# UK Core structuredefinitions/UKCore-Organization.xml fixes Organization.identifier:odsOrganisationCode.system.
ODS_ORGANISATION_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
# UK Core guides/UK-Core-Implementation-Guide-STU3-Sequence/Home/ProfilesandExtensions/UKCore-Practitioner/
# identifier.page.md, "Common practitioner identifiers": GMC "7 digits OR L + 6 digits", NMC "8 character
# alphanumeric pin", HCPC "up to 6 numbers, and starts with 2 letters, for example PH123456". The same three
# URIs are required by NHS England's Digital Medicines guide (NHSDigital/IOPS-FHIR-Simplifier-Backup,
# ImplementationGuideforDigitalMedicines/backup/Elementidentifier-duplicate-7.md).
GMC_NUMBER = "https://fhir.hl7.org.uk/Id/gmc-number"
NMC_NUMBER = "https://fhir.hl7.org.uk/Id/nmc-number"
HCPC_NUMBER = "https://fhir.hl7.org.uk/Id/hcpc-number"
# FHIR R4 Identifier (https://hl7.org/fhir/R4/datatypes.html#Identifier): a value that is a URI, here the
# Bundle's own urn:uuid, has the system urn:ietf:rfc:3986.
URI_IDENTIFIER = "urn:ietf:rfc:3986"
IDENTIFIER_SYSTEMS = {
    "Bundle identifier (its urn:uuid)": URI_IDENTIFIER,
    "NHS number": NHS_NUMBER,
    "ODS organisation code": ODS_ORGANISATION_CODE,
    "GMC registration number": GMC_NUMBER,
    "NMC registration number": NMC_NUMBER,
    "HCPC registration number": HCPC_NUMBER,
}

# HL7 FHIR R4 (4.0.1) core extension "workflow-episodeOfCare", whose context includes Observation
# (https://hl7.org/fhir/r4/extension-workflow-episodeofcare.json.html): R4's Observation has no
# element for the episode it belongs to.
EPISODE_OF_CARE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"

# --- Referrals (ServiceRequest) -----------------------------------------------------------------
# SNOMED CT 3457005 |Patient referral (procedure)|: tx.fhir.org's SNOMED browser, UK edition 20230412
# (https://tx-dev.fhir.org/snomed/83821000000107-20230412/?id=3457005&type=snomed), preferred term "Patient referral".
REFERRAL_CATEGORY = Coded(SNOMED, "3457005", "Patient referral")
# The referral concepts below are members of HL7's SNOMED CT "Patient referral" value set
# (http://hl7.org/fhir/STU3/valueset-referral-type.html, all descendants of 3457005; checked in its generated
# expansion, fhir-typescript/fhir-typescript core/r3/dist/fhirValueSets/ReferralTypeCodes.d.ts).
_PHYSIOTHERAPY = Coded(SNOMED, "306170007", "Referral to physiotherapy service")
REFERRAL_CODES: dict[str, Coded | None] = {
    "standard_physiotherapy": _PHYSIOTHERAPY,
    # "Specialised physiotherapy with skills to provide a biopsychosocial approach" (the source, line 50):
    # a physiotherapy referral; our text says which kind. SNOMED has no biopsychosocial-assessment referral.
    "biopsychosocial": _PHYSIOTHERAPY,
    # "Specialist pain centre / specialist spinal centre" (the source, line 75).
    "pain_spinal_centre": Coded(SNOMED, "306109009", "Referral to pain management service"),
    # "Specialist spinal surgical service" (the source, line 79): 183541002 is true of every surgical referral;
    # no narrower spinal-surgery referral concept was found in a published source.
    "spinal_surgical": Coded(SNOMED, "183541002", "Referral to surgeon"),
    "early_radicular": None,  # see NOT_CODED
    "urgent_red_flag": Coded(SNOMED, "134403003", "Urgent referral"),
}

# --- Appointments -------------------------------------------------------------------------------
# Appointment.appointmentType's preferred binding in FHIR R4 is HL7 v2 table 0276
# (https://www.hl7.org/fhir/2018Dec/v2/0276/v2-0276.cs.canonical.xml): every visit the pathway books
# (2-week review, medication review, 12-week check, follow-up) follows the first contact.
APPOINTMENT_TYPE = Coded("http://terminology.hl7.org/CodeSystem/v2-0276", "FOLLOWUP",
                         "A follow up visit from a previous appointment")

# --- Letters (DocumentReference) ----------------------------------------------------------------
# LOINC 57133-1 "Referral note", the document code of HL7 C-CDA R2.1's Referral Note and a member of FHIR's
# document class value set (http://hl7.org/fhir/ValueSet/document-classcodes).
LETTER_TYPE = Coded(LOINC, "57133-1", "Referral note")

# --- Episodes -----------------------------------------------------------------------------------
# SNOMED CT 279039007 |Low back pain (finding)|: NCBI MedGen C0024031 lists it as SNOMED CT "Low back pain
# (279039007)" (https://www.ncbi.nlm.nih.gov/medgen/7389).
EPISODE_TYPE = Coded(SNOMED, "279039007", "Low back pain")

# --- Observations -------------------------------------------------------------------------------
# HL7 observation-category "survey" (FHIR R4 http://terminology.hl7.org/CodeSystem/observation-category).
SURVEY_CATEGORY = Coded("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")
# LOINC 72514-3 (https://loinc.org/72514-3): pain severity 0-10, 0 no pain and 10 the worst imaginable.
PAIN_NOW = Coded(LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
# The Keele STarT Back Screening Tool panel, LOINC 91349-1 (https://loinc.org/91349-1): its scores and risk.
START_BACK_TOTAL = Coded(LOINC, "91351-7", "Total score [STarT Back]")
# https://loinc.org/91350-9: "the sum of items 5 through 9 ... also referred to as the psych score".
START_BACK_PSYCHOSOCIAL = Coded(LOINC, "91350-9", "Distress subscore [STarT Back]")
START_BACK_RISK = Coded(LOINC, "91352-5", "STarT Back Screening risk level")
# The normative answer list LL3578-3 of 91352-5 (https://loinc.org/91352-5).
START_BACK_RISK_ANSWERS = {
    "low": Coded(LOINC, "LA9194-7", "Low"),
    "medium": Coded(LOINC, "LA8982-6", "Medium"),
    "high": Coded(LOINC, "LA9193-9", "High"),
}

# What the export leaves as text only, and why (docs/interop/fhir.md lists the same).
NOT_CODED = {
    "Early radicular referral": "no published SNOMED CT referral concept names the service a patient with severe "
                                "radicular pain is sent to; coding it as a generic referral would say nothing",
    "Function, 0-10 rating": "the clinic's own 0-10 function question has no LOINC or SNOMED CT code",
    "Patient-Specific Functional Scale": "no LOINC or SNOMED CT code for the PSFS mean was found in a "
                                         "published source",
    "Patient's global impression of change": "no LOINC or SNOMED CT code for the 7-point PGIC was found in a "
                                             "published source",
    "Practitioner registration number that names no register": "a number without GMC, NMC or HCPC before it "
                                                               "could belong to any register: no system is guessed",
}


def codeable(coded: Coded | None, text: str) -> dict:
    """A CodeableConcept: the standard code when there is one, and always our own words."""
    if coded is None:
        return {"text": text}
    return {"coding": [coded.coding()], "text": text}


def every_coding() -> set[Coded]:
    """Every code this module can write, for the test that compares them with the documentation."""
    found = {REFERRAL_CATEGORY, APPOINTMENT_TYPE, LETTER_TYPE, EPISODE_TYPE, SURVEY_CATEGORY, PAIN_NOW,
             START_BACK_TOTAL, START_BACK_PSYCHOSOCIAL, START_BACK_RISK}
    found |= {coded for coded in REFERRAL_CODES.values() if coded is not None}
    found |= set(START_BACK_RISK_ANSWERS.values())
    return found
