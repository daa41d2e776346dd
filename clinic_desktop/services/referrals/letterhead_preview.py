"""The letterhead as new letters will print it, for the manager to check after changing it."""
from __future__ import annotations

from clinic_desktop.letters.letterhead_sample import render_letterhead_sample
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.referrals.letter_content import letter_clinic

__all__ = ["letterhead_preview_pdf"]


@service("manage_settings", changes=False)
def letterhead_preview_pdf(actor) -> bytes:
    """A one-page PDF of the letterhead: the clinic's name, address, telephone and stored logo."""
    return render_letterhead_sample(letter_clinic())
