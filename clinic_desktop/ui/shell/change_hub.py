"""One place that tells every open view what changed, whoever changed it.

After a write made in this window, and every few seconds for writes made on other
workstations, the hub reads the new audit events and announces a ``Changes``; each view
decides for itself whether it is concerned (Anki's ``OpChanges``, fed by the database),
in ``Entity`` kinds, never bare strings. The clinic's date changing at midnight is a
change too: what was due today is overdue now, even if nobody touched anything, and a
window is often left open overnight.

On PostgreSQL the timer's read is a round trip to the server, so it runs off the window's
thread (ui/ops/op.py) and its result is announced back on it; one read at a time, and a
read overtaken by one made meanwhile on the window's thread (after a write here) is
dropped, so nothing is announced twice.

On PostgreSQL the server also announces each change as it is committed (ui/shell/change_push.py):
the hub then reads at once, and its timer is only a safety net.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_push import PushedChanges

POLL_SECONDS = 3
LISTEN = True  # whether a hub listens for the server's announcements where it can (tests: off unless asked)
_REMEMBERED = 2 * change_feed.LOOK_BACK

# What the worklists and the dashboard list and count: the records of care, the patients'
# names on their rows, the clinicians they are assigned to and the timings that set due dates.
# An export (a report, the audit trail) or a referral destination changes none of it.
LISTED = (Entity.APPOINTMENT, Entity.REFERRAL, Entity.EPISODE, Entity.PATIENT, Entity.USER,
          Entity.CLINIC_SETTING)
# What the appointment book shows: bookings, whose they are, and the clinic's hours and closures.
BOOKED = (Entity.APPOINTMENT, Entity.EPISODE, Entity.PATIENT, Entity.USER, Entity.CLINIC_SETTING)


@dataclass(frozen=True)
class Changes:
    patient_ids: frozenset[int]
    entities: frozenset[Entity]
    everything: bool = False
    new_day: bool = False  # the clinic's date moved on since the last announcement

    def touches(self, *entities: Entity) -> bool:
        """Whether any record of these kinds may have changed (everything does)."""
        return self.everything or not self.entities.isdisjoint(entities)

    def touches_patient(self, patient_id: int) -> bool:
        return self.everything or patient_id in self.patient_ids

    def merged(self, later: Changes) -> Changes:
        """These changes and ``later`` ones as one (what a hidden view is handed when shown)."""
        return Changes(self.patient_ids | later.patient_ids, self.entities | later.entities,
                       self.everything or later.everything, self.new_day or later.new_day)


class ChangeHub(QObject):
    changed = Signal(object)  # a Changes
    unreachable = Signal(str)  # the database could not be read; the reason, in words
    reachable = Signal()
    replaced = Signal()  # another database is in place (a restored backup): nothing shown can be trusted

    def __init__(self, actor: Actor, poll_seconds: float | None = None, parent=None, listen: bool | None = None):
        super().__init__(parent)
        self._actor = actor
        self._zone = load_settings().zone
        self._day = clock.today(self._zone)
        start = change_feed.starting_point(actor)
        self._newest = start.newest_id
        self._newest_hash = start.newest_hash
        self._seen: deque[int] = deque(sorted(start.event_ids), maxlen=_REMEMBERED)
        self._failing = False
        self._reads = 0  # feeds taken in so far: a background read started before the last one is stale
        self._reading: Op | None = None
        self._again = False  # a read was asked for while one was under way: read once more after it
        self._stopped = False
        self._in_background = change_feed.read_over_the_network()
        poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self._timer = QTimer(self)
        self.poll_every(poll_seconds)
        self._timer.timeout.connect(self.poll_soon)
        self._timer.start()
        listening = LISTEN if listen is None else listen
        self.push = PushedChanges(self, actor, poll_seconds) if listening and self._in_background else None

    def after_change(self) -> None:
        """Call after every successful write made here: the views redraw at once."""
        self.poll()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        if self.push is not None:
            self.push.stop()
        if self._reading is not None:
            self._reading.wait()

    def poll_every(self, seconds: float) -> None:
        self._timer.setInterval(int(seconds * 1000))

    def polls_every(self) -> float:
        """Seconds between the timer's reads."""
        return self._timer.interval() / 1000

    def has_seen(self, event_ids: frozenset[int]) -> bool:
        """Whether every one of these events was already read (and announced) here."""
        return event_ids.issubset(self._seen)

    def poll(self, everything: bool = False) -> bool:
        """Read what changed now and announce it; ``everything``: announce a full redraw anyway (F5).
        False when the database could not be read (``unreachable`` says why)."""
        try:
            feed = self._read()
        except ServiceError as error:
            self._report_failure(str(error))
            return False
        self._take(feed, everything)
        return True

    def poll_soon(self, announced: bool = False) -> None:
        """The timer's read: at once on SQLite; on PostgreSQL off the window's thread, one at a time.

        ``announced``: the server announced a change, which the read under way may have begun too
        early to see, so it is followed by one more (a timer's tick then is simply dropped)."""
        if self._stopped:
            return
        if not self._in_background:
            self.poll()
        elif self._reading is not None:
            self._again = self._again or announced
        else:
            started_after = self._reads
            self._reading = (Op(self, self._read)
                             .success(lambda feed: self._take(feed) if self._reads == started_after else None)
                             .failure(self._report_failure))
            self._reading.finished.connect(self._read_done)
            self._reading.in_background()

    def is_reading(self) -> bool:
        """Whether a background read is under way (the next tick waits for it)."""
        return self._reading is not None

    def _read_done(self) -> None:
        self._reading = None  # the op let go of the hub when it finished: nothing is kept
        if self._again:
            self._again = False
            self.poll_soon()

    def _read(self) -> change_feed.ChangeFeed:
        return change_feed.changes_since(self._actor, self._newest, frozenset(self._seen), self._newest_hash)

    def _take(self, feed: change_feed.ChangeFeed, everything: bool = False) -> None:
        """Remember how far the feed has been read, then announce what it says."""
        self._reads += 1
        if self._failing:
            self._failing = False
            self.reachable.emit()
        self._newest, self._newest_hash = feed.newest_id, feed.newest_hash
        if feed.replaced:
            self._seen.clear()
            self._seen.extend(sorted(feed.event_ids))
            self.replaced.emit()
            return
        self._seen.extend(sorted(feed.event_ids))
        day = clock.today(self._zone)
        if day != self._day:
            self._day = day
            self.changed.emit(Changes(feed.patient_ids, feed.entities, everything=True, new_day=True))
        elif feed.event_ids or everything:
            self.changed.emit(Changes(feed.patient_ids, feed.entities, feed.everything or everything))

    def _report_failure(self, reason: str) -> None:
        if not self._failing:
            self._failing = True
            self.unreachable.emit(reason)
