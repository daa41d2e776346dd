"""One place that tells every open view what changed, whoever changed it.

After a write made in this window, and every few seconds for writes made on other
workstations, the hub reads the new audit events and announces a ``Changes``; each view
decides for itself whether it is concerned (Anki's ``OpChanges``, fed by the database).
The clinic's date changing at midnight is a change too: what was due today is overdue
now, even if nobody touched anything, and a window is often left open overnight.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import ServiceError

POLL_SECONDS = 3
_REMEMBERED = 2 * change_feed.LOOK_BACK


@dataclass(frozen=True)
class Changes:
    patient_ids: frozenset[int]
    entities: frozenset[str]
    everything: bool = False
    new_day: bool = False  # the clinic's date moved on since the last announcement

    def touches_patient(self, patient_id: int) -> bool:
        return self.everything or patient_id in self.patient_ids


class ChangeHub(QObject):
    changed = Signal(object)  # a Changes
    unreachable = Signal(str)  # the database could not be read; the reason, in words
    reachable = Signal()
    replaced = Signal()  # another database is in place (a restored backup): nothing shown can be trusted

    def __init__(self, actor: Actor, poll_seconds: float | None = None, parent=None):
        super().__init__(parent)
        self._actor = actor
        self._zone = load_settings().zone
        self._day = clock.today(self._zone)
        start = change_feed.starting_point(actor)
        self._newest = start.newest_id
        self._newest_hash = start.newest_hash
        self._seen: deque[int] = deque(sorted(start.event_ids), maxlen=_REMEMBERED)
        self._failing = False
        self._timer = QTimer(self)
        self._timer.setInterval(int((POLL_SECONDS if poll_seconds is None else poll_seconds) * 1000))
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def after_change(self) -> None:
        """Call after every successful write made here: the views redraw at once."""
        self.poll()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self, everything: bool = False) -> bool:
        """Read what changed and announce it; ``everything``: announce a full redraw anyway (F5).
        False when the database could not be read (``unreachable`` says why)."""
        try:
            feed = change_feed.changes_since(self._actor, self._newest, frozenset(self._seen), self._newest_hash)
        except ServiceError as error:
            self._report_failure(str(error))
            return False
        if self._failing:
            self._failing = False
            self.reachable.emit()
        self._newest, self._newest_hash = feed.newest_id, feed.newest_hash
        if feed.replaced:
            self._seen.clear()
            self._seen.extend(sorted(feed.event_ids))
            self.replaced.emit()
            return True
        self._seen.extend(sorted(feed.event_ids))
        day = clock.today(self._zone)
        if day != self._day:
            self._day = day
            self.changed.emit(Changes(feed.patient_ids, feed.entities, everything=True, new_day=True))
        elif feed.event_ids or everything:
            self.changed.emit(Changes(feed.patient_ids, feed.entities, feed.everything or everything))
        return True

    def _report_failure(self, reason: str) -> None:
        if not self._failing:
            self._failing = True
            self.unreachable.emit(reason)
