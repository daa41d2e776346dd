"""The error every command raises when it cannot go on."""


class CommandError(Exception):
    """A command cannot go on; the message says why in one line."""
