"""Medicines the clinic prescribes for back pain, each with its class, so the rules see a class.

The pathway's rules for muscle relaxants (the hepatic warning, the medication review by day
21, the decision to stop or keep one on) key on the category. A relaxant typed under
"other", or named with its strength ("diazepam 2 mg"), must not slip past them, so a name
that names a listed relaxant is a muscle relaxant whatever category was typed; any other
listed name takes its listed class. A name not on the list keeps the category typed with
it: the list helps, it does not forbid.
"""

from dataclasses import dataclass

from clinic_desktop.pathway.care_options import MEDICATION_CATEGORIES


@dataclass(frozen=True)
class Medicine:
    name: str  # as offered and stored: lower case, single spaces
    category: str


def _listed(category: str, *names: str) -> tuple[Medicine, ...]:
    return tuple(Medicine(name, category) for name in names)


# Skeletal muscle relaxants (reference/back-pain-stepped-care.txt, "Pharmacological Options",
# names cyclobenzaprine; the others are the same class or used as one, diazepam included),
# with their common UK and US brand names, so a brand cannot hide the class either.
_RELAXANTS = _listed(
    "muscle_relaxant",
    "baclofen", "carisoprodol", "chlorzoxazone", "cyclobenzaprine", "dantrolene", "diazepam", "metaxalone",
    "methocarbamol", "orphenadrine", "tizanidine",
    "amrix", "fexmid", "flexeril", "lioresal", "lyflex", "norflex", "parafon forte", "robaxin", "skelaxin",
    "soma", "valium", "zanaflex",
)
_NSAIDS = _listed(
    "nsaid",
    "aceclofenac", "aspirin", "celecoxib", "dexketoprofen", "diclofenac", "etodolac", "etoricoxib",
    "flurbiprofen", "ibuprofen", "indometacin", "ketoprofen", "mefenamic acid", "meloxicam", "nabumetone",
    "naproxen",
    "arcoxia", "brufen", "celebrex", "naprosyn", "nurofen", "voltarol",
)
_TOPICALS = _listed(
    "topical",
    "capsaicin cream", "diclofenac gel", "ibuprofen gel", "ketoprofen gel", "lidocaine plaster",
    "piroxicam gel", "voltarol gel",
)
_OTHERS = _listed(
    "other",
    "amitriptyline", "codeine", "co-codamol", "duloxetine", "gabapentin", "paracetamol", "pregabalin", "tramadol",
)
MEDICINES: tuple[Medicine, ...] = tuple(sorted(_RELAXANTS + _NSAIDS + _TOPICALS + _OTHERS,
                                               key=lambda medicine: medicine.name))
_BY_NAME = {medicine.name: medicine for medicine in MEDICINES}
_RELAXANT_NAMES = frozenset(medicine.name for medicine in _RELAXANTS)


def tidy_name(name: str) -> str:
    """The name as the list spells names: lower case, one space between words."""
    return " ".join(name.casefold().split())


def listed_medicine(name: str) -> Medicine | None:
    """The listed medicine this name is, spelled in any case or spacing; None when not listed."""
    return _BY_NAME.get(tidy_name(name))


def medicine_category(name: str, typed: str) -> str:
    """The category to record: a listed relaxant named anywhere in the name, else the listed
    class of the name, else the category typed."""
    if typed not in MEDICATION_CATEGORIES:
        raise ValueError(f"medication category must be one of {', '.join(MEDICATION_CATEGORIES)}; got {typed!r}")
    tidied = tidy_name(name)
    if _names_a_relaxant(tidied):
        return "muscle_relaxant"
    listed = _BY_NAME.get(tidied)
    return listed.category if listed else typed


def _names_a_relaxant(tidied: str) -> bool:
    words = tidied.replace("-", " ").replace("/", " ").replace("(", " ").replace(")", " ").split()
    spans = {" ".join(words[start:end]) for start in range(len(words)) for end in (start + 1, start + 2)}
    return bool(spans & _RELAXANT_NAMES)
