"""Referrals and their letters: raising, writing, signing, sending, chasing, and the destinations they go to."""
