"""Synthetic people: names (some with accents and apostrophes), dates of birth, NHS numbers, addresses."""
from __future__ import annotations

import random
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


def nhs_number(rng: random.Random) -> str:
    """A number that passes the Modulus 11 check (the 999 range is reserved for tests)."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def make_person(rng: random.Random, today: date) -> Person:
    town, area = rng.choice(TOWNS)
    age_days = rng.randint(19 * 365, 88 * 365)
    return Person(
        family_name=rng.choice(FAMILY_NAMES),
        given_name=rng.choice(GIVEN_NAMES),
        date_of_birth=today - timedelta(days=age_days),
        sex=rng.choice(("female", "male")),
        nhs_number=nhs_number(rng) if rng.random() < 0.93 else None,
        address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}\n{town}",
        postcode=f"{area}{rng.randint(1, 16)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                 f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        telephone=f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
    )
