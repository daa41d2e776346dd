"""The demo clinic's staff and details. Passwords are for demo databases only."""
from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.services.admin import settings, users
from clinic_desktop.services.core.actor import Actor

DEMO_PASSWORDS = {
    "manager": "demo-manager-2026",
    "reception": "demo-reception-2026",
    "drjones": "demo-clinician-2026",
    "physio": "demo-physio-2026",
}


@dataclass(frozen=True)
class DemoStaff:
    manager: Actor
    receptionist: Actor
    clinicians: tuple[Actor, ...]


def create_staff() -> DemoStaff:
    manager = users.create_first_manager("manager", "Morag Macleod", DEMO_PASSWORDS["manager"],
                                         clinic_name="Riverside Musculoskeletal Clinic")
    settings.update_clinic_settings(
        manager,
        address="12 Quay Street\nBristol BS1 4DJ",
        telephone="0117 496 0123",
    )
    receptionist = users.create_user(manager, "reception", "Rita Patel", "receptionist", DEMO_PASSWORDS["reception"])
    clinicians = (
        users.create_user(manager, "drjones", "Dr Alys Jones", "clinician", DEMO_PASSWORDS["drjones"],
                          registration_number="GMC 7012345"),
        users.create_user(manager, "physio", "Sam O'Connor", "clinician", DEMO_PASSWORDS["physio"],
                          registration_number="HCPC PH123456"),
    )
    return DemoStaff(manager=manager, receptionist=receptionist, clinicians=clinicians)
