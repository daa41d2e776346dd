"""The pathway's clinical forms: first contact, STarT Back, medication, outcomes, findings, discharge, warnings."""
