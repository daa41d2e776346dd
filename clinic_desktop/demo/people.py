"""Synthetic people: names (some with accents and apostrophes), dates of birth, NHS numbers, addresses,
and contact details: phone numbers from Ofcom's ranges kept for drama (never a real subscriber),
emails at example.org, reminder consents, a GP practice and now and then an interpreter."""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

FAMILY_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "O'Brien", "Kowalski", "Nowak", "Khan", "Begum", "Ahmed", "Okafor", "Mensah", "Nguyen", "Müller",
)
GIVEN_NAMES = (
    "Oliver", "Amelia", "George", "Olivia", "Harry", "Isla", "Jack", "Emily", "Jacob", "Ava",
    "Noah", "Mia", "Charlie", "Sophie", "Thomas", "Grace", "Oscar", "Lily", "William", "Ella",
    "James", "Freya", "Mohammed", "Aisha", "Zoë", "Siobhán", "Łukasz", "Chloé", "Seán", "Ngozi",
    "Margaret", "David", "Susan", "Peter", "Janet", "Michael", "Patricia", "Robert", "Linda", "Paul",
)
STREETS = ("High Street", "Station Road", "Church Lane", "Park Avenue", "Mill Road", "Victoria Road",
           "Queen's Drive", "Riverside Walk", "Orchard Close", "The Crescent")
TOWNS = (("Bristol", "BS"), ("Bath", "BA"), ("Gloucester", "GL"), ("Swindon", "SN"), ("Taunton", "TA"))
# Ofcom's drama numbers: 07700 900000-900999 and, for landlines, 0117 496 0000-0999 and 01632 960000-960999.
LANDLINES = ("0117 496 0{:03d}", "01632 960{:03d}")
# Made-up practices; their codes have the ODS form (a letter and five digits) but name no real practice.
GP_PRACTICES = (("Riverside Medical Practice", "L99001"), ("Orchard Surgery", "L99002"),
                ("Church Lane Health Centre", "L99003"), ("Station Road Family Practice", "L99004"))
INTERPRETER_LANGUAGES = ("Polish", "Urdu", "Somali", "Bengali", "Arabic", "British Sign Language")


@dataclass(frozen=True)
class Person:
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str
    nhs_number: str | None
    address: str
    postcode: str
    telephone: str
    mobile: str = ""
    email: str = ""
    preferred_contact: str | None = None
    consents_to_sms: bool = False
    consents_to_email: bool = False
    gp_practice_name: str = ""
    gp_practice_ods: str = ""
    interpreter_language: str | None = None


def nhs_number(rng: random.Random, taken: set[str]) -> str:
    """A number that passes the Modulus 11 check (the 999 range is reserved for tests), not among
    ``taken``, to which it is added: the registration refuses a number already registered, and a
    million numbers drawn at random repeat within a few hundred patients (birthday odds)."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        number = "".join(map(str, digits)) + str(check)
        if check != 10 and number not in taken:
            taken.add(number)
            return number


def make_person(rng: random.Random, today: date, nhs_numbers_taken: set[str]) -> Person:
    town, area = rng.choice(TOWNS)
    age_days = rng.randint(19 * 365, 88 * 365)
    family, given, born = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES), today - timedelta(days=age_days)
    return Person(
        family_name=family,
        given_name=given,
        date_of_birth=born,
        sex=rng.choice(("female", "male")),
        nhs_number=nhs_number(rng, nhs_numbers_taken) if rng.random() < 0.93 else None,
        address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}\n{town}",
        postcode=f"{area}{rng.randint(1, 16)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                 f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        **_contact(random.Random(f"{family}|{given}|{born}"), family, given),
    )


def _contact(rng: random.Random, family: str, given: str) -> dict:
    """Phones, email, consents, practice and interpreter, from their own generator so that the
    story's draws (and so the rest of the demo) stay as they were before people had them."""
    mobile = f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.8 else ""
    telephone = rng.choice(LANDLINES).format(rng.randrange(1000)) if not mobile or rng.random() < 0.3 else ""
    email = f"{_ascii(given)}.{_ascii(family)}@example.org" if rng.random() < 0.5 else ""
    consents_to_sms = bool(mobile) and rng.random() < 0.7
    consents_to_email = bool(email) and rng.random() < 0.5
    preferred = "sms" if consents_to_sms else "email" if consents_to_email else rng.choice(("phone", "letter", None))
    practice, ods = rng.choice(GP_PRACTICES)
    return dict(telephone=telephone, mobile=mobile, email=email, preferred_contact=preferred,
                consents_to_sms=consents_to_sms, consents_to_email=consents_to_email, gp_practice_name=practice,
                gp_practice_ods=ods,
                interpreter_language=rng.choice(INTERPRETER_LANGUAGES) if rng.random() < 0.06 else None)


def _ascii(name: str) -> str:
    """A name as an email address can hold it: "Siobhán" -> "siobhan", "O'Brien" -> "obrien"."""
    return "".join(character for character in unicodedata.normalize("NFKD", name).lower()
                   if character.isascii() and character.isalnum())
