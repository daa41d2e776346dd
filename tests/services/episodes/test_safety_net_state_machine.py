"""The safety net, proved by a state machine (issue 10, "Proof"; DESIGN.md "The safety net").

Random staff on random days record every kind of fact in any order, book, attend, write,
sign, send and cancel, discharge, change who works here, the timings, the closure days and
the clock. After every step the open obligations worked out from the tables
(safety_net_truth.py) must each be on the list of an active user allowed to act on it, read
through obligations.obligation_list as the worklists read it; no deadline may be later than
the source allows or on a closed day; a change writes exactly one audit event, a refusal
none; the audit chain stays intact. Discharge and deactivation decide and hand over at
random, and sometimes invalidly, which must be refused; nothing handed over may be dropped.
Composite rules (a visit comes, a letter goes out, a relaxant course) take a chain of steps
so that every kind of obligation arises within a short run; the figures printed at the end
say what each service did and refused and after how many steps each kind was open.

``make test`` runs a few examples; SAFETY_NET_EXAMPLES raises them (``make soak``).
Where the services still have a hole, the step or check that finds it is switched off in
KNOWN_HOLES with the reproduction, and the run says so; delete the entry when the fix lands.
"""
from __future__ import annotations

import os
import time as timer
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from database_fixtures import PASSWORD, empty_postgres, make_staff, open_test_database
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from relaxant_answers import FOR_SPASM
from safety_net_truth import RELAXANT_NAMES, deadline_faults, open_obligations, unanswered_facts

from clinic_desktop.models import (
    Appointment,
    AuditEvent,
    Episode,
    Medication,
    PathwayWarning,
    Patient,
    Referral,
    User,
)
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import pathway_settings, users
from clinic_desktop.services.admin import settings as clinic_settings
from clinic_desktop.services.appointments import appointments, sessions
from clinic_desktop.services.audit import audit_chain
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.permissions import COMMAND_LINE, allowed
from clinic_desktop.services.episodes import discharge as discharges
from clinic_desktop.services.episodes import episodes, handover
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import cancelled_red_flags, referrals
from clinic_desktop.services.worklists import obligations
from clinic_desktop.services.worklists.worklists import MAX_PAGE_SIZE

# Each entry: a hole the state machine found in the services, with the steps that show it.
# While an entry is here the step or check named is switched off and the run warns with the
# entry; delete it when the fix lands, and the machine checks that case again.
KNOWN_HOLES: dict[str, str] = {}

START = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)  # Mon 1 Jun 2026, 09:00 in London
JOB = Actor(user_id=None, username="audit-check", full_name="Audit check", role=COMMAND_LINE)
MEDICINES = (("ibuprofen", "nsaid"), ("diclofenac gel", "topical"), ("cyclobenzaprine", "muscle_relaxant"),
             ("diazepam", "muscle_relaxant"), ("paracetamol", "other"), ("methocarbamol", "other"),
             ("baclofen", "other"), ("co-codamol 30/500", "other"), ("tramadol", "opioid"))
CANCEL_REASONS = ("Not needed", "No longer needed", "Red flags excluded on examination")
RELAXANTS = tuple(medicine for medicine in MEDICINES if medicine[0] in RELAXANT_NAMES)
KEEP_REASONS = ("", "Still in spasm, reviewed today", "Sleeping badly without it")
GOOD_REASON = "Seen elsewhere, no longer needed"  # enough for any decision, an urgent red flag's too
START_BACK = {"low": (0, 0, 0, 0, 0, 0, 0, 0, 0), "medium": (1, 1, 1, 1, 0, 0, 0, 0, 0),
              "high": (1, 1, 1, 1, 1, 1, 1, 1, 4)}
TIMINGS = tuple(pathway_settings.TIMING_WORDS)
SOURCE_TIMINGS = {"two_week_review_days": 14, "medication_review_days": 21, "early_radicular_referral_days": 14,
                  "red_flag_referral_days": 0, "stratified_referral_days": 14, "twelve_week_check_days": 84,
                  "escalation_referral_days": 14, "opioid_review_days": 14, "ongoing_evaluation_days": 28}

EXAMPLES = int(os.environ.get("SAFETY_NET_EXAMPLES", "25"))
STEPS = int(os.environ.get("SAFETY_NET_STEPS", "30"))
# SAFETY_NET_SHRINK=0 reports the first failure as found, without minutes of shrinking.
PHASES = tuple(phase for phase in Phase if os.environ.get("SAFETY_NET_SHRINK", "1") != "0" or phase != Phase.shrink)
SQLITE_RUN = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, phases=PHASES,
                      suppress_health_check=list(HealthCheck))
