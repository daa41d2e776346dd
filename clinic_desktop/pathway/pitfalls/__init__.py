"""The source's pitfalls and cautions, checked when something is recorded (reference, "Common Pitfalls").

Each check reads the episode's facts and gives warnings (some needing acknowledgement, which
puts them on the responsible clinician's list until acknowledged) and the reviews a
caution calls for. Keys name the fact that raised them, so evaluating again never raises
one twice (pathway/actions.py). One module a side of care:
prescribing.py (medicines), advice.py (rest, activity and imaging), plans.py (management plans).
"""

from clinic_desktop.pathway.actions import CancelUnbooked, PathwayWarning, RequiredAppointment
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import EpisodeFacts
from clinic_desktop.pathway.pitfalls import advice, plans, prescribing
from clinic_desktop.pathway.timings import PathwayTimings


def care_checks(facts: EpisodeFacts, timings: PathwayTimings,
                calendar: WorkingCalendar) -> list[PathwayWarning | RequiredAppointment | CancelUnbooked]:
    """Every pitfall warning and cautionary review the episode's facts call for (and the
    cancellation of such a review no longer needed)."""
    return [*prescribing.checks(facts, timings, calendar), *advice.checks(facts), *plans.checks(facts)]
