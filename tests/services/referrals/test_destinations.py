"""The practice manager's directory of referral destinations, on both databases."""
from __future__ import annotations

import pytest

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.referrals import destinations

PHYSIO = dict(name="Leeds Community Physiotherapy", department="MSK physiotherapy",
              address="St Mary's Hospital\nLeeds LS12 3QE", telephone="0113 496 0500", email="physio@example.org",
              kinds=("standard_physiotherapy", "biopsychosocial"), default_for=("standard_physiotherapy",))


@pytest.fixture
def physio(staff):
    return destinations.create_destination(staff.manager, **PHYSIO)


def last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).first()


def test_a_new_destination_keeps_its_details_and_kinds(physio):
    assert (physio.name, physio.department, physio.address, physio.telephone, physio.email, physio.active) == (
        "Leeds Community Physiotherapy", "MSK physiotherapy", "St Mary's Hospital\nLeeds LS12 3QE", "0113 496 0500",
        "physio@example.org", True)
    assert physio.kinds == ("standard_physiotherapy", "biopsychosocial")
    assert physio.default_for == ("standard_physiotherapy",)
    assert physio.label == "Leeds Community Physiotherapy – MSK physiotherapy"


def test_adding_a_destination_is_audited(physio):
    event = last_event()
    assert (event.action, event.entity_id) == ("create_destination", physio.id)
    assert event.summary == "added the referral destination Leeds Community Physiotherapy – MSK physiotherapy"


def test_only_the_practice_manager_keeps_the_directory(staff):
    for actor in (staff.receptionist, staff.clinician):
        with pytest.raises(PermissionDenied):
            destinations.create_destination(actor, **PHYSIO)


def test_everyone_on_the_staff_can_read_the_directory(staff, physio):
    for actor in (staff.receptionist, staff.clinician, staff.manager):
        assert [record.id for record in destinations.list_destinations(actor)] == [physio.id]


def test_a_destination_needs_a_name_and_a_kind(staff):
    with pytest.raises(ValidationError, match="Enter the destination's name"):
        destinations.create_destination(staff.manager, name=" ", kinds=("biopsychosocial",))
    with pytest.raises(ValidationError, match="at least one kind"):
        destinations.create_destination(staff.manager, name="Pain clinic", kinds=())
    with pytest.raises(ValidationError, match="no referral kind 'massage'"):
        destinations.create_destination(staff.manager, name="Pain clinic", kinds=("massage",))


def test_an_email_address_must_look_like_one(staff):
    with pytest.raises(ValidationError, match="'physio at example' is not an email address") as refused:
        destinations.create_destination(staff.manager, name="Physio", email="physio at example",
                                        kinds=("standard_physiotherapy",))
    assert refused.value.field == "email"


def test_a_default_must_be_a_kind_the_destination_takes(staff):
    with pytest.raises(ValidationError, match="only for referrals it takes, not for spinal surgical referrals"):
        destinations.create_destination(staff.manager, name="Physio", kinds=("standard_physiotherapy",),
                                        default_for=("spinal_surgical",))


def test_the_same_service_twice_is_refused(staff, physio):
    with pytest.raises(Conflict, match=f"already in the directory \\(destination {physio.id}\\)"):
        destinations.create_destination(staff.manager, **{**PHYSIO, "name": "leeds community PHYSIOTHERAPY"})


def test_a_new_default_takes_the_place_of_the_old_one(staff, physio):
    other = destinations.create_destination(staff.manager, name="Harrogate Physiotherapy",
                                            kinds=("standard_physiotherapy",), default_for=("standard_physiotherapy",))
    assert destinations.get_destination(staff.manager, physio.id).default_for == ()
    assert destinations.default_destination("standard_physiotherapy").id == other.id


def test_listing_by_kind_puts_the_default_first(staff, physio):
    destinations.create_destination(staff.manager, name="Aardvark Physiotherapy", kinds=("standard_physiotherapy",))
    destinations.create_destination(staff.manager, name="Pain Centre", kinds=("pain_spinal_centre",))
    listed = destinations.list_destinations(staff.clinician, kind="standard_physiotherapy")
    assert [record.name for record in listed] == ["Leeds Community Physiotherapy", "Aardvark Physiotherapy"]


def test_editing_changes_only_what_is_given(staff, physio):
    edited = destinations.edit_destination(staff.manager, physio.id, telephone="0113 496 0999",
                                           kinds=("standard_physiotherapy",))
    assert (edited.name, edited.telephone, edited.kinds, edited.default_for) == (
        physio.name, "0113 496 0999", ("standard_physiotherapy",), ("standard_physiotherapy",))
    assert last_event().summary == "changed the referral destination Leeds Community Physiotherapy: telephone, kinds"


def test_dropping_a_kind_drops_its_default(staff, physio):
    edited = destinations.edit_destination(staff.manager, physio.id, kinds=("biopsychosocial",))
    assert edited.default_for == ()
    assert destinations.default_destination("standard_physiotherapy") is None


def test_deactivating_keeps_the_destination_but_ends_its_defaults(staff, physio):
    inactive = destinations.deactivate_destination(staff.manager, physio.id)
    assert (inactive.active, inactive.default_for) == (False, ())
    assert destinations.list_destinations(staff.clinician) == ()
    assert [record.id for record in destinations.list_destinations(staff.manager, include_inactive=True)] == [physio.id]
    assert destinations.default_destination("standard_physiotherapy") is None
    assert "no longer the default for standard physiotherapy referrals" in last_event().summary


def test_an_inactive_destination_cannot_become_a_default(staff, physio):
    destinations.deactivate_destination(staff.manager, physio.id)
    with pytest.raises(ValidationError, match="is inactive, so it cannot be a default destination"):
        destinations.edit_destination(staff.manager, physio.id, default_for=("biopsychosocial",))


def test_deactivating_twice_is_refused(staff, physio):
    destinations.deactivate_destination(staff.manager, physio.id)
    with pytest.raises(InvalidTransition, match="is already inactive"):
        destinations.deactivate_destination(staff.manager, physio.id)


def test_reactivating_brings_it_back_without_its_old_defaults(staff, physio):
    destinations.deactivate_destination(staff.manager, physio.id)
    back = destinations.reactivate_destination(staff.manager, physio.id)
    assert (back.active, back.default_for) == (True, ())


def test_an_unknown_destination_is_not_found(staff):
    with pytest.raises(NotFound, match="There is no referral destination 999"):
        destinations.get_destination(staff.manager, 999)
