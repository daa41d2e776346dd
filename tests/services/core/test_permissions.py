"""Every public service refuses a role the permission table does not name, before doing anything."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import clinic_desktop.services as services_package
from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import PermissionDenied
from clinic_desktop.services.core.permissions import PERMISSIONS

ROLES = ("receptionist", "clinician", "practice_manager", "command_line", "former_staff")


def _service_functions():
    """Every decorated function of every module in every feature package, as "module.function"."""
    for module_info in pkgutil.walk_packages(services_package.__path__, f"{services_package.__name__}."):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if hasattr(function, "permission") and function.__module__ == module.__name__:
                yield f"{module_info.name.rsplit('.', 1)[-1]}.{name}", function


SERVICES = dict(_service_functions())
REFUSALS = [(name, role) for name, function in SERVICES.items() for role in ROLES
            if role not in PERMISSIONS[function.permission]]


def test_the_services_are_found():
    assert {"patients.register_patient", "referrals.sign_referral", "worklists.overdue"} <= set(SERVICES)


def test_every_permission_in_the_table_guards_a_service():
    assert {function.permission for function in SERVICES.values()} == set(PERMISSIONS)


@pytest.mark.parametrize("name, role", REFUSALS)
def test_a_role_outside_the_permission_is_refused_and_nothing_is_written(sqlite_staff, name, role):
    actor = Actor(user_id=None, username=f"someone-{role}", full_name=f"Someone ({role})", role=role)
    events = AuditEvent.select().count()
    function = SERVICES[name]
    arguments = [None] * (len(inspect.signature(function).parameters) - 1)
    with pytest.raises(PermissionDenied):
        function(actor, *arguments)
    assert AuditEvent.select().count() == events
