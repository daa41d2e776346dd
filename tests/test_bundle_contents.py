"""What the bundle leaves out and where the app keeps its data, checked without building one.

A bundle left without a Qt module the app has started to use, or without the platform plugin
it opens on, fails only at a clinic's desk; so does an app that writes beside its own program,
which an update replaces. The bundle's own smoke test (`make bundle-test`,
packaging/bundle_smoke.py) runs the built folder; these keep its recipe honest in every
`make test`.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import platformdirs
import pytest
from database_fixtures import open_test_database

from clinic_desktop.models.database import database_location, default_database_path
from clinic_desktop.services.admin.backup_schedule import backup_folder
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.ui.shell.warm_up import LIBRARIES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

from bundle_contents import EXCLUDED_MODULES, plugin_is_used  # noqa: E402

IMPORTED = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)


def modules_the_app_imports() -> set[str]:
    found = set(LIBRARIES)  # the warm-up imports these by name
    for source in (ROOT / "clinic_desktop").rglob("*.py"):
        found |= set(IMPORTED.findall(source.read_text(encoding="utf-8")))
    return found


def test_the_bundle_leaves_out_no_module_the_app_imports():
    imported = modules_the_app_imports()
    assert "PySide6.QtCharts" in imported  # the scan sees the app's Qt imports
    left_out = {module for module in imported for excluded in EXCLUDED_MODULES
                if module == excluded or module.startswith(excluded + ".")}
    assert left_out == set()


@pytest.mark.parametrize("plugin", ["platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/qwindows.dll",
                                    "platforms/libqcocoa.dylib", "imageformats/libqjpeg.so",
                                    "printsupport/libcupsprintersupport.so",
                                    "platforminputcontexts/libibusplatforminputcontextplugin.so",
                                    "xcbglintegrations/libqxcb-glx-integration.so"])
def test_the_plugins_the_app_opens_on_and_prints_with_are_kept(plugin):
    assert plugin_is_used(*plugin.split("/"))


@pytest.mark.parametrize("plugin", ["platforms/libqwayland.so", "platforms/libqeglfs.so", "platforms/libqvnc.so",
                                    "platformthemes/libqgtk3.so", "imageformats/libqpdf.so",
                                    "platforminputcontexts/libqtvirtualkeyboardplugin.so",
                                    "tls/libqopensslbackend.so", "networkinformation/libqglib.so"])
def test_the_plugins_the_app_never_uses_are_left_out(plugin):
    assert not plugin_is_used(*plugin.split("/"))


def test_the_clinic_database_and_its_backups_live_in_the_users_data_folder(tmp_path, monkeypatch):
    """Never beside the program: an update replaces the program's folder (docs/deployment/bundle.md)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CLINIC_DESKTOP_DATABASE", raising=False)
    data = Path(platformdirs.user_data_dir("clinic-desktop", appauthor=False))
    assert data.is_relative_to(tmp_path)
    assert database_location() == str(default_database_path()) and default_database_path().parent == data
    open_test_database(database_location())  # the embedded database, opened as the app opens it
    assert backup_folder(ClinicSettings(backup_folder="")) == data / "backups"
