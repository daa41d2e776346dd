import subprocess
import sys

IMPORT_EVERY_PATHWAY_MODULE_AND_LIST_FORBIDDEN_ONES = """
import importlib, pkgutil, sys
import clinic_desktop.pathway as pathway
for module in pkgutil.iter_modules(pathway.__path__):
    importlib.import_module(f"clinic_desktop.pathway.{module.name}")
print(sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("PySide6", "shiboken6", "peewee")
    or (name.startswith("clinic_desktop.") and not name.startswith("clinic_desktop.pathway"))
))
"""


def test_pathway_imports_nothing_from_qt_peewee_or_the_rest_of_the_app():
    loaded = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_PATHWAY_MODULE_AND_LIST_FORBIDDEN_ONES],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert loaded == "[]"
