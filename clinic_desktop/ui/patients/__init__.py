"""Finding a patient, their details form and their record's tab with its time line."""
