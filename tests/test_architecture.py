"""The layers a newcomer can rely on: what the services offer, and what the windows may touch.

Every service module says what it offers in ``__all__``; everything that takes the acting
user first checks that user's permission through a decorator (``service`` or
``permission_checked``), so no window or command can reach the data around the permission
table. The windows go through the services only: never the models, never SQL. (That the
pathway rules stay pure is checked in tests/pathway/test_package.py.)
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import clinic_desktop
import clinic_desktop.services as services

PACKAGE = Path(clinic_desktop.__file__).parent

# Public functions that take the actor but run inside the transaction of the service that
# calls them, which has checked the permission; a window or a command must not call them.
IN_TRANSACTION_HELPERS = {
    "clinic_desktop.services.audit.audit.record": "writes the calling service's audit event",
    "clinic_desktop.services.episodes.pathway_sync.synchronise": "brings an episode's items up to date after a change",
    "clinic_desktop.services.episodes.pathway_sync.synchronise_patient_episodes": "the same, for a patient's episodes",
    "clinic_desktop.services.episodes.pathway_sync.resynchronise_waiting_items": "the same, after a settings change",
    "clinic_desktop.services.episodes.measures.store_measures": "stores a visit's measures with its own record",
    "clinic_desktop.services.episodes.handover.owned_by": "what a user being deactivated still owns",
    "clinic_desktop.services.referrals.destinations.record_destination": "stores a letter's destination",
    "clinic_desktop.services.referrals.referral_checks.cancellation_reason": "why a referral may be cancelled",
    "clinic_desktop.services.referrals.referrals.cancel": "cancels a referral for discharge or a user's hand-over",
    "clinic_desktop.services.referrals.signing_keys.new_password_keys": "the signing keys an account's new "
                                                                         "password guards, in its account service",
}
# The checks themselves: what the role may do, and who the actor is (any signed-in account may).
CHECKS = {"clinic_desktop.services.core.permissions.require", "clinic_desktop.services.admin.users.verify_password"}


def _service_modules():
    for found in pkgutil.walk_packages(services.__path__, prefix="clinic_desktop.services."):
        if not found.ispkg:
            yield importlib.import_module(found.name)


SERVICE_MODULES = sorted(_service_modules(), key=lambda module: module.__name__)


def _public_functions(module):
    """Functions defined in the module itself whose names do not start with '_'."""
    return sorted(
        name for name, value in vars(module).items()
        if inspect.isfunction(value) and not name.startswith("_")
        and inspect.unwrap(value).__module__ == module.__name__
    )


def _takes_actor_first(function) -> bool:
    parameters = list(inspect.signature(inspect.unwrap(function)).parameters)
    return bool(parameters) and parameters[0] == "actor"


@pytest.mark.parametrize("module", SERVICE_MODULES, ids=lambda module: module.__name__)
def test_each_service_module_lists_everything_it_offers_in_all(module):
    offered = getattr(module, "__all__", None)
    assert offered is not None, f"{module.__name__} has no __all__"
    assert sorted(name for name in offered if not hasattr(module, name)) == []
    assert [name for name in _public_functions(module) if name not in offered] == []


@pytest.mark.parametrize("module", SERVICE_MODULES, ids=lambda module: module.__name__)
def test_each_offered_function_taking_the_actor_checks_a_permission(module):
    unchecked = [
        name for name in module.__all__
        if inspect.isfunction(getattr(module, name)) and _takes_actor_first(getattr(module, name))
        and not hasattr(getattr(module, name), "permission")
        and f"{getattr(module, name).__module__}.{name}" not in IN_TRANSACTION_HELPERS.keys() | CHECKS
    ]
    assert unchecked == []


def test_the_exempt_helpers_exist_and_take_the_actor():
    for dotted in IN_TRANSACTION_HELPERS.keys() | CHECKS:
        module_name, name = dotted.rsplit(".", 1)
        function = getattr(importlib.import_module(module_name), name)
        assert _takes_actor_first(function) and not hasattr(function, "permission"), dotted


def _imports(layer: str):
    """(file, imported module, imported name or None) for every import in a layer's source."""
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name, None
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    yield path, node.module, alias.name


@pytest.mark.parametrize("layer", ["ui", "cli"])
def test_windows_and_commands_never_call_an_in_transaction_helper(layer):
    imported = {f"{module}.{name}" for _, module, name in _imports(layer) if name}
    assert sorted(imported & IN_TRANSACTION_HELPERS.keys()) == []


def test_the_windows_never_import_the_models_or_peewee():
    reached = sorted(
        f"{path.relative_to(PACKAGE)}: {module}" for path, module, name in _imports("ui")
        if module.split(".")[0] == "peewee" or module.startswith("clinic_desktop.models")
        or (module == "clinic_desktop" and name == "models")
    )
    assert reached == []
