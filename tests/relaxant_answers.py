"""What every muscle relaxant is recorded with: its indication and whether spasm is present.

The episodes service refuses a relaxant without them (the source gives relaxants for muscle
spasm), so a test that records one for another reason gives these.
"""

FOR_SPASM = {"indication": "muscle spasm", "spasm_present": True}
