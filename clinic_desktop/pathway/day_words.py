"""A day in the words the pathway's reasons and warnings use: "3 Nov 2026".

Spelled out here rather than with strftime, whose month names follow whatever locale Qt
has set for the process; the rules and the pitfall checks share it so every stored reason
names a day the same way.
"""

from datetime import date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
