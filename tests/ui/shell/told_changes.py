"""Telling a view of a change as the change hub tells it, and counting what it reads again
(test_view_reads.py, test_view_reads_by_patient.py)."""
from __future__ import annotations

from clinic_desktop.services.core.change_reach import reached_by
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.ui.shell.change_hub import ChangeHub, Changes


def told(hub: ChangeHub, kind: Entity, patient_id: int | None = None, action: str = "", **flags) -> None:
    """As the hub tells of one event of ``kind`` (``action``: one that changes less than its kind may)."""
    hub.changed.emit(Changes(reached_by(kind, action, patient_id), **flags))


def counted(monkeypatch, owner, name: str) -> list:
    """Count the calls of ``owner.name`` (a class, before its views are made, or one object)."""
    calls: list = []
    original = getattr(owner, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def shown(qtbot, view):
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view
