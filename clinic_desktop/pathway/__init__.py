"""The back-pain pathway as pure Python: STarT Back scoring, the rules and working-day deadlines.

Kept free of Qt, peewee and the rest of the app so every clinical date and decision can be
tested on its own and computed in one place.
"""
