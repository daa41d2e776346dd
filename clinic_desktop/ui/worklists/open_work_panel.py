"""The practice manager's "All open work": every open obligation, whoever owes it.

DESIGN.md, "The safety net": the manager can see every open obligation by owner. Items
nobody active owns (unassigned, or their owner has left) come first, then the urgent and
the nearest deadline; the left list picks one kind, the bar above the table one clinician
or only the unassigned items. A row opens its patient.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from clinic_desktop.services.admin import users
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.permissions import CLINICIAN, allowed
from clinic_desktop.services.worklists import obligations, worklists
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.worklists.row_actions import RowActions
from clinic_desktop.ui.worklists.worklist_views import WorklistView
from clinic_desktop.ui.worklists.worklists_panel import ListByKind


class OpenWorkByOwner(ListByKind):
    all_label = "All open work"

    def __init__(self, view: WorklistView, actor: Actor, actions: RowActions, parent=None):
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner")
        self.owner.addItem("Anyone", None)
        self.unassigned_only = QCheckBox("&Unassigned only")
        self.unassigned_only.setToolTip("Only the items no active clinician owns: nobody named, or they have left")
        self._owner_id: int | None = None  # the filters as chosen: a page is read off the window's thread,
        self._unassigned_only = False  # where the widgets cannot be asked
        self._clinicians_asked = False
        self._owner_label = QLabel("O&wner")
        self._owner_label.setBuddy(self.owner)
        super().__init__(view, actor, actions, parent)
        self.owner.currentIndexChanged.connect(self._filter_changed)
        self.unassigned_only.toggled.connect(self._filter_changed)

    def narrowing(self) -> tuple[QWidget, ...]:
        return self._owner_label, self.owner, self.unassigned_only

    def counts(self) -> dict[str, int]:
        return obligations.open_work_counts(self._actor)

    def kind_title(self, kind: str) -> str:
        return obligations.KINDS[kind].title

    def fetch(self, kind: str | None, offset: int, limit: int, text: str) -> worklists.Page:
        return obligations.open_work(self._actor, kinds=(kind,) if kind else None, owner_user_id=self._owner_id,
                                     unassigned_only=self._unassigned_only, offset=offset, limit=limit, text=text)

    def reload(self) -> None:
        """The first time, the clinicians to filter by are read too, beside the list."""
        if not self._clinicians_asked and allowed(self._actor.role, "manage_users"):
            self._clinicians_asked = True
            # Unreadable just now: the list still works, unfiltered by person.
            Op(self, lambda: users.list_users(self._actor)).success(self._add_clinicians).failure(
                lambda _error: None).in_background(None)
        super().reload()

    def _add_clinicians(self, found) -> None:
        """The active clinicians, by name: the people a personal item can belong to."""
        for clinician in found:
            if clinician.active and clinician.role == CLINICIAN:
                self.owner.addItem(clinician.full_name, clinician.id)

    def _filter_changed(self, *_) -> None:
        self._owner_id = self.owner.currentData()
        self._unassigned_only = self.unassigned_only.isChecked()
        self.owner.setEnabled(not self._unassigned_only)  # unassigned items have no owner to pick
        self.list.reload()
