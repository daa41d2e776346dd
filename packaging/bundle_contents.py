"""What the bundle holds beyond what PyInstaller finds, and what it leaves out (issue 18).

Kept apart from the spec (packaging/clinic-desktop.spec imports it) so that the normal test
suite can check it without building anything: a Qt module the app starts to use while the
bundle still leaves it out, or a platform plugin the app opens on dropped by a pattern,
would otherwise show only at a clinic's desk (tests/test_bundle_contents.py).
"""
from __future__ import annotations

import re

NAME = "clinic-desktop"

# Imported by name at run time, so no import statement shows them to PyInstaller: the views and
# dialogs --screenshot and the warm-up import by name (clinic_desktop.ui.*), and fhir.resources'
# models, which it looks up by resource type ("Patient" -> fhir.resources.patient).
IMPORTED_BY_NAME = ("clinic_desktop", "fhir.resources")

# Distributions whose metadata their own code reads at run time (importlib.metadata).
METADATA = ("fhir.resources", "pyhanko", "keyring", "notifications-python-client", "email-validator")

# Qt and Python modules the app never imports (it uses QtCore, QtGui, QtWidgets, QtPrintSupport
# and QtCharts; QtCharts needs QtOpenGL and QtOpenGLWidgets, the SVG plugins QtSvg: those stay).
EXCLUDED_MODULES = ("PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtQuickWidgets", "PySide6.QtNetwork",
                    "PySide6.QtPdf", "PySide6.QtWebEngineCore", "PySide6.QtMultimedia", "PySide6.QtVirtualKeyboard",
                    "tkinter", "IPython", "matplotlib", "pytest", "hypothesis",
                    # cffi's compiler support (never used: argon2's bindings come compiled) pulls in
                    # setuptools, whose runtime hooks would import pkg_resources at every start (a third
                    # of a second of CPU before --version answers).
                    "setuptools", "pkg_resources", "distutils")

# Qt plugins ("type/file"): of the platforms, xcb (X11, and Wayland desktops through XWayland) and
# offscreen (--screenshot) on Linux, the system's own elsewhere; no virtual keyboard, PDF image
# plugin, network information or TLS (the app's only network use, e-mail and SMS reminders, is
# Python's), no GTK theme (it cannot load without GTK 3, which is not bundled, and the system's
# GTK beside a bundled cairo or pango is a known crash).
UNUSED_QT_PLUGINS = re.compile(
    r"^(platforms/.*(eglfs|linuxfb|minimal|vkkhrdisplay|vnc|wayland)"
    r"|platforminputcontexts/.*virtualkeyboard|imageformats/.*pdf|platformthemes/.*gtk3"
    r"|(egldeviceintegrations|networkinformation|tls|generic|wayland-[^/]*)/)", re.IGNORECASE)

UNUSED_DATA = re.compile(r"(^|/)translations/")  # Qt's own strings: the app's are English


def plugin_is_used(plugin_type: str, file_name: str) -> bool:
    return not UNUSED_QT_PLUGINS.search(f"{plugin_type}/{file_name}")
