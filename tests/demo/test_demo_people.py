"""The demo's synthetic people: each NHS number its own, as registration demands."""
from __future__ import annotations

import random

from clinic_desktop.demo.people import nhs_number
from clinic_desktop.services.patients.nhs_number import normalise_nhs_number


def test_a_demo_clinic_never_draws_an_nhs_number_twice():
    """A million numbers drawn at random repeat within a few hundred patients (`demo --patients 300`
    stopped on a number already registered); the draw skips any already issued."""
    taken: set[str] = set()
    rng = random.Random(7)
    numbers = [nhs_number(rng, taken) for _ in range(3_000)]
    assert len(set(numbers)) == len(numbers) and taken == set(numbers)
    assert all(normalise_nhs_number(number) == number for number in numbers)  # each passes the check digit
