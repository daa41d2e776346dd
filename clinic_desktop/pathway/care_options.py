"""The words of care the source names, as the record stores them: one place for every list.

reference/back-pain-stepped-care.txt names the first contact's advice and self-care
resources, the non-pharmacological options a management plan chooses from, the lifestyle
changes, what to ask for after 12 weeks without improvement and for radicular pain. The
forms offer these, the database keeps each column to its keys (models import them for their
CHECK constraints), the rules read them and the letters print their labels, so a choice is
spelled the same everywhere. Each mapping is key -> label, in the order a form lists them.
"""

# Medicine classes (reference, "Pharmacological Options"): "neuropathic" is the class the
# source names for radicular pain; duloxetine sits there too.
MEDICATION_CATEGORIES = ("nsaid", "topical", "muscle_relaxant", "opioid", "neuropathic", "other")
MEDICATION_CATEGORY_LABELS = {
    "nsaid": "NSAID",
    "topical": "Topical analgesic",
    "muscle_relaxant": "Muscle relaxant",
    "opioid": "Opioid",
    "neuropathic": "Neuropathic pain medicine",
    "other": "Other",
}
# Doses are structured so the rules can compare them (a relaxant above 5 mg to start with
# mild hepatic impairment): amount, unit, how often.
DOSE_UNITS = {"mg": "mg", "g": "g", "microgram": "micrograms", "ml": "ml", "patch": "patch", "application": "application"}
DOSE_FREQUENCIES = {
    "once_daily": "once a day",
    "twice_daily": "twice a day",
    "three_times_daily": "three times a day",
    "four_times_daily": "four times a day",
    "at_night": "at night",
    "as_needed": "when needed",
    "weekly": "once a week",
}
# Recorded on the patient, like hepatic impairment: an NSAID started despite one needs acknowledging.
NSAID_CONTRAINDICATIONS = {
    "gi_bleed_or_ulcer": "Gastrointestinal bleed or peptic ulcer history",
    "renal_impairment": "Renal impairment",
    "anticoagulant": "Taking an anticoagulant",
    "heart_failure": "Heart failure",
    "nsaid_sensitive_asthma": "NSAID-sensitive asthma",
}

# First contact (reference, "Initial Management"): each is answered yes or no, never assumed.
SELF_CARE_RESOURCES = {
    "resources_online": "Online resources",
    "resources_helpline": "Telephone helpline",
    "resources_paper": "Paper-based information",
}

# A patient-centred management plan (reference, "Non-Pharmacological Options" and the high-risk
# "specialised physiotherapy with skills to provide a biopsychosocial approach").
TREATMENTS = {
    "supervised_exercise": "Supervised exercise, individually tailored (stretching and strengthening)",
    "spinal_manipulation": "Spinal manipulation",
    "massage": "Massage therapy",
    "heat": "Heat therapy",
    "cbt": "Cognitive behavioural therapy",
    "progressive_relaxation": "Progressive relaxation",
    "yoga": "Yoga",
    "biopsychosocial_physiotherapy": "Physiotherapy with a biopsychosocial approach",
}
# Done to the patient rather than by them: a plan of these alone is a listed pitfall.
PASSIVE_TREATMENTS = frozenset({"spinal_manipulation", "massage", "heat"})
# What answers "overlooking psychosocial factors" for a patient at high risk.
PSYCHOSOCIAL_TREATMENTS = frozenset({"cbt", "biopsychosocial_physiotherapy"})
LIFESTYLE_CHANGES = {
    "stay_active": "Stay active rather than resting",
    "workplace_accommodations": "Workplace accommodations (anti-fatigue mats, adjustable surfaces, lifting technique)",
    "activity_modification": "Modify activities (avoid prolonged standing, take regular breaks, limit heavy lifting)",
    "weight_management": "Weight management",
}

IMAGING_MODALITIES = {"x_ray": "X-ray", "mri": "MRI", "ct": "CT", "other": "Other imaging"}

# Improvement, measured: when the measures were taken.
MEASURE_OCCASIONS = {
    "first_contact": "First contact",
    "two_week_review": "2-week review",
    "ongoing_evaluation": "Ongoing evaluation",
    "twelve_week_check": "12-week check",
}
FUNCTION_SCALES = {"nrs": "Function, 0–10", "psfs": "Patient-Specific Functional Scale"}
# The patient's global impression of change (PGIC), 1 to 7.
GLOBAL_CHANGE = {
    1: "Very much improved",
    2: "Much improved",
    3: "Minimally improved",
    4: "No change",
    5: "Minimally worse",
    6: "Much worse",
    7: "Very much worse",
}

# What a letter may ask for (reference, "Specialized Management" and "Special Considerations
# for Radicular Pain"), by referral kind; chosen by the clinician and printed in the letter.
REQUESTED_OPTIONS = {
    "pain_spinal_centre": {
        "mdt_biopsychosocial": "Biopsychosocial assessment in a multidisciplinary team",
        "complex_medication": "Complex medication management (opioids, neuropathic pain medicines)",
        "high_intensity_cbt": "High-intensity cognitive behavioural therapy",
        "spinal_surgical_opinion": "Opinion of the specialist spinal surgical service",
    },
    "early_radicular": {
        "epidural_injection": "Consideration of image-guided epidural steroid injection",
        "coordinated_rehabilitation": "Rehabilitation coordinated with periods of pain relief",
    },
}
