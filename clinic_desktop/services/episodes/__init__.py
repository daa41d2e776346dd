"""Episodes of care: first contact to discharge, their findings, medicines, hand-over and the pathway kept in step."""
