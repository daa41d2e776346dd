"""The letterhead preview for the manager (services/referrals/letterhead_preview.py)."""
import io

import pytest
from pypdf import PdfReader

from clinic_desktop.services.admin.settings import update_clinic_settings
from clinic_desktop.services.core.errors import PermissionDenied
from clinic_desktop.services.referrals.letterhead_preview import letterhead_preview_pdf


def test_the_preview_shows_the_stored_clinic_details(staff):
    update_clinic_settings(staff.manager, name="Riverside MSK Clinic", telephone="0117 496 0123")
    text = PdfReader(io.BytesIO(letterhead_preview_pdf(staff.manager))).pages[0].extract_text()
    assert "Riverside MSK Clinic" in text and "0117 496 0123" in text


@pytest.mark.parametrize("who", ["receptionist", "clinician"])
def test_only_a_manager_previews_the_letterhead(staff, who):
    with pytest.raises(PermissionDenied, match="may not manage settings"):
        letterhead_preview_pdf(getattr(staff, who))
