"""Simulated workstations and writing stations for the push benchmark, each group in a process of its own.

A workstation here is what a window's change hub does, with the app's own code and none of Qt:
it reads the change feed (``changes_since``) either every 3 s (polling) or when its listener
(services/core/change_listener.py, the window's own) hears a change, with the 30 s safety net;
and whenever the feed brings a change that can touch the practice manager's overdue list it
re-reads it (``worklists.overdue``, first page of 100 and its count), as the home tab does: the
change reached a record the list reads (its ``reads``, ui/worklists/worklist_views.py), and
not only the details of a patient who is not on its rows (services/core/change_reach.py).
``relevance=False`` re-reads it after every change, as the window did before (issue 19's "before"). Workstations
run as threads, a few dozen to a process, so the GIL of one process does not queue 200 of them.

The window runs each of those reads as a background ``Op`` on one of its reader threads
(ui/ops/readers.py), whose server connection is kept from read to read; a workstation here
likewise keeps one connection for its reads. ``fresh_connections`` opens one a read and closes
it, as the window's reads did before the readers (issue 19's "before").

A writing station writes through the services twice a second, and notes when each write was
committed (the service returned) and its audit event's id: ``register`` registers a patient (the
issue's measure), ``follow-up`` adds a follow-up review to an open episode, a write every list of
care must show, so every wake-up re-reads the overdue list. Propagation is then, for each write
and each workstation, the time from that commit to the moment that workstation's screen shows
it: the end of the first feed read that brought the event, or of the overdue list's re-read
after it when the change touched the list.
"""
from __future__ import annotations

import random
import resource
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from clinic_desktop.models import AuditEvent, Episode, bind_database, make_database
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core import change_listener
from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import concerns
from clinic_desktop.services.core.transaction import close_thread_connection
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.worklists.worklist_views import OVERDUE

# Users 1 and 2 of the generated clinic (clinic_rows._users).
MANAGER = Actor(user_id=1, username="manager", full_name="Morag Manager", role="practice_manager")
RECEPTION = Actor(user_id=2, username="reception", full_name="Rita Reception", role="receptionist")
POLL_SECONDS = 3.0  # the hub's timer (ui/shell/change_hub.py)
SAFETY_NET_SECONDS = 30.0  # its pace while a listener hears every change (ui/shell/change_push.py)
PAGE = 100  # the overdue list's first page, as the home tab reads it
_NAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Evans")


@dataclass
class Signals:
    """How the benchmark's parent starts and stops every process together (multiprocessing objects)."""

    ready: object  # Queue: each process puts its pid once its workstations are connected
    go: object  # Event: measuring starts
    stop: object  # Event: measuring ends
    results: object  # Queue: each process puts its figures


@dataclass
class StationFigures:
    reads_ms: list[float] = field(default_factory=list)  # every feed read
    rereads_ms: list[float] = field(default_factory=list)  # every overdue-list re-read
    seen_at: dict[int, float] = field(default_factory=dict)  # event id -> wall time its read ended
    errors: list[str] = field(default_factory=list)


