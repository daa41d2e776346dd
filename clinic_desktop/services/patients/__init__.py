"""Patients: registering and finding them, how to reach them, their NHS numbers, their whole timeline."""
