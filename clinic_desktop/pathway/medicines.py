"""Medicines the clinic prescribes for back pain, each with its class, so the rules see a class.

The pathway's rules key on the category: a muscle relaxant's hepatic warnings, spasm check,
medication review by day 21 and decision to stop or keep it on; an opioid's monitoring
review; an NSAID's contraindications. A relaxant or opioid typed under "other", or named
with its strength ("diazepam 2 mg", "co-codamol 30/500"), must not slip past them, so a
name that names a listed relaxant, opioid or neuropathic pain medicine anywhere in it takes
that class whatever category was typed (a relaxant first: it has the most rules); any other
listed name, said exactly, takes its listed class. A name not on the list keeps the
category typed with it: the list helps, it does not forbid.
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
# Opioids (reference, "Pharmacological Options": "lowest effective dose for shortest time
# possible with close monitoring"), combinations with paracetamol included, and their brands.
_OPIOIDS = _listed(
    "opioid",
    "buprenorphine", "codeine", "co-codamol", "co-dydramol", "dihydrocodeine", "fentanyl", "morphine",
    "oxycodone", "tapentadol", "tramadol",
    "butrans", "dhc continus", "durogesic", "mst continus", "nucynta", "oramorph", "oxycontin", "oxynorm",
    "palexia", "solpadol", "temgesic", "transtec", "tylex", "ultram", "zamadol", "zapain", "zomorph", "zydol",
)
# Neuropathic pain medicines, the source's class for radicular pain (duloxetine is named
# for chronic back pain too), and their brands.
_NEUROPATHIC = _listed(
    "neuropathic",
    "amitriptyline", "duloxetine", "gabapentin", "nortriptyline", "pregabalin",
    "allegron", "cymbalta", "lyrica", "neurontin", "pamelor", "yentreve",
)
_OTHERS = _listed("other", "paracetamol")
MEDICINES: tuple[Medicine, ...] = tuple(sorted(_RELAXANTS + _NSAIDS + _TOPICALS + _OPIOIDS + _NEUROPATHIC + _OTHERS,
                                               key=lambda medicine: medicine.name))
_BY_NAME = {medicine.name: medicine for medicine in MEDICINES}


def _words(tidied: str) -> str:
    """A name with its punctuation as spaces, so "co-codamol 30/500" contains "co codamol"."""
    for mark in "-/()":
        tidied = tidied.replace(mark, " ")
    return " ".join(tidied.split())


# The classes a name claims wherever it is named, in the order they win.
_NAMED_ANYWHERE = tuple((listed[0].category, frozenset(_words(medicine.name) for medicine in listed))
                        for listed in (_RELAXANTS, _OPIOIDS, _NEUROPATHIC))


def tidy_name(name: str) -> str:
    """The name as the list spells names: lower case, one space between words."""
    return " ".join(name.casefold().split())


def listed_medicine(name: str) -> Medicine | None:
    """The listed medicine this name is, spelled in any case or spacing; None when not listed."""
    return _BY_NAME.get(tidy_name(name))


def named_class(name: str) -> str | None:
    """The class the name decides, whatever category is typed with it; None when the typed one stands.

    A listed relaxant, opioid or neuropathic pain medicine named anywhere in the name, else the
    listed class of the name said exactly.
    """
    tidied = tidy_name(name)
    words = _words(tidied).split()
    spans = {" ".join(words[start:end]) for start in range(len(words)) for end in (start + 1, start + 2)}
    for category, names in _NAMED_ANYWHERE:
        if spans & names:
            return category
    listed = _BY_NAME.get(tidied)
    return listed.category if listed else None


def medicine_category(name: str, typed: str) -> str:
    """The category to record: the class the name decides, else the category typed."""
    if typed not in MEDICATION_CATEGORIES:
        raise ValueError(f"medication category must be one of {', '.join(MEDICATION_CATEGORIES)}; got {typed!r}")
    return named_class(name) or typed
