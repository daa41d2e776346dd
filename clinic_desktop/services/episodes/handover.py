"""Handing open work on: to a named active clinician, or to the unassigned list.

DESIGN.md, "The safety net": discharge and deactivation never close an obligation silently;
what they do not resolve they hand on. A clinical obligation belongs to its episode's
responsible clinician (services/worklists/obligations.py, after a letter's drafter or the clinician who
saw the patient while they are active), so handing over is setting that person: a colleague
chosen by name, or nobody, which puts the work on the unassigned list every clinician sees.
Both discharge (services/episodes/discharge.py) and deactivation (services/admin/users.py) use this.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from clinic_desktop.models import Episode, User
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.permissions import CLINICIAN
from clinic_desktop.services.worklists.obligations import KINDS, ObligationRow, episode_obligations, open_work
from clinic_desktop.services.worklists.obligations import UNASSIGNED as UNASSIGNED_OWNER
from clinic_desktop.services.worklists.worklists import MAX_PAGE_SIZE

__all__ = ["FIELD", "UNASSIGNED", "count_by_owner", "counted", "hand_over_target", "owned_by", "owner_words",
           "set_responsible", "target_name", "where_they_are"]

UNASSIGNED = "unassigned"  # what a caller passes to hand work to the unassigned list
FIELD = "hand_over_to"


def hand_over_target(value, *, leaving: User | None = None) -> int | None:
    """The chosen clinician's id, or None for the unassigned list; anything else refused in words.

    ``leaving``: the person whose work is being handed on, who cannot take it themselves.
    """
    if value == UNASSIGNED:
        return None
    if value is None:
        raise ValidationError("Choose who takes over the open items: a colleague, or the unassigned list.",
                              field=FIELD)
    colleague_id = validation.record_id(value, "colleague")
    colleague = User.get_or_none(User.id == colleague_id)
    if colleague is None:
        raise ValidationError(f"There is no user {colleague_id} to hand the open items to.", field=FIELD)
    if colleague.role != CLINICIAN:
        raise ValidationError(f"{colleague.full_name} is not a clinician: hand the open items to a clinician, "
                              "or to the unassigned list.", field=FIELD)
    if not colleague.active:
        raise ValidationError(f"{colleague.full_name} no longer works at the clinic: hand the open items to an "
                              "active clinician, or to the unassigned list.", field=FIELD)
    if leaving is not None and colleague.id == leaving.id:
        raise ValidationError(f"{colleague.full_name} is the one leaving: hand their open items to someone else, "
                              "or to the unassigned list.", field=FIELD)
    return colleague.id


def target_name(target_id: int | None) -> str:
    """"Sam Physio" or "the unassigned list", for notices and audit summaries."""
    return "the unassigned list" if target_id is None else User.get_by_id(target_id).full_name


def set_responsible(episode_ids: Iterable[int], target_id: int | None) -> int:
    """Make ``target_id`` (None: nobody) the responsible clinician of these episodes; how many changed."""
    ids = sorted(set(episode_ids))
    if not ids:
        return 0
    return Episode.update(responsible_clinician=target_id).where(Episode.id.in_(ids)).execute()


def where_they_are(keys: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int], ObligationRow]:
    """The open obligations named by (kind, item id, episode id), read again after a hand-over:
    whose list each is on now (the owner rules decide, not the caller)."""
    wanted = {(kind, item_id): episode_id for kind, item_id, episode_id in keys}
    found: dict[tuple[str, int], ObligationRow] = {}
    for episode_id in sorted(set(wanted.values())):
        for row in episode_obligations(episode_id):
            if (row.kind, row.item_id) in wanted:
                found[(row.kind, row.item_id)] = row
    return found


def owner_words(row: ObligationRow) -> str:
    """"Sam Physio's list" / "the unassigned list" / "Reception's list"."""
    if row.owner_name.startswith(UNASSIGNED_OWNER):
        return "the unassigned list"
    return f"{row.owner_name}'s list"


def count_by_owner(rows: Iterable[ObligationRow]) -> dict[str, int]:
    """How many items are on whose list, for an audit event: {"Sam Physio": 3, "Unassigned": 1}."""
    return dict(Counter(UNASSIGNED_OWNER if row.owner_user_id is None and row.owner_name.startswith(UNASSIGNED_OWNER)
                        else row.owner_name for row in rows))


def owned_by(actor, user_id: int) -> list[ObligationRow]:
    """Every open obligation on this person's own list (not the unassigned ones), read a page at a time."""
    rows: list[ObligationRow] = []
    while True:
        page = open_work(actor, owner_user_id=user_id, offset=len(rows), limit=MAX_PAGE_SIZE)
        rows.extend(page.rows)
        if len(rows) >= page.total or not page.rows:
            return rows


def counted(counts: dict[str, int]) -> str:
    """"referrals to write 3, warnings to acknowledge 1" from counts by obligation kind."""
    return ", ".join(f"{KINDS[kind].title.lower()} {count}" for kind, count in counts.items() if count)