def run_workstations(url: str, push: bool, count: int, as_of, signals: Signals,
                     coalesce_seconds: float = change_listener.COALESCE_SECONDS, fresh_connections: bool = False,
                     relevance: bool = True) -> None:
    """``count`` workstations in this process, until ``signals.stop``; their figures go to ``signals.results``.

    ``coalesce_seconds``: the listeners' gathering window, the app's unless a run compares another.
    """
    change_listener.COALESCE_SECONDS = coalesce_seconds
    bind_database(make_database(url))
    figures = [StationFigures() for _ in range(count)]
    connected = threading.Barrier(count + 1)
    threads = [threading.Thread(target=_workstation, args=(push, as_of, signals, connected, mine, fresh_connections,
                                                           relevance), daemon=True)
               for mine in figures]
    for thread in threads:
        thread.start()
    connected.wait()
    signals.ready.put("workstations")
    signals.go.wait()
    cpu_before = _cpu_seconds()
    for thread in threads:
        thread.join()
    signals.results.put(dict(kind="workstations", cpu_s=_cpu_seconds() - cpu_before,
                             stations=[vars(mine) for mine in figures]))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _workstation(push: bool, as_of, signals: Signals, connected: threading.Barrier, mine: StationFigures,
                 fresh_connections: bool, relevance: bool) -> None:
    # What an Op's own thread did when its call was over (before the readers): the next read connects afresh.
    done = close_thread_connection if fresh_connections else (lambda: None)
    shown = _overdue_patients(as_of)  # the list as the window first reads it
    start = change_feed.starting_point(MANAGER)
    newest, newest_hash = start.newest_id, start.newest_hash
    seen: deque[int] = deque(sorted(start.event_ids), maxlen=2 * change_feed.LOOK_BACK)
    woken = threading.Event()
    listener = None
    if push:
        listening = threading.Event()
        listener = change_listener.listen_for_changes(MANAGER, lambda _ids: woken.set(),
                                                      lambda up: listening.set() if up else None)
        listening.wait(60)
    connected.wait()
    signals.go.wait()
    next_poll = time.monotonic() + random.uniform(0, POLL_SECONDS)  # windows opened at different moments
    try:
        while not signals.stop.is_set():
            if push:
                _until_woken(woken, signals.stop)
            else:
                time.sleep(max(0.0, next_poll - time.monotonic()))
                next_poll += POLL_SECONDS
            if signals.stop.is_set():
                break
            began = time.perf_counter()
            try:
                feed = change_feed.changes_since(MANAGER, newest, frozenset(seen), newest_hash)
            except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
                mine.errors.append(str(error))
                continue
            finally:
                done()
            mine.reads_ms.append((time.perf_counter() - began) * 1000)
            newest, newest_hash = feed.newest_id, feed.newest_hash
            seen.extend(sorted(feed.event_ids))
            if feed.event_ids and (not relevance or feed.everything
                                   or concerns(feed.reached, OVERDUE.reads.records, shown_patients=shown)):
                began = time.perf_counter()
                shown = _overdue_patients(as_of)
                done()
                mine.rereads_ms.append((time.perf_counter() - began) * 1000)
            shows = time.time()  # the screen shows the change: its list read again if the change touched it
            for event_id in feed.event_ids:
                mine.seen_at[event_id] = shows
    finally:
        if listener is not None:
            listener.stop()


def _overdue_patients(as_of) -> frozenset[int]:
    """The overdue list's first page read, as the home tab reads it; the patients on its rows."""
    return frozenset(row.patient_id for row in worklists.overdue(MANAGER, as_of=as_of, limit=PAGE).rows)


def _until_woken(woken: threading.Event, stop) -> None:
    """The hub's wait: a notice, or the safety net's tick (looking at ``stop`` now and then, to end the run)."""
    deadline = time.monotonic() + SAFETY_NET_SECONDS
    while not woken.wait(0.5) and not stop.is_set() and time.monotonic() < deadline:
        pass
    woken.clear()


def run_writers(url: str, count: int, per_second: float, signals: Signals, writes: str = "register") -> None:
    """``count`` writing stations, each writing ``per_second`` times a second: ``writes`` says what."""
    bind_database(make_database(url))
    write = _register if writes == "register" else _follow_up(
        [row[0] for row in Episode.select(Episode.id).where(Episode.status == "open").limit(10_000).tuples()])
    commits: list[tuple[int, float]] = []  # (event id, wall time of the commit)
    errors: list[str] = []
    threads = [threading.Thread(target=_writer, args=(number, per_second, signals, commits, errors, write),
                                daemon=True)
               for number in range(count)]
    for thread in threads:
        thread.start()
    signals.ready.put("writers")
    for thread in threads:
        thread.join()
    signals.results.put(dict(kind="writers", commits=commits, errors=errors))


def _writer(number: int, per_second: float, signals: Signals, commits: list, errors: list, write) -> None:
    rng = random.Random(number)
    signals.go.wait()
    next_write = time.monotonic() + rng.uniform(0, 1 / per_second)
    while not signals.stop.is_set():
        time.sleep(max(0.0, next_write - time.monotonic()))
        next_write += 1 / per_second
        try:
            patient_id = write(rng)
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            errors.append(str(error))
            continue
        committed = time.time()
        event_id = AuditEvent.select(fn.MAX(AuditEvent.id)).where(AuditEvent.patient == patient_id).scalar()
        commits.append((event_id, committed))


def _register(rng: random.Random) -> int:
    """A new patient: the patient's id."""
    return patients.register_patient(RECEPTION, family_name=rng.choice(_NAMES), given_name=rng.choice(_NAMES),
                                     date_of_birth=_birth_date(rng), confirm_not_duplicate=True).id


def _follow_up(open_episodes: list[int]):
    """A follow-up review added to one of these open episodes; its patient's id."""
    def write(rng: random.Random) -> int:
        episode_id = rng.choice(open_episodes)
        appointments.add_follow_up(RECEPTION, episode_id, due_by=date.today() + timedelta(days=14),
                                   reason="Benchmark follow-up")
        return Episode.get_by_id(episode_id).patient_id
    return write


def _birth_date(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
