"""A clinical date as the pathway words it in its reasons and warnings: "3 Dec 2026".

Written out here rather than with strftime, whose month names follow the locale Qt sets for
the process; one place, so every rule's wording spells a date the same way.
"""

from datetime import date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_in_words(day: date) -> str:
    """3 Dec 2026."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
