"""The audit trail: writing one event per change, reading it, and proving its chain unbroken."""
