"""Referral letters: writing, previewing, signing, printing and the batch of letters to send."""
