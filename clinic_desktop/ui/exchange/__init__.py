"""Importing and exporting patients and appointments (CSV, FHIR, iCalendar) from the window."""
