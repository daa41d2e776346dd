"""Synthetic demo clinics: believable patients at every stage of the pathway."""
