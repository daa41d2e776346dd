"""What every service stands on: the acting user, the clock, one transaction and one audit event per change, refusals."""
