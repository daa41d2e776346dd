"""STarT Back Tool scoring, so a questionnaire gives the same risk group wherever it is scored.

Scoring follows the published Keele University rule (DESIGN.md, "STarT Back Tool scoring").
"""

from collections.abc import Iterable
from dataclasses import dataclass

ITEM_COUNT = 9
BOTHERSOMENESS_CHOICES = ("not at all", "slightly", "moderately", "very much", "extremely")
ITEM_LABELS = (
    "Back pain has travelled down one or both legs in the past fortnight",
    "Shoulder or neck pain in the past fortnight",
    "Back pain has limited me to walking short distances",
    "Getting dressed has taken longer than usual because of back pain",
    "Being physically active doesn't feel safe with a back like mine",
    "Worries about my back have been on my mind much of the time",
    "My back pain feels awful and I doubt it will ever improve",
    "I've been getting less enjoyment from things I usually like",
    "How much back pain has bothered you overall over the past fortnight",
)
RISK_GROUPS = ("low", "medium", "high")
CREDIT = "STarT Back Tool © Keele University. Item labels paraphrased; scoring as published."

_PSYCHOSOCIAL_ITEMS = slice(4, 9)  # items 5–9
_BOTHERSOME_FROM = BOTHERSOMENESS_CHOICES.index("very much")


@dataclass(frozen=True)
class StartBackScore:
    """A scored questionnaire; risk is one of RISK_GROUPS."""

    total: int
    psychosocial: int
    risk: str


def score_start_back(answers: Iterable[int]) -> StartBackScore:
    """Score nine answers: items 1–8 are 0/1 (disagree/agree), item 9 is 0–4 (bothersomeness).

    An incomplete or malformed questionnaire has no score, so it raises ValueError naming
    the item rather than guessing.
    """
    if answers is None:
        raise ValueError(f"STarT Back needs {ITEM_COUNT} answers, got none")
    answers = tuple(answers)
    if len(answers) != ITEM_COUNT:
        raise ValueError(f"STarT Back needs {ITEM_COUNT} answers, got {len(answers)}")
    points = tuple(_item_points(number, answer) for number, answer in enumerate(answers, 1))
    total = sum(points)
    psychosocial = sum(points[_PSYCHOSOCIAL_ITEMS])
    if psychosocial >= 4:
        risk = "high"
    elif total >= 4:
        risk = "medium"
    else:
        risk = "low"
    return StartBackScore(total=total, psychosocial=psychosocial, risk=risk)


def _item_points(number: int, answer: object) -> int:
    if answer is None:
        raise ValueError(f"item {number} is missing")
    if number < ITEM_COUNT:
        if not _is_int_in(answer, 0, 1):
            raise ValueError(f"item {number} must be 0 or 1 (disagree/agree), got {answer!r}")
        return answer
    if not _is_int_in(answer, 0, len(BOTHERSOMENESS_CHOICES) - 1):
        raise ValueError(
            f"item {number} must be 0–4 ({BOTHERSOMENESS_CHOICES[0]} … "
            f"{BOTHERSOMENESS_CHOICES[-1]}), got {answer!r}"
        )
    return int(answer >= _BOTHERSOME_FROM)


def _is_int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
