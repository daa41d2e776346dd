"""Patients: registering and finding them, their NHS numbers, their whole timeline."""
