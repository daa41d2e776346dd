"""The change hub's ear on the server: a change announced there makes the hub read the feed at once.

The listening itself (its connection, its thread, gathering a burst of notices into one) is
services/core/change_listener.py; this brings what it hears onto the window's thread and
decides the hub's timer. While notices can arrive, the timer is only a safety net
(``SAFETY_NET_SECONDS``), in case one was lost; while they cannot (the connection lost, trying
again), the hub polls at its usual pace, so a window is never slower than before push existed.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clinic_desktop.services.core import change_listener
from clinic_desktop.services.core.errors import ServiceError

# With a live listener a poll finds something only if a notice was lost, which TCP and the server
# make rare: half a minute bounds how stale a screen can then be, at a tenth of the 3 s polls' cost.
SAFETY_NET_SECONDS = 30


class PushedChanges(QObject):
    """Listens for ``hub`` while it runs; ``stop()`` before the hub goes."""

    _heard = Signal(object)  # the announced event ids, from the listener's thread
    _listening = Signal(bool)

    def __init__(self, hub, actor, poll_seconds: float):
        super().__init__(hub)
        self._hub = hub
        self._poll_seconds = poll_seconds
        self._connected = False  # as last told on the window's thread, where the pace is set
        self._heard.connect(self._read_if_new)
        self._listening.connect(self._set_pace)
        try:
            self._listener = change_listener.listen_for_changes(actor, self._heard.emit, self._listening.emit)
        except ServiceError:
            self._listener = None  # the database cannot be read now: the hub's timer reads and says why

    @property
    def listening(self) -> bool:
        """Whether notices can arrive now (the timer is then only the safety net)."""
        return self._connected

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self._connected = False

    def _read_if_new(self, event_ids: frozenset[int]) -> None:
        """A write made in this window was read right after it: its own notice needs no second read."""
        if not event_ids or not self._hub.has_seen(event_ids):
            self._hub.poll_soon(announced=True)

    def _set_pace(self, listening: bool) -> None:
        if self._listener is None:
            return  # told before the listener stopped, heard after
        self._connected = listening
        self._hub.poll_every(max(self._poll_seconds, SAFETY_NET_SECONDS) if listening else self._poll_seconds)
        if listening:
            self._hub.poll_soon(announced=True)  # whatever changed while nobody was listening
