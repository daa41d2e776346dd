"""A list's filter box, answered by the database: what typed text keeps of a worklist's rows.

Issue 13 §2: every list has a filter box. The worklists are read a page at a time at clinic
scale (a hundred thousand patients), so hiding the rows of the page held would filter only
what was scrolled through: the text narrows the query instead, and the count says how many
match. Every word typed must match something the row shows, ignoring case:

- the patient: the start of the family or given name, or the start of the NHS number
  (spaces ignored); a word of digits is looked for among NHS numbers alone, and one of
  digits and letters ("2-week") among no patient, so it costs no search of the patients;
- what the item is: any part of its kind's title ("2-week", "red-flag", "letters to sign");
- whose it is: any part of a member of staff's name (the owner or the clinician shown).

Kinds and staff are a few dozen rows: matched here in Python and turned into an ``IN`` list,
so the SQL stays a search of the patient index and of each side's own columns.
"""
from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Iterable

from peewee import CTE, ColumnBase, Expression, Value

from clinic_desktop.models import Episode, Patient, User
from clinic_desktop.services.patients.patient_search import starts_with  # the indexed prefix, as search has it
from clinic_desktop.services.patients.patients import name_key

__all__ = ["TextFilter"]


@dataclass(frozen=True)
class TextFilter:
    """The words typed, ready to narrow a query; built inside the service's transaction."""

    words: tuple[str, ...]
    staff: tuple[tuple[int, str], ...]  # every member of staff (id, name in lower case), to match owners

    @classmethod
    def read(cls, text: str | None) -> TextFilter | None:
        """None when nothing is typed (the list unfiltered)."""
        text = name_key(text or "")
        digits = text.replace(" ", "")
        words = (digits,) if digits.isdigit() else tuple(text.split())  # an NHS number typed with its spaces
        if not words:
            return None
        staff = tuple((user_id, name.casefold()) for user_id, name in User.select(User.id, User.full_name).tuples())
        return cls(words, staff)

    @classmethod
    def narrow(cls, where, text: str | None, episode_id: ColumnBase, **matched_by) -> Expression:
        """``where`` and, when text is typed, the condition its words make (``condition``)."""
        matching = cls.read(text)
        condition = matching and matching.condition(episode_id, **matched_by)
        return where if condition is None else where & condition

    def shared_patients(self) -> dict[str, CTE]:
        """Each word's patients' episodes as a named WITH query, for a statement that narrows several
        sides by the same words (All open work has nine): the database finds them once, not once a
        side. The statement must carry them (``with_cte``)."""
        shared = {}
        for number, word in enumerate(self.words):
            found = _episodes_of_patients_matching(word)
            if found is not None:
                shared[word] = found.cte(f"filter_episodes_{number}", columns=("id",))
        return shared

    def condition(self, episode_id: ColumnBase, *, titles: dict[str, str] | None = None,
                  kind: ColumnBase | None = None, whole_title: str = "",
                  people: Iterable[ColumnBase] = (), shared: dict[str, CTE] | None = None) -> Expression | None:
        """Every word matches the row's patient (through ``episode_id``), its kind (``kind`` whose
        value's title in ``titles`` contains the word, or the list's ``whole_title``) or one of its
        ``people`` (user id columns). None: every row matches (each word is in ``whole_title``).
        ``shared``: the patients found by ``shared_patients`` for the statement this is part of."""
        people = tuple(people)
        conditions = []
        for word in self.words:
            if word in whole_title.casefold():
                continue
            kinds = [value for value, title in (titles or {}).items() if word in title.casefold()]
            users = [user_id for user_id, name in self.staff if word in name]
            patients = _episodes_of_patients_matching(word) if shared is None else (
                shared[word].select(shared[word].c.id) if word in shared else None)
            either = [episode_id.in_(patients)] if patients is not None else []
            either += [kind.in_(kinds)] if kind is not None and kinds else []
            either += [person.in_(users) for person in people] if users else []
            conditions.append(_any(either))
        return functools.reduce(operator.and_, conditions) if conditions else None


def _any(conditions: list) -> Expression:
    """Any of the conditions; none: no row matches (a word that names nothing on the list)."""
    return functools.reduce(operator.or_, conditions) if conditions else Value(1) == Value(0)


def _episodes_of_patients_matching(word: str):
    """The episodes of every patient whose family or given name (a word without digits), or NHS
    number (a word of digits), starts with ``word``; None when no patient's can."""
    if word.isdigit():
        matches = starts_with(Patient.nhs_number, word)
    elif any(character.isdigit() for character in word):
        return None
    else:
        matches = starts_with(Patient.family_name_key, word) | starts_with(Patient.given_name_key, word)
    return Episode.select(Episode.id).where(Episode.patient.in_(Patient.select(Patient.id).where(matches)))

