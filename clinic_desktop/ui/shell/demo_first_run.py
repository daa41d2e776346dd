"""``make run`` on an empty database: the demo clinic is built under a progress dialog.

Building it plays each patient's story through the services, about ten seconds for the
default clinic; a window that sat silent meanwhile would look hung. The build runs as a
background op (ui/ops) whose dialog shows the story's steps, and the sign-in dialog that
follows names the demo accounts.
"""
from __future__ import annotations

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QWidget

from clinic_desktop.demo.clinic_story import DEFAULT_PATIENTS, DemoSummary, build_demo, database_is_empty
from clinic_desktop.ui.ops.op import Op

__all__ = ["BUILDING", "build_demo_if_empty", "sign_in_notice"]

BUILDING = "Building the demo clinic…"


def build_demo_if_empty(patients: int = DEFAULT_PATIENTS, parent: QWidget | None = None) -> DemoSummary | None:
    """Build the demo clinic into an empty database while a progress dialog shows how far it got;
    None when the database already holds a clinic, or the build was refused (the refusal shown)."""
    if not database_is_empty():
        return None
    owner = parent or QWidget()  # before sign-in there is no window yet: the dialog stands alone
    built: list[DemoSummary] = []
    waiting = QEventLoop()
    op = Op(owner, lambda: build_demo(patients), refusal_title="No demo clinic").success(built.append)
    op.finished.connect(waiting.quit)
    op.in_background(BUILDING)
    waiting.exec()
    return built[0] if built else None


def sign_in_notice(summary: DemoSummary) -> str:
    """What the sign-in dialog says after the build: which demo accounts there are, with their passwords."""
    accounts = "; ".join(f"{username} ({password})" for username, password in summary.usernames.items())
    return f"Demo clinic ready with {summary.patients} patients. Sign in as {accounts}."
