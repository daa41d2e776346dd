"""One place that tells every open view what changed, whoever changed it.

After a write made in this window, and every few seconds for writes made on other
workstations, the hub reads the new audit events and announces a ``Changes``; each view
decides for itself whether it is concerned (Anki's ``OpChanges``, fed by the database),
in the records each event may have changed (services/core/change_reach.py), never bare strings. The clinic's date changing at midnight is a
change too: what was due today is overdue now, even if nobody touched anything, and a
window is often left open overnight.

On PostgreSQL the timer's read is a round trip to the server, so it runs off the window's
thread (ui/ops/op.py) and its result is announced back on it; one read at a time, and a
read overtaken by one made meanwhile on the window's thread (after a write here) is
dropped, so nothing is announced twice.

While the database cannot be read the hub waits longer after each failure (3, 6, 12 … 60 s,
each ±20 %) and says when it will try again (``next_try``); the first read that works brings
back the normal interval.

On PostgreSQL the server also announces each change as it is committed (ui/shell/change_push.py):
the hub then reads at once, and its timer is only a safety net.
"""
from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Reached
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_push import PushedChanges

POLL_SECONDS = 3
# Backing off while the database cannot be read: a server out of connection slots was retried every 3 s by
# each window it refused (2,182 failed attempts a minute from 200 windows, issue 19), which keeps it full.
# The first retry comes when the next poll would have; each failure doubles the wait, up to:
RETRY_LONGEST_SECONDS = 60  # (±20 %) a window sees the server back within about a minute of its return
RETRY_JITTER = 0.2  # each wait ±20 %: windows refused at the same moment do not all return in the same second
LISTEN = True  # whether a hub listens for the server's announcements where it can (tests: off unless asked)
_REMEMBERED = 2 * change_feed.LOOK_BACK


@dataclass(frozen=True)
class Changes:
    """What the events read since the last announcement may have changed, and whose (change_reach.py);
    each view asks ``Reads.concerned`` (view_reads.py) whether that is something it shows."""

    reached: frozenset[Reached]
    everything: bool = False  # too many, or of a kind this version does not know: every view reads again
    new_day: bool = False  # the clinic's date moved on since the last announcement

    def merged(self, later: Changes) -> Changes:
        """These changes and ``later`` ones as one (what a hidden view is handed when shown)."""
        return Changes(self.reached | later.reached, self.everything or later.everything,
                       self.new_day or later.new_day)


class ChangeHub(QObject):
    changed = Signal(object)  # a Changes
    unreachable = Signal(str)  # the database could not be read; the reason, in words
    reachable = Signal()
    answered = Signal()  # a read of the feed went through: the database answers (views whose read failed retry)
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
        self._failures = 0  # reads failed in a row: each makes the next wait longer
        self.next_try: datetime | None = None  # while failing, when the hub reads again (the window says so)
        self._reads = 0  # feeds taken in so far: a background read started before the last one is stale
        self._reading: Op | None = None
        self._again = False  # a read was asked for while one was under way: read once more after it
        self._stopped = False
        self._in_background = change_feed.read_over_the_network()
        poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self._timer = QTimer(self)
        self._interval_ms = 0
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
        """Read every ``seconds`` from now on; while backing off from failures, from the next read that works."""
        self._interval_ms = int(seconds * 1000)
        if not self._failing:
            self._timer.setInterval(self._interval_ms)

    def polls_every(self) -> float:
        """Seconds between the timer's reads while the database answers."""
        return self._interval_ms / 1000

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
            self._reading.read_in_background()

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
            self._failing, self._failures, self.next_try = False, 0, None
            self._timer.start(self._interval_ms)
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
            self.changed.emit(Changes(feed.reached, everything=True, new_day=True))
        elif feed.event_ids or everything:
            self.changed.emit(Changes(feed.reached, feed.everything or everything))
        self.answered.emit()

    def _report_failure(self, reason: str) -> None:
        """Wait longer before the next read, then say why it failed (the window adds when it will try again)."""
        self._failing = True
        self._failures += 1
        every = self._interval_ms / 1000
        wait = min(every * 2 ** (self._failures - 1), max(every, RETRY_LONGEST_SECONDS))
        wait *= random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)
        self._timer.start(round(wait * 1000))
        self.next_try = clock.now_utc() + timedelta(seconds=wait)
        self.unreachable.emit(reason)
