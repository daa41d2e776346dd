"""The few threads that run the window's background reads on a server, each on a kept connection.

A thread and a connection a read cost the server a new session every time a change was
announced and a list re-read (issue 19); these threads keep theirs open from read to read
(services/core/kept_connection.py). They start with the first read and stop, closing their
connections, when the window closes (signing out, a restored database, quitting the app), so
nobody's session is left open on the server behind them. A read the closed window's lists still
start on their way out (an answer that arrived as it closed asks for the next page) then runs on
a thread and connection of its own, closed after it, until the next window opens the readers again.

``READERS`` threads: the most reads a window starts at once is the change feed's and the
dashboard's two lists (the book and the work lists read one at a time), and a read that waits a
moment for a free reader costs less than a server connection held by each workstation all day.
"""
from __future__ import annotations

import queue
import threading
from typing import Callable, ClassVar

from clinic_desktop.services.core.kept_connection import KeptConnection

__all__ = ["READERS", "Readers"]

READERS = 2

_STOP = None  # what a reader takes from the queue to finish


class Readers:
    """The process's reader threads: ``Readers.run(job)`` runs ``job(read)``, where ``read(call)``
    runs a read on the thread's kept connection; ``Readers.stop()`` ends them and ``Readers.resume()``
    lets them start again."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _jobs: ClassVar[queue.SimpleQueue | None] = None
    _threads: ClassVar[list[threading.Thread]] = []
    _stopped: ClassVar[bool] = False

    @classmethod
    def run(cls, job: Callable[[Callable], None]) -> bool:
        """Hand ``job`` to the next free reader (started now if none runs); False, and nothing done,
        while the readers are stopped."""
        with cls._lock:
            if cls._stopped:
                return False
            if cls._jobs is None:
                cls._jobs = queue.SimpleQueue()
                cls._threads = [threading.Thread(target=_reader, args=(cls._jobs,), name=f"reader {number}",
                                                 daemon=True) for number in range(1, READERS + 1)]
                for thread in cls._threads:
                    thread.start()
            cls._jobs.put(job)
        return True

    @classmethod
    def resume(cls) -> None:
        """Let reads start the readers again (a window opens)."""
        with cls._lock:
            cls._stopped = False

    @classmethod
    def stop(cls, seconds: float = 30) -> None:
        """Let the readers finish the reads handed to them, then end them and close their connections;
        no reader starts again until ``resume``."""
        with cls._lock:
            jobs, threads = cls._jobs, cls._threads
            cls._jobs, cls._threads, cls._stopped = None, [], True
        if jobs is None:
            return
        for _thread in threads:
            jobs.put(_STOP)
        for thread in threads:
            thread.join(seconds)

    @classmethod
    def running(cls) -> int:
        """How many reader threads are alive (each may hold a server connection)."""
        return sum(thread.is_alive() for thread in cls._threads)


def _reader(jobs: queue.SimpleQueue) -> None:
    connection = KeptConnection()
    try:
        while (job := jobs.get()) is not _STOP:
            job(connection.read)
    finally:
        connection.close()
