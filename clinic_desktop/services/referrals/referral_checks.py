"""The two checks that keep a referral from being lost by a send or a cancellation.

A letter signed before its referral was superseded (the STarT Back risk changed; see
pathway_sync) is held until a clinician acknowledges the warning asking whether it should
still go: sending it first would act on a decision nobody has made. And the urgent red-flag
referral, the one a patient is most harmed by losing, is cancelled only by a clinician with a
clinical reason. Kept apart from referrals.py so the batch export can ask the same question.
"""
from __future__ import annotations

from clinic_desktop.models import Episode, PathwayWarning, Referral, User
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import InvalidTransition, PermissionDenied, ValidationError
from clinic_desktop.services.core.permissions import CLINICIAN
from clinic_desktop.services.referrals.letter_content import kind_title

__all__ = ["URGENT_REASON_WORDS", "SendingHeld", "cancellation_reason", "superseded_key", "why_held"]

# An urgent red-flag referral is cancelled only with a clinical reason a reader can weigh.
URGENT_REASON_WORDS = 3


class SendingHeld(InvalidTransition):
    """A signed letter waits on a clinician's decision (its referral was superseded) before it may go."""


def why_held(referral: Referral) -> str | None:
    """A letter signed before its referral was superseded (the risk changed: pathway_sync) is
    held until a clinician acknowledges the warning asking whether it should still go.

    For services that have checked their own permission (the batch export lists held letters).
    """
    if referral.status != "signed":
        return None
    warning = (PathwayWarning.select()
               .where((PathwayWarning.episode == referral.episode_id)
                      & (PathwayWarning.pathway_key == superseded_key(referral.id))
                      & PathwayWarning.acknowledged_at.is_null())
               .first())
    if warning is None:
        return None
    return (f"{referral.episode.patient.display_name}'s {kind_title(referral.kind).lower()} letter is held, not "
            f"sent: the warning \u201c{warning.message}\u201d is not acknowledged. {_who_decides(referral.episode)} "
            "must decide whether it should still go and acknowledge the warning before it can be sent.")


def superseded_key(referral_id: int) -> str:
    """The pathway key of the warning pathway_sync raises when a signed letter's referral is superseded."""
    return f"superseded-signed:{referral_id}"


def _who_decides(episode: Episode) -> str:
    """The clinician the warning's list belongs to (obligations.py): the responsible one, else any."""
    responsible = User.get_or_none(User.id == episode.responsible_clinician_id) \
        if episode.responsible_clinician_id else None
    if responsible is not None and responsible.active:
        return f"{responsible.full_name}, the clinician responsible for the episode,"
    return "A clinician (the warning is on the unassigned list)"


def cancellation_reason(actor, referral: Referral, reason) -> str:
    """The reason for cancelling, checked. The urgent red-flag referral is the one a patient may be
    harmed by losing: only a clinician cancels it, and only with a clinical reason of a few words."""
    why = validation.text(reason, "reason", required="Give the reason for cancelling the referral.",
                          label="reason for cancelling")
    if referral.kind != "urgent_red_flag":
        return why
    if actor.role != CLINICIAN:
        raise PermissionDenied(f"{actor.full_name} is not a clinician: only a clinician cancels an urgent red-flag "
                               "referral, with a clinical reason. Ask the clinician responsible for the patient.")
    if len(why.split()) < URGENT_REASON_WORDS:
        raise ValidationError("Give the clinical reason for cancelling the urgent red-flag referral in a few words "
                              "(for example \u201cred flags excluded on examination\u201d).", field="reason")
    return why
