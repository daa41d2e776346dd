"""Data in and out: patient CSV import and export, FHIR and iCalendar files."""
