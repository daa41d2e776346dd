"""The lists of work: every open obligation, on the list of someone who can act on it."""