# PostgreSQL proves the same on the other database; a few examples suffice for its SQL.
POSTGRES_RUN = settings(SQLITE_RUN, max_examples=max(6, EXAMPLES // 5), stateful_step_count=STEPS)

VISIT_ENDINGS = ("still to come", "attended", "attended", "did not attend", "nothing recorded")
SPOILS = ("valid",) * 6 + ("a decision missing", "a choice not offered", "a reason left out",
                          "nobody to hand over to")
pick = st.integers(0, 40)  # an index into whatever rows exist (modulo their number)
anyone = st.integers(0, 3)  # manager, receptionist, clinician, other clinician
mostly_clinicians = st.sampled_from((2, 2, 3, 3, 0, 1))
in_episode = st.integers(-3, 103)  # a fact's day, in percent of the episode so far (<0, >100: refused)


def _answers(name: str) -> dict:
    """A relaxant is recorded with its indication and spasm; no other medicine is asked."""
    return FOR_SPASM if name in RELAXANT_NAMES else {}


@dataclass
class Figures:
    """What the run did, for the soak's note: examples, steps, each service's refusals."""

    examples: int = 0
    steps: int = 0
    changes: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)
    disabled: Counter = field(default_factory=Counter)
    open_kinds: Counter = field(default_factory=Counter)  # steps after which each kind was open
    notes: Counter = field(default_factory=Counter)  # what else the machine tried, and discharge decisions

    def report(self, seconds: float) -> str:
        lines = [f"{self.examples} examples, {self.steps} steps in {seconds:.1f} s"]
        lines += [f"  {name}: {self.changes[name]} done, {self.refusals[name]} refused"
                  for name in sorted(set(self.changes) | set(self.refusals))]
        lines += ["  also tried:"] + [f"    {name}: {count}" for name, count in sorted(self.notes.items())]
        lines += ["  steps after which some obligation of each kind was open:"]
        lines += [f"    {name}: {self.open_kinds[name]}" for name in obligations.KINDS]
        lines += [f"  switched off by KNOWN_HOLES[{name!r}]: {count} times" for name, count in self.disabled.items()]
        return "\n".join(lines)


class SafetyNet(RuleBasedStateMachine):
    """One clinic, fresh for each example, driven only through the services."""

    new_database = None  # set by each test: a function giving an empty, prepared database
    figures: Figures = None

    def __init__(self):
        super().__init__()
        self.database = self.new_database()
        self.now = START
        self.figures.examples += 1

    def teardown(self):
        self.database.close()

    # --- helpers ---

    def call(self, service, actor, *args, **kwargs):
        """Run one changing service call as ``actor`` at the machine's time: one audit event if
        it went through, none if it was refused."""
        name = service.__name__
        with frozen_at(self.now):
            before = AuditEvent.select().count()
            try:
                result = service(actor, *args, **kwargs)
            except ServiceError:
                assert AuditEvent.select().count() == before, f"refused {name} wrote an audit event"
                self.figures.refusals[name] += 1
                return None
            assert AuditEvent.select().count() == before + 1, f"{name} did not write exactly one audit event"
        self.figures.changes[name] += 1
        return result

    def actor(self, index: int) -> Actor:
        return self.staff[index]

    def manager(self) -> Actor:
        return self.staff[0]

    def someone_active(self, *indexes: int) -> Actor | None:
        """The first of these staff (by index) still active, or None."""
        active = {user.id for user in User.select(User.id).where(User.active)}
        return next((self.actor(index) for index in indexes if self.actor(index).user_id in active), None)

    def active_clinicians(self) -> list[int]:
        return [user.id for user in User.select(User.id).where((User.role == "clinician") & User.active)
                .order_by(User.id)]

    def has_open_work(self, user_id: int) -> bool:
        """Whether someone leaving has work to hand on: an open obligation with their name on it,
        or an open episode they are responsible for."""
        with frozen_at(self.now):
            rows = obligations.open_work(self.manager(), limit=MAX_PAGE_SIZE).rows
        return any(row.owner_user_id == user_id for row in rows) or Episode.select().where(
            (Episode.responsible_clinician == user_id) & (Episode.status == "open")).exists()

    def today(self) -> date:
        return self.now.astimezone(clinic_settings.load_settings().zone).date()

    def day_in(self, episode_id: int | None, percent: int) -> date:
        """A day between the episode's first contact (0) and today (100); outside them the
        service refuses it, which the machine tries too."""
        first = Episode.get_by_id(episode_id).first_contact_on if episode_id else self.today()
        return first + timedelta(days=round((self.today() - first).days * percent / 100) + (percent > 100))

    @staticmethod
    def row(model, index: int, *where):
        """One of the rows of ``model``: mostly one meeting ``where`` (a step that can go through),
        one time in four any row at all (so refusals are tried too); None when there is none."""
        query = model.select(model.id).order_by(model.id)
        if where and index % 4:
            query = query.where(*where)
        ids = [row.id for row in query]
        return ids[index % len(ids)] if ids else None

    def hole(self, name: str) -> bool:
        """Whether a known hole switches this step off (counted, and warned about at the end)."""
        if name in KNOWN_HOLES:
            self.figures.disabled[name] += 1
            return True
        return False

    # --- people and patients ---

    @initialize(hepatic=st.sampled_from(("none", "none", "mild", "moderate")), first_contact_back=st.integers(0, 20))
    def clinic_opens(self, hepatic, first_contact_back):
        with frozen_at(self.now):
            staff = make_staff()
        self.staff = [staff.manager, staff.receptionist, staff.clinician, staff.other_clinician]
        self.register_patient(1, hepatic)
        self.open_episode(2, 0, first_contact_back, False, False, False, 0)

    @rule(who=anyone, hepatic=st.sampled_from(("none", "mild", "moderate", "severe")))
    def register_patient(self, who, hepatic):
        number = Patient.select().count() + 1
        self.call(patients.register_patient, self.actor(who), family_name="Testpatient", given_name=f"P{number}",
                  date_of_birth=date(1970, 1, 1) + timedelta(days=number), hepatic_impairment=hepatic)

    @rule(who=anyone, patient=pick, hepatic=st.sampled_from(("none", "mild", "moderate", "severe")))
    def change_hepatic_impairment(self, who, patient, hepatic):
        patient_id = self.row(Patient, patient)
        if patient_id is not None:
            self.call(patients.edit_patient, self.actor(who), patient_id, hepatic_impairment=hepatic)

    @rule(who=st.integers(1, 3), to=st.sampled_from(("colleague", "colleague", "unassigned", "unassigned",
                                                      "nobody", "themselves", "reception")))
    def deactivate(self, who, to):
        """Someone leaves; a clinician with open work names who takes it (a colleague or the unassigned
        list). Naming nobody, themselves or a non-clinician is refused while they have work."""
        user = self.actor(who)
        clinicians = self.active_clinicians()
        colleague = next((self.actor(index).user_id for index in (2, 3) if self.actor(index).user_id != user.user_id),
                         None)
        hand_over_to = {"colleague": colleague, "unassigned": handover.UNASSIGNED, "nobody": None,
                        "themselves": user.user_id, "reception": self.actor(1).user_id}[to]
        invalid = to in ("nobody", "themselves", "reception") or (to == "colleague" and colleague not in clinicians)
        had_work = self.has_open_work(user.user_id)
        left = self.call(users.deactivate_user, self.manager(), user.user_id, hand_over_to=hand_over_to)
        assert not (left and had_work and invalid), \
            f"{user.full_name} was deactivated with open work handed to {to} ({hand_over_to!r})"

    @rule(who=st.integers(1, 3))
    def reactivate(self, who):
        self.call(users.reactivate_user, self.actor(0), self.actor(who).user_id)

    # --- the clinical record ---

    @rule(who=mostly_clinicians, patient=pick, back=st.integers(0, 20), radicular=st.booleans(),
          deficit=st.booleans(), red_flag=st.booleans(), medicine=st.integers(0, len(MEDICINES)))
    def open_episode(self, who, patient, back, radicular, deficit, red_flag, medicine):
        patient_id = self.row(Patient, patient)
        medicines = [episodes.MedicationInput(*MEDICINES[medicine - 1], **_answers(MEDICINES[medicine - 1][0]))
                     ] if medicine else []
        if medicines and self._relaxant_typed_as_other(medicines[0].name, medicines[0].category):
            return
        self.call(episodes.open_episode, self.actor(who), patient_id, first_contact_on=self.today() - timedelta(back),
                  presentation="radicular" if radicular else "non_specific", severity="moderate",
                  severe_radicular_pain=radicular, neurological_deficit=deficit, medications=medicines,
                  red_flags=["suspected cauda equina syndrome"] if red_flag else [], acknowledge_warnings=True)

    def _relaxant_typed_as_other(self, name: str, category: str) -> bool:
        return name in RELAXANT_NAMES and category != "muscle_relaxant" and self.hole("relaxant_typed_as_other")

    @rule(who=mostly_clinicians, episode=pick, medicine=st.integers(0, len(MEDICINES) - 1), when=in_episode,
          acknowledge=st.booleans())
    def record_medication(self, who, episode, medicine, when, acknowledge):
        name, category = MEDICINES[medicine]
        episode_id = self.row(Episode, episode, Episode.status == "open")
        if not self._relaxant_typed_as_other(name, category):
            self.call(episodes.record_medication, self.actor(who), episode_id, name=name, category=category,
                      started_on=self.day_in(episode_id, when), acknowledge_warning=acknowledge, **_answers(name))

    @rule(who=mostly_clinicians, medication=pick, when=in_episode)
    def stop_medication(self, who, medication, when):
        medication_id = self.row(Medication, medication, Medication.stopped_on.is_null())
        if medication_id is not None:
            episode_id = Medication.get_by_id(medication_id).episode_id
            self.call(episodes.stop_medication, self.actor(who), medication_id, self.day_in(episode_id, when))

    @rule(episode=pick, medicine=st.sampled_from(RELAXANTS), weeks=st.integers(2, 4),
          then=st.sampled_from(("kept on", "kept on", "stopped", "left running")))
    def a_relaxant_course(self, episode, medicine, weeks, then):
        """A muscle relaxant started today runs for weeks; past 21 days its review is owed (on the
        clinician's list) until a clinician stops it or keeps it on with a reason."""
        episode_id = self.row(Episode, episode, Episode.status == "open")
        started = self.today()
        clinician = self.someone_active(2, 3)
        if clinician is None:
            return
        added = self.call(episodes.record_medication, clinician, episode_id, name=medicine[0],
                          category=medicine[1], started_on=started, acknowledge_warning=True, **FOR_SPASM)
        if added is None:
            return
        medication_id = Medication.select(Medication.id).where(Medication.episode == episode_id).order_by(
            Medication.id.desc()).first().id
        self.now += timedelta(weeks=weeks)
        self.invariants_now()
        clinician = self.someone_active(3, 2)
        if then == "kept on" and clinician is not None:
            assert self.call(episodes.keep_medication_on, clinician, medication_id, reason=KEEP_REASONS[1],
                             decided_on=self.today()) is not None, f"{medicine[0]} could not be kept on"
        elif then == "stopped" and clinician is not None:
            assert self.call(episodes.stop_medication, clinician, medication_id, self.today()) is not None

    @rule(who=mostly_clinicians, medication=pick, when=in_episode, reason=st.sampled_from(KEEP_REASONS))
    def keep_medication_on(self, who, medication, when, reason):
        """A clinician keeps a muscle relaxant on with a reason, asked again 21 days later. Refused
        without a reason, for another medicine, once stopped, or dated before its start or the last
        decision (the hazard log's decision on fact dates)."""
        medication_id = self.row(Medication, medication, Medication.stopped_on.is_null()
                                 & (Medication.category == "muscle_relaxant"))
        if medication_id is None:
            return
        before = Medication.get_by_id(medication_id)
        decided_on = self.day_in(before.episode_id, when)
        kept = self.call(episodes.keep_medication_on, self.actor(who), medication_id, reason=reason,
                         decided_on=decided_on)
        if kept is not None:
            assert reason and before.category == "muscle_relaxant" and before.stopped_on is None, \
                f"{before.name} (stopped {before.stopped_on}) kept on with {reason!r}"
            assert (before.continued_on or before.started_on) <= decided_on <= self.today(), \
                f"{before.name} kept on from {decided_on}: started {before.started_on}, last kept {before.continued_on}"

    @rule(who=mostly_clinicians, episode=pick, when=in_episode, severe=st.booleans(), deficit=st.booleans())
    def record_radicular_status(self, who, episode, when, severe, deficit):
        episode_id = self.row(Episode, episode, Episode.status == "open")
        self.call(episodes.record_radicular_status, self.actor(who), episode_id,
                  recorded_on=self.day_in(episode_id, when), severe_radicular_pain=severe,
                  neurological_deficit=deficit)

    @rule(who=mostly_clinicians, episode=pick, when=in_episode)
    def record_red_flags(self, who, episode, when):
        episode_id = self.row(Episode, episode, Episode.status == "open")
        self.call(episodes.record_red_flags, self.actor(who), episode_id, recorded_on=self.day_in(episode_id, when),
                  flags=["suspected spinal infection"])

    @rule(who=mostly_clinicians, episode=pick, when=in_episode, risk=st.sampled_from(tuple(START_BACK)))
    def record_start_back(self, who, episode, when, risk):
        episode_id = self.row(Episode, episode, Episode.status == "open")
        self.call(episodes.record_start_back, self.actor(who), episode_id, assessed_on=self.day_in(episode_id, when),
                  answers=START_BACK[risk])

    @rule(who=mostly_clinicians, episode=pick, when=in_episode, improved=st.booleans())
    def record_twelve_week_outcome(self, who, episode, when, improved):
        episode_id = self.row(Episode, episode, Episode.status == "open")
        self.call(episodes.record_twelve_week_outcome, self.actor(who), episode_id,
                  recorded_on=self.day_in(episode_id, when), improved=improved)

    @rule(who=mostly_clinicians, warning=pick)
    def acknowledge_warning(self, who, warning):
        warning_id = self.row(PathwayWarning, warning, PathwayWarning.requires_acknowledgement,
                              PathwayWarning.acknowledged_at.is_null())
        if warning_id is not None:
            self.call(episodes.acknowledge_warning, self.actor(who), warning_id)

    @rule(who=mostly_clinicians, episode=pick, when=in_episode, picks=st.lists(st.integers(0, 99), min_size=6,
                                                                            max_size=6),
          spoil=st.sampled_from(SPOILS), to=st.integers(0, 2))
    def discharge(self, who, episode, when, picks, spoil, to):
        """Discharge deciding every open item as the form offers it (random choices), handing over to an
        active clinician or the unassigned list; or (``spoil``) with one decision missing, a choice not
        offered, a reason left out or nobody to hand over to, which must be refused."""
        episode_id = self.row(Episode, episode, Episode.status == "open")
        if episode_id is None:
            return
        actor, discharged_on = self.actor(who), self.day_in(episode_id, when)
        with frozen_at(self.now):
            try:
                items = discharges.discharge_items(actor, episode_id)
            except ServiceError:  # not a clinician, or discharged already: the discharge is refused too
                items = None
        if items is None:
            assert self.call(discharges.discharge_episode, actor, episode_id, discharged_on=discharged_on,
                             reason="Recovered") is None, f"episode {episode_id} discharged by {actor.role}"
            return
        decisions = [self.decide(item, picks[number % len(picks)], discharged_on)
                     for number, item in enumerate(item for item in items if item.needs_decision)]
        clinicians = self.active_clinicians()
        hand_over_to = clinicians[to] if to < len(clinicians) else handover.UNASSIGNED
        offered = {item.key: item.choices for item in items}
        decisions, hand_over_to, spoiled = self.spoil(spoil, decisions, offered, hand_over_to, picks[0])
        done = self.call(discharges.discharge_episode, actor, episode_id, discharged_on=discharged_on,
                         reason="Recovered", decisions=decisions, hand_over_to=hand_over_to)
        if spoiled:
            self.figures.notes[f"discharge tried with {spoil}"] += 1
            assert done is None, f"episode {episode_id} discharged with {spoil}: {decisions} to {hand_over_to!r}"
            return
        if 0 <= when <= 100:
            assert done is not None, f"episode {episode_id}: a valid discharge was refused: {decisions}"
        if done is not None:
            self.nothing_dropped(items, {(decision.kind, decision.item_id): decision.choice for decision in decisions})

    @staticmethod
    def decide(item, pick_: int, discharged_on: date) -> discharges.ItemDecision:
        choice = item.choices[pick_ % len(item.choices)]
        if choice == discharges.STOP and Medication.get_by_id(item.item_id).started_on > discharged_on:
            choice = discharges.CONTINUE  # it cannot have stopped before it started
        reason = GOOD_REASON if choice in discharges.REASON_NEEDED else ""
        return discharges.ItemDecision(item.kind, item.item_id, choice, reason)

    def spoil(self, how: str, decisions: list, offered: dict, hand_over_to, pick_: int):
        """The decisions made invalid in one way, if they can be; whether they were."""
        spoiled = list(decisions)
        if how == "a decision missing" and spoiled:
            del spoiled[pick_ % len(spoiled)]
            return spoiled, hand_over_to, True
        if how == "a choice not offered" and spoiled:
            decision = spoiled[pick_ % len(spoiled)]
            wrong = next(choice for choice in discharges.CHOICE_LABELS
                         if choice not in offered[decision.kind, decision.item_id])
            spoiled[pick_ % len(spoiled)] = discharges.ItemDecision(decision.kind, decision.item_id, wrong, GOOD_REASON)
            return spoiled, hand_over_to, True
        needing = [number for number, decision in enumerate(spoiled) if decision.choice in discharges.REASON_NEEDED]
        if how == "a reason left out" and needing:
            number = needing[pick_ % len(needing)]
            spoiled[number] = discharges.ItemDecision(spoiled[number].kind, spoiled[number].item_id,
                                                      spoiled[number].choice, "")
            return spoiled, hand_over_to, True
        if how == "nobody to hand over to" and any(d.choice == discharges.HAND_OVER for d in spoiled):
            return spoiled, (None, self.actor(1).user_id)[pick_ % 2], True
        return spoiled, hand_over_to, False

    def nothing_dropped(self, items, decided: dict) -> None:
        """After a discharge each item handed over, kept or left to another list is still open there;
        only what was decided otherwise (and the reviews nobody booked) is closed."""
        with frozen_at(self.now):
            truth = open_obligations(clinic_settings.load_settings(), self.now, relaxants_by_name=True)
        for item in items:
            choice = decided.get(item.key)
            if item.kind == discharges.BOOKED_VISIT:
                if choice == discharges.KEEP:
                    assert Appointment.get_by_id(item.item_id).status == "booked", f"{item.title} was not kept"
            elif choice == discharges.HAND_OVER or (choice is None and item.kind != "appointment_to_book"):
                assert item.item_id in truth[item.kind], f"{item.title} ({choice or 'no decision'}) was dropped"
            self.figures.notes[f"discharge item {item.kind}: {choice or 'no decision'}"] += 1

    # --- appointments ---

    @rule(who=anyone, appointment=pick, clinician=st.integers(2, 3), ahead=st.integers(0, 20),
          slot=st.integers(0, 26), late=st.booleans(), again=st.booleans())
    def book(self, who, appointment, clinician, ahead, slot, late, again):
        """Book one still to book, or (``again``) move one that is booked."""
        service = appointments.reschedule_appointment if again else appointments.book_appointment
        appointment_id = self.row(Appointment, appointment, Appointment.status == ("booked" if again else "to_book"))
        if appointment_id is None:
            return
        starts = datetime.combine(self.today() + timedelta(ahead), time(8, 30)) + timedelta(minutes=20 * slot)
        self.call(service, self.actor(who), appointment_id, clinician_id=self.actor(clinician).user_id,
                  starts_local=starts, late_reason="The patient's choice" if late else None)

    @rule(who=st.sampled_from((1, 1, 0, 2)), appointment=pick, clinician=st.integers(2, 3),
          ahead=st.integers(0, 3), slot=st.integers(0, 40), then=st.sampled_from(VISIT_ENDINGS))
    def a_visit_comes(self, who, appointment, clinician, ahead, slot, then):
        """Book one still to book today or on one of the next working days, at a time still to come;
        then (``then``) the clock reaches it and reception records the patient arrived or did not
        attend, or nothing is recorded and its outcome is owed from the end of the slot."""
        appointment_id = self.row(Appointment, appointment, Appointment.status == "to_book")
        if appointment_id is None:
            return
        starts = self.free_time_soon(ahead, slot)
        late = starts.date() > Appointment.get_by_id(appointment_id).due_by
        booked = self.call(appointments.book_appointment, self.actor(who), appointment_id,
                           clinician_id=self.actor(clinician).user_id, starts_local=starts,
                           late_reason="The first day the patient can come" if late else None)
        if booked is None or then == "still to come":
            return
        self.now = max(self.now, booked.starts_at + timedelta(minutes=5) if then != "nothing recorded"
                       else booked.ends_at + timedelta(minutes=30))
        if then == "nothing recorded":
            return
        self.invariants_now()  # the visit under way is checked before reception records it
        service = appointments.record_attended if then == "attended" else appointments.record_did_not_attend
        desk = self.someone_active(1, 0)
        assert self.call(service, desk, booked.id) is not None, f"{desk.full_name} could not record {then}"

    def free_time_soon(self, ahead: int, slot: int) -> datetime:
        """A slot's start, in clinic wall time, on the first working day from ``ahead`` days on that
        still has a slot to come (a clinician may be taken then: the booking is refused)."""
        clinic = clinic_settings.load_settings()
        length = timedelta(minutes=clinic.slot_minutes)
        now_local = self.now.astimezone(clinic.zone).replace(tzinfo=None)
        day = self.today() + timedelta(ahead)
        while True:
            if clinic.calendar().is_working_day(day):
                opens, closes = datetime.combine(day, clinic.opens_at), datetime.combine(day, clinic.closes_at)
                slots = [opens + length * number for number in range(int((closes - opens) / length))
                         if opens + length * number > now_local]
                if slots:
                    return slots[slot % len(slots)]
            day += timedelta(1)

    @rule(who=st.sampled_from((1, 1, 0, 2, 3)), appointment=pick, attended=st.sampled_from((True, True, False)))
    def arrived_or_not(self, who, appointment, attended):
        """Reception records what happened at a visit whose time has come."""
        appointment_id = self.row(Appointment, appointment, Appointment.status == "booked",
                                  Appointment.starts_at <= self.now)
        if appointment_id is not None:
            self.call(appointments.record_attended if attended else appointments.record_did_not_attend,
                      self.actor(who), appointment_id)

    @rule(who=anyone, appointment=pick, outcome=st.sampled_from(("attended", "did not attend", "cancel booking")))
    def record_what_happened(self, who, appointment, outcome):
        appointment_id = self.row(Appointment, appointment, Appointment.status == "booked")
        if appointment_id is None:
            return
        if outcome == "attended":
            self.call(appointments.record_attended, self.actor(who), appointment_id)
        elif outcome == "did not attend":
            self.call(appointments.record_did_not_attend, self.actor(who), appointment_id)
        else:
            self.call(appointments.cancel_booking, self.actor(who), appointment_id, "The patient asked")

    # --- referrals ---

    @rule(who=mostly_clinicians, episode=pick, kind=st.sampled_from(("spinal_surgical", "standard_physiotherapy",
                                                                    "early_radicular")))
    def raise_referral(self, who, episode, kind):
        self.call(referrals.raise_referral, self.actor(who), self.row(Episode, episode), kind=kind,
                  reason="The clinician's judgement")

    @rule(who=st.integers(0, 7), referral=pick, amend=st.booleans())
    def referral_moves_on(self, who, referral, amend):
        """The next step of a referral's life (draft, sign, send, reply, close), or an amendment of a
        signed or sent letter; taken by the role whose step it is, or (``who`` < 4) by anyone."""
        referral_id = self.row(Referral, referral, Referral.status.in_(("raised", "drafted", "signed", "sent",
                                                                        "acknowledged")))
        if referral_id is not None:
            self.next_step(referral_id, self.actor(who if who < 4 else 2 + who % 2),
                           self.actor(who if who < 4 else 1), amend)

    @rule(referral=pick, clinician=st.integers(2, 3), steps=st.integers(2, 5), reply_late=st.booleans())
    def letter_goes_out(self, referral, clinician, steps, reply_late):
        """A letter written, signed, sent and acknowledged in one go, as a clinic does on a good day;
        or (``reply_late``) the reply takes three weeks, and its chase is owed meanwhile."""
        referral_id = self.row(Referral, referral, Referral.status.in_(("raised", "drafted", "signed")))
        for _ in range(steps if referral_id is not None else 0):
            if reply_late and Referral.get_by_id(referral_id).status == "sent":
                self.now += timedelta(weeks=3)
                self.invariants_now()
                reply_late = False
            if not self.next_step(referral_id, self.actor(clinician), self.someone_active(1, 0), amend=False):
                break

    def next_step(self, referral_id: int, clinician: Actor, front_desk: Actor, amend: bool) -> bool:
        """The referral's next step (or an amendment); whether it went through."""
        status = Referral.get_by_id(referral_id).status
        if amend and status in ("signed", "sent"):
            return self.call(referrals.amend_referral, clinician, referral_id, clinician_text="Amended: please see.",
                             reason="Added the scan result", password=PASSWORD) is not None
        if status in ("raised", "cancelled"):
            return self.call(referrals.draft_referral, clinician, referral_id, "Please see this patient.") is not None
        if status == "drafted":
            return self.call(referrals.sign_referral, clinician, referral_id, PASSWORD) is not None
        if status == "signed":
            return self.send(front_desk, referral_id)
        if status == "sent":
            return self.call(referrals.record_referral_acknowledged, front_desk, referral_id) is not None
        if status == "acknowledged":
            return self.call(referrals.close_referral, front_desk, referral_id) is not None
        return False

    def send(self, actor: Actor, referral_id: int) -> bool:
        """A letter whose referral was superseded waits for the clinician's decision (issue 10)."""
        open_check = PathwayWarning.select().where(
            (PathwayWarning.pathway_key == f"superseded-signed:{referral_id}")
            & PathwayWarning.acknowledged_at.is_null())
        if not open_check.exists():
            return self.call(referrals.mark_referral_sent, actor, referral_id) is not None
        if self.hole("superseded_letter_sent"):
            return False
        self.figures.notes["sending tried while the superseded letter's warning is open"] += 1
        sent = self.call(referrals.mark_referral_sent, actor, referral_id)
        assert sent is None, f"referral {referral_id} was sent while 'check whether it should still be sent' is open"
        return False

    @rule(who=st.sampled_from((0, 2, 3, 1)), referral=pick, reason=st.sampled_from(CANCEL_REASONS))
    def cancel_referral(self, who, referral, reason):
        """Any referral may be cancelled with a reason, but the urgent red-flag one only by a clinician
        with a clinical reason of at least three words; the manager then sees it among the cancelled."""
        referral_id = self.row(Referral, referral, Referral.status.in_(("raised", "drafted")))
        if referral_id is None:
            return
        actor = self.actor(who)
        red_flag = Referral.get_by_id(referral_id).kind == "urgent_red_flag"
        cancelled = self.call(referrals.cancel_referral, actor, referral_id, reason)
        if cancelled and red_flag:
            assert actor.role == "clinician", \
                f"{actor.full_name} ({actor.role}) cancelled the urgent red-flag referral {referral_id}"
            assert len(reason.split()) >= 3, f"urgent red-flag referral {referral_id} cancelled for {reason!r}"
            self.figures.notes["urgent red-flag referral cancelled by a clinician"] += 1
            with frozen_at(self.now):
                shown = cancelled_red_flags.cancelled_red_flags(self.manager(), limit=MAX_PAGE_SIZE)
            assert referral_id in {row.referral_id for row in shown.rows}, \
                f"the cancelled red-flag referral {referral_id} is not on the manager's list"

    @rule(clinician=st.integers(2, 3), ahead=st.integers(0, 10), days=st.integers(0, 3),
          afternoon=st.booleans(), confirm=st.booleans())
    def leave_is_taken(self, clinician, ahead, days, afternoon, confirm):
        """The manager enters a clinician's leave over the coming days (an afternoon, or whole days):
        over bookings it is refused, or confirmed puts each back to book with its due-by date; the
        invariants check no obligation was dropped and no deadline moved."""
        first = self.today() + timedelta(ahead)
        part = dict(from_time=time(13, 0), to_time=time(17, 30)) if afternoon else {}
        self.call(sessions.add_leave, self.manager(), self.actor(clinician).user_id, first_day=first,
                  last_day=first + timedelta(days), reason="sickness", confirm=confirm, **part)

    # --- the clinic's settings and the clock ---

    @rule(name=st.sampled_from(TIMINGS), days=st.integers(0, 120))
    def change_timing(self, name, days):
        """Stricter timings are the manager's to set; later than the source's are refused."""
        changed = self.call(pathway_settings.update_pathway_timings, self.actor(0), **{name: days})
        assert not (changed and days > SOURCE_TIMINGS[name]), \
            f"{name} set to {days} days, later than the source's {SOURCE_TIMINGS[name]}"

    @rule(ahead=st.integers(-3, 30))
    def close_or_open_a_day(self, ahead):
        day = self.today() + timedelta(ahead)
        closures = set(clinic_settings.load_settings().closure_days) ^ {day}
        self.call(clinic_settings.update_clinic_settings, self.actor(0), closure_days=sorted(closures))

    @rule(minutes=st.sampled_from((20, 90, 60 * 8, 60 * 24, 60 * 24 * 3, 60 * 24 * 10, 60 * 24 * 25)))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule(weeks=st.integers(1, 4))
    def weeks_pass(self, weeks):
        """Weeks at a time: relaxants reach 21 days, sent letters go unacknowledged, day 84 comes."""
        self.now += timedelta(weeks=weeks)

    # --- after every step ---

    def invariants_now(self) -> None:
        """The invariants, checked in the middle of a rule that takes several steps."""
        self.every_obligation_is_on_a_list_of_someone_who_can_act()
        self.deadlines_keep_to_the_source_and_the_working_days()
        self.the_facts_get_what_they_require()

    @invariant()
    def a_step_was_taken(self):
        self.figures.steps += 1

    @invariant()
    def every_obligation_is_on_a_list_of_someone_who_can_act(self):
        with frozen_at(self.now):
            clinic = clinic_settings.load_settings()
            truth = open_obligations(clinic, self.now, relaxants_by_name="relaxant_typed_as_other" not in KNOWN_HOLES)
            active = list(User.select().where(User.active).order_by(User.id))
            manager = next(users.actor_for(user) for user in active if user.role == "practice_manager")
            everything = obligations.open_work(manager, limit=MAX_PAGE_SIZE)
            shown = {(row.kind, row.item_id) for row in everything.rows}
            assert everything.total <= MAX_PAGE_SIZE
            expected = {(kind, item) for kind, items in truth.items() for item in items}
            assert shown >= expected, f"missing from All open work: {sorted(expected - shown)}"
            assert shown <= expected, f"All open work lists what is not open: {sorted(shown - expected)}"
            for kind, items in truth.items():
                if items:
                    self.figures.open_kinds[kind] += 1
                    self.listed_for_someone_able(kind, items, active)

    @staticmethod
    def listed_for_someone_able(kind: str, items: set[int], active: list[User]) -> None:
        """Each item is on the list of an active user allowed its action: for a personal kind
        their own list (theirs and the unassigned); a role's list is the same for all its users."""
        definition = obligations.KINDS[kind]
        able = [user for user in active if allowed(user.role, definition.action)]
        assert able, f"{len(items)} {definition.title} open and no active user may {definition.action}"
        listed = set()
        for user in able if definition.personal else able[:1]:
            mine = {"owner_user_id": user.id} if definition.personal else {}
            page = obligations.obligation_list(users.actor_for(user), kind, limit=MAX_PAGE_SIZE, **mine)
            listed |= {row.item_id for row in page.rows}
        assert items <= listed, f"{definition.title} on nobody's list who can act: {sorted(items - listed)}"

    @invariant()
    def deadlines_keep_to_the_source_and_the_working_days(self):
        with frozen_at(self.now):
            faults = deadline_faults(clinic_settings.load_settings())
        assert not faults, "\n".join(faults)

    @invariant()
    def the_facts_get_what_they_require(self):
        with frozen_at(self.now):
            faults = [fault for check, fault in unanswered_facts(clinic_settings.load_settings())
                      if not self.hole(check)]
        assert not faults, "\n".join(faults)

    @invariant()
    def the_audit_chain_is_intact(self):
        with frozen_at(self.now):
            report = audit_chain.verify_chain(JOB)
        assert report.intact, report.message(clinic_settings.load_settings().zone)


def run_machine(new_database, run_settings) -> Figures:
    figures = Figures()
    machine = type("SafetyNetRun", (SafetyNet,), {"new_database": staticmethod(new_database), "figures": figures})
    started = timer.perf_counter()
    run_state_machine_as_test(machine, settings=run_settings)
    print(f"\nsafety net state machine: {figures.report(timer.perf_counter() - started)}")
    for name, how in KNOWN_HOLES.items():
        warnings.warn(f"safety net: {name} switched off ({figures.disabled[name]} times): {how}", stacklevel=1)
    return figures


def test_the_safety_net_holds_on_sqlite(tmp_path):
    def new_database():
        for old in tmp_path.glob("clinic.sqlite3*"):  # the last example's, closed at its teardown
            old.unlink()
        database = open_test_database(str(tmp_path / "clinic.sqlite3"))
        prepare_database(database)
        return database

    figures = run_machine(new_database, SQLITE_RUN)
    assert figures.steps > figures.examples  # the machine did more than open the clinic


def test_the_safety_net_holds_on_postgres(postgres_url):
    def new_database():
        database = empty_postgres(postgres_url)
        prepare_database(database)
        return database

    figures = run_machine(new_database, POSTGRES_RUN)
    assert figures.steps > figures.examples
