"""Demo data made the way a real clinic makes it: through the services, day by day.

Each patient's episode is played forward from its first contact with the clock set to
the moment each thing happened, so the audit trail, deadlines and worklists are exactly
what the app itself would have produced. The story is fixed by the seed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from clinic_desktop.demo.people import make_person
from clinic_desktop.demo.rota import create_rota
from clinic_desktop.demo.staff import DEMO_PASSWORDS, DemoStaff, create_staff
from clinic_desktop.models import Patient, User, database_proxy
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.clock import frozen_at, today
from clinic_desktop.services.core.errors import Conflict, ValidationError
from clinic_desktop.services.episodes import discharge, episodes, imaging, measures, plans
from clinic_desktop.services.episodes.episode_records import get_episode
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.episodes.initial_management import InitialManagementInput
from clinic_desktop.services.episodes.measures import MeasuresInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import destinations, referrals

DEFAULT_PATIENTS = 120
# The practice manager's directory of where letters go (telephone numbers from Ofcom's drama range).
DEMO_DESTINATIONS = (
    dict(name="Bristol Community Physiotherapy", department="Musculoskeletal physiotherapy",
         address="Southmead Health Centre\nBristol BS10 5NQ", telephone="0117 496 0200",
         email="msk.physio@example.org", kinds=("standard_physiotherapy", "biopsychosocial"),
         default_for=("standard_physiotherapy",)),
    dict(name="Avon Back Pain Service", department="Biopsychosocial assessment and specialised physiotherapy",
         address="Cossham Hospital\nBristol BS16 2NA", telephone="0117 496 0310", email="backpain@example.org",
         kinds=("biopsychosocial",), default_for=("biopsychosocial",)),
    dict(name="Severn Pain Management Centre", department="Specialist pain centre",
         address="Frenchay Road\nBristol BS16 1LE", telephone="0117 496 0420", email="pain.centre@example.org",
         kinds=("pain_spinal_centre",), default_for=("pain_spinal_centre",)),
    dict(name="Bristol Royal Infirmary", department="Spinal surgery", address="Upper Maudlin Street\nBristol BS2 8HW",
         telephone="0117 496 0530", email="spinal.referrals@example.org",
         kinds=("spinal_surgical", "early_radicular", "pain_spinal_centre"),
         default_for=("spinal_surgical", "early_radicular")),
    dict(name="Bristol Royal Infirmary", department="Emergency spinal on-call (same day)",
         address="Upper Maudlin Street\nBristol BS2 8HW", telephone="0117 496 0999", email="",
         kinds=("urgent_red_flag",), default_for=("urgent_red_flag",)),
)
DEMO_TITLES = {"drjones": "General practitioner", "physio": "Physiotherapist"}
# Plans agreed at a medium or high stratification, taken in turn: (goals, treatments, lifestyle, BMI). The
# last relies on passive treatments only, the pitfall the plan check warns of.
DEMO_PLANS = (
    ("Walk to work again\nLift my grandchildren", ("supervised_exercise", "yoga"),
     ("stay_active", "activity_modification"), None),
    ("Back to full shifts at the warehouse\nSleep through the night",
     ("supervised_exercise", "cbt", "progressive_relaxation"), ("stay_active", "workplace_accommodations"), None),
    ("Play a round of golf by the summer", ("massage", "heat"), ("stay_active", "weight_management"), 31.4),
)
_BATCH = 50


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    usernames: dict[str, str]


def build_demo(patient_count: int = DEFAULT_PATIENTS, seed: int = 7) -> DemoSummary:
    """Fill an empty database with a demo clinic; refuse one that already has people in it."""
    if patient_count < 1:
        raise ValidationError("the demo needs at least one patient")
    require_empty_database()
    rng = random.Random(seed)
    story = _ClinicStory(rng, random.Random(f"{seed}-amendments"), random.Random(f"{seed}-measures"))
    with users.public_passwords():
        with database_proxy.atomic():
            story.staff = create_staff()
            _letter_details(story.staff)
        for start in range(0, patient_count, _BATCH):
            with database_proxy.atomic():
                for number in range(start, min(start + _BATCH, patient_count)):
                    progress.step(number, patient_count, f"Playing the story of patient {number + 1} of {patient_count}…")
                    story.patient(red_flag_yesterday=number == patient_count - 1)
    create_rota(story.staff, today(load_settings().zone))
    progress.step(patient_count, patient_count, "Securing the demo staff's passwords…")
    for username, password in DEMO_PASSWORDS.items():
        users.authenticate(username, password)  # re-hashes each at full cost
    return DemoSummary(patients=patient_count, usernames=dict(DEMO_PASSWORDS))


def database_is_empty() -> bool:
    """No staff and no patients yet: the only kind of database demo data may go into."""
    return not (User.select().exists() or Patient.select().exists())


def require_empty_database() -> None:
    if not database_is_empty():
        raise ValidationError("demo data goes only into an empty database; this one already has users or patients")


def _letter_details(staff: DemoStaff) -> None:
    """What letters need besides the story: the clinicians' titles and the directory of destinations."""
    for clinician in staff.clinicians:
        users.set_professional_title(staff.manager, clinician.user_id, DEMO_TITLES[clinician.username])
    for destination in DEMO_DESTINATIONS:
        destinations.create_destination(staff.manager, **destination)


class _ClinicStory:
    def __init__(self, rng: random.Random, amendments: random.Random, scores: random.Random):
        self.rng = rng
        self.amendments = amendments  # a stream of its own, so the rest of a seed's story stays the same
        self.scores = scores  # pain and function measured: a stream of its own too
        self.settings = load_settings()
        self.calendar = self.settings.calendar()
        self.zone = self.settings.zone
        self.today = today(self.zone)
        self.staff: DemoStaff | None = None
        self.taken: set[tuple[int, date, time]] = set()
        self.nhs_numbers: set[str] = set()  # issued so far: each patient's is their own
        self.latest: datetime = datetime.min  # local moment; a patient's paperwork never goes back in time
        self.imaging_requested = False

    def at(self, day: date, clock: time = time(9, 0)):
        """Set the clock to a local moment of the clinic (the story only plays days before today)."""
        self.latest = max(self.latest, datetime.combine(day, clock))
        return frozen_at(datetime.combine(day, clock, self.zone).astimezone(timezone.utc))

    def patient(self, red_flag_yesterday: bool = False) -> None:
        """One patient's story; the last one was seen yesterday with red flags, not yet referred,
        so that the demo shows what the app does with an urgent referral still to send."""
        rng = self.rng
        self.latest = datetime.min
        days_ago = 1 if red_flag_yesterday else rng.randint(1, 130)
        first_contact = self._working_day_before(self.today - timedelta(days=days_ago))
        person = make_person(rng, self.today, self.nhs_numbers)
        clinician = rng.choice(self.staff.clinicians)
        with self.at(first_contact, time(8, 45)):
            record = patients.register_patient(
                self.staff.receptionist, confirm_not_duplicate=True,
                hepatic_impairment=rng.choices(("none", "mild", "moderate"), (90, 7, 3))[0],
                nsaid_contraindications=("gi_bleed_or_ulcer",) if days_ago % 13 == 0 else (),
                sms_reminders_consented_on=first_contact if person.consents_to_sms else None,
                email_reminders_consented_on=first_contact if person.consents_to_email else None,
                **{field: getattr(person, field) for field in (
                    "family_name", "given_name", "date_of_birth", "sex", "nhs_number", "address", "postcode",
                    "telephone", "mobile", "email", "preferred_contact", "gp_practice_name", "gp_practice_ods",
                    "interpreter_language")},
            )
        episode_id = self._first_contact(record.id, first_contact, clinician, red_flag_yesterday)
        if red_flag_yesterday:
            return
        self._referral_paperwork(episode_id, clinician)  # red-flag and early radicular referrals
        reviewed_on = self._book_and_hold(episode_id, "medication_review", first_contact + timedelta(days=7),
                                          clinician)
        if reviewed_on is not None:
            self._relaxant_decision(episode_id, reviewed_on, clinician)
        review_day = self._book_and_hold(episode_id, "two_week_review", first_contact, clinician)
        if review_day is None:
            return
        self._stratify(episode_id, review_day, clinician)
        if not self.imaging_requested:
            self._imaging_asked_for(episode_id, review_day, clinician)
        self._referral_paperwork(episode_id, clinician)
        twelve_week_day = self._book_and_hold(episode_id, "twelve_week_review", first_contact + timedelta(days=70),
                                              clinician)
        if twelve_week_day is not None:
            self._outcome(episode_id, twelve_week_day, clinician)
            self._referral_paperwork(episode_id, clinician)

    def _first_contact(self, patient_id: int, day: date, clinician, red_flags: bool) -> int:
        rng = self.rng
        radicular = rng.random() < 0.25
        medications = [MedicationInput(name="Ibuprofen", category="nsaid", dose_amount=Decimal(400), dose_unit="mg",
                                       dose_frequency="three_times_daily", indication="back pain")]
        relaxant = rng.random() < 0.2
        if relaxant:
            medications.append(MedicationInput(
                name="Cyclobenzaprine", category="muscle_relaxant", dose_amount=Decimal(5), dose_unit="mg",
                dose_frequency="at_night", indication="muscle spasm", spasm_present=True))
        elif patient_id % 17 == 0:  # a few opioids, with their monitoring review (no draw: the story stays the same)
            medications.append(MedicationInput(name="Codeine phosphate", category="opioid", dose_amount=Decimal(30),
                                               dose_unit="mg", dose_frequency="four_times_daily",
                                               indication="severe back pain"))
        with self.at(day, time(9, 30)):
            update = episodes.open_episode(
                clinician, patient_id, first_contact_on=day,
                presentation="radicular" if radicular else "non_specific",
                severity=rng.choices(("mild", "moderate", "severe"), (40, 45, 15))[0],
                initial_management=_advice(rng.random()),
                medications=medications,
                severe_radicular_pain=radicular and rng.random() < 0.3,
                neurological_deficit=radicular and rng.random() < 0.1,
                red_flags=("Suspected cauda equina: saddle anaesthesia",) if red_flags or rng.random() < 0.02 else (),
                acknowledge_warnings=True,
                measures=MeasuresInput(self.scores.randint(5, 8), function_score=self.scores.randint(2, 5)),
            )
        return update.episode_id

    def _book_and_hold(self, episode_id: int, kind: str, earliest: date, clinician) -> date | None:
        """Book the review the pathway asked for; play the visit if its day has come.

        Returns the day it was attended, or None when the story stops here (not yet
        booked, not yet happened, or did not attend).
        """
        rng = self.rng
        appointment = self._to_book(episode_id, kind)
        if appointment is None:
            return None
        booked_on = earliest + timedelta(days=rng.randint(1, 3))
        if booked_on >= self.today or rng.random() < self._neglect(appointment.due_by):
            return None
        visit_from = max(booked_on + timedelta(days=1),
                         min(booked_on + timedelta(days=rng.randint(2, 7)), appointment.due_by))
        slot = self._free_slot(clinician.user_id, visit_from, appointment.due_by)
        if slot is None:
            return None
        with self.at(booked_on, time(8, 40)):
            try:
                appointments.book_appointment(self.staff.receptionist, appointment.id,
                                              clinician_id=clinician.user_id, starts_local=slot)
            except (Conflict, ValidationError):
                return None
        visit_end = slot + timedelta(minutes=self.settings.slot_minutes)
        if visit_end.date() >= self.today:
            return None
        with self.at(visit_end.date(), visit_end.time()):
            if rng.random() < 0.1:
                appointments.record_did_not_attend(self.staff.receptionist, appointment.id)
                return None
            appointments.record_attended(self.staff.receptionist, appointment.id)
        return visit_end.date()

    def _to_book(self, episode_id: int, kind: str):
        for appointment in appointments.appointments_for_episode(self.staff.receptionist, episode_id):
            if appointment.kind == kind and appointment.status == "to_book":
                return appointment
        return None

    def _stratify(self, episode_id: int, day: date, clinician) -> None:
        rng = self.rng
        leaning = rng.random()
        answers = [1 if rng.random() < leaning else 0 for _ in range(8)] + [rng.randint(0, 4)]
        baseline = measures.episode_measures(episode_id)[0]
        better = self.scores.random() < 0.6
        review = MeasuresInput(
            max(baseline.pain_now - (self.scores.randint(2, 4) if better else self.scores.randint(-1, 1)), 0),
            function_score=min(int(baseline.function_score) + self.scores.randint(1, 3) * better, 10),
            global_change=self.scores.choice((2, 3) if better else (4, 5)))
        with self.at(day, time(16, 30)):
            # The demo's clinicians agree with the pathway's suggestion.
            improving = measures.suggested_improvement(clinician, episode_id, review).improved
            episodes.record_start_back(clinician, episode_id, assessed_on=day, answers=answers, measures=review,
                                       improving=improving)
        self._plan(episode_id, day, clinician)

    def _plan(self, episode_id: int, day: date, clinician) -> None:
        """Most patients the stratification asks a plan for agree one that day; one in four has yet to."""
        if episode_id % 4 == 3:
            return
        with self.at(day, time(16, 45)):
            if plans.plan_needed(clinician, episode_id) is None:
                return
            goals, treatments, lifestyle, bmi = DEMO_PLANS[episode_id % len(DEMO_PLANS)]
            plans.record_plan(clinician, episode_id, agreed_on=day, goals=goals, treatments=treatments,
                              lifestyle=lifestyle, bmi=bmi)

    def _imaging_asked_for(self, episode_id: int, day: date, clinician) -> None:
        """Once in the story: an X-ray the patient asked for at the 2-week review, without red flags
        (a listed pitfall); the clinician acknowledges the warning it brings."""
        self.imaging_requested = True
        with self.at(day, time(16, 35)):
            imaging.request_imaging(clinician, episode_id, requested_on=day, modality="x_ray",
                                    reason="Patient asked for an X-ray; no red flags found")
            for warning in get_episode(clinician, episode_id).open_warnings:
                if warning.kind == "pitfall_imaging":
                    episodes.acknowledge_warning(clinician, warning.id)

    def _referral_paperwork(self, episode_id: int, clinician) -> None:
        """Clinicians draft and sign some referrals; reception sends some signed ones."""
        rng = self.rng
        for referral in referrals.referrals_for_episode(clinician, episode_id):
            if referral.status != "raised":
                continue
            raised_on = referral.raised_at.astimezone(self.zone).date()
            # An urgent referral is written, signed and sent the day it is raised.
            step_day = raised_on if referral.urgent else raised_on + timedelta(days=rng.randint(1, 9))
            if datetime.combine(step_day, time(12, 15)) <= self.latest:
                step_day = self.latest.date() + timedelta(days=1)  # after what the letter will report
            if step_day >= self.today:
                continue  # its paperwork has not happened yet
            neglect = 0.0 if referral.urgent else self._neglect(referral.due_by)
            if rng.random() < neglect:
                continue  # still just raised: some of these become overdue
            with self.at(step_day, time(12, 15)):
                referrals.draft_referral(clinician, referral.id, _letter_text(referral.kind_title))
            if rng.random() < neglect:
                continue  # awaiting signature
            with self.at(step_day, time(12, 40)):
                referrals.sign_referral(clinician, referral.id, DEMO_PASSWORDS[clinician.username])
            if rng.random() < neglect:
                continue  # signed, waiting to be sent
            with self.at(step_day, time(15, 0)):
                referrals.mark_referral_sent(self.staff.receptionist, referral.id)
            self._maybe_amend(referral, step_day + timedelta(days=1), clinician)
            self._maybe_acknowledged(referral.id, step_day + timedelta(days=rng.randint(2, 12)))

    def _maybe_acknowledged(self, referral_id: int, day: date) -> None:
        """Most receiving services acknowledge a referral within two weeks; a few never do, and
        those are the ones reception chases."""
        if day >= self.today or self.rng.random() < 0.1:
            return
        with self.at(day, time(10, 30)):
            if referrals.get_referral(self.staff.receptionist, referral_id).status == "sent":
                referrals.record_referral_acknowledged(self.staff.receptionist, referral_id)

    def _relaxant_decision(self, episode_id: int, day: date, clinician) -> None:
        """At the medication review the clinician stops the muscle relaxant, or now and then
        keeps it on with a reason (it comes back on their list three weeks later)."""
        for medicine in get_episode(clinician, episode_id).medications:
            if medicine.category != "muscle_relaxant" or medicine.stopped_on is not None:
                continue
            with self.at(day, time(16, 40)):
                if self.rng.random() < 0.85:
                    episodes.stop_medication(clinician, medicine.id, day)
                else:
                    episodes.keep_medication_on(clinician, medicine.id, decided_on=day,
                                                reason="Spasm still limiting sleep; review again in three weeks")

    def _maybe_amend(self, referral, day: date, clinician) -> None:
        """Now and then a sent letter is corrected the next day: version 2, signed and waiting to go again."""
        if self.amendments.random() >= 0.08 or day >= self.today or referral.urgent:
            return
        with self.at(day, time(9, 20)):
            referrals.amend_referral(clinician, referral.id, password=DEMO_PASSWORDS[clinician.username],
                                     clinician_text=_letter_text(referral.kind_title) + _AMENDMENT,
                                     reason="Added the result of the lumbar spine MRI")

    def _outcome(self, episode_id: int, day: date, clinician) -> None:
        rng = self.rng
        improved = rng.random() < 0.7
        pick = self.scores.randint
        check = (MeasuresInput(pick(0, 3), function_score=pick(7, 10), global_change=pick(1, 2)) if improved else
                 MeasuresInput(pick(5, 8), function_score=pick(2, 4), global_change=pick(4, 6)))
        with self.at(day, time(16, 45)):
            episodes.record_twelve_week_outcome(clinician, episode_id, recorded_on=day, improved=improved,
                                                measures=check)
        if improved and rng.random() < 0.6:
            with self.at(day, time(16, 50)):
                _discharge(clinician, episode_id, day)

    def _neglect(self, due_by: date) -> float:
        """How likely a step is left undone: recent work often, long-overdue work rarely."""
        return 0.15 if due_by >= self.today - timedelta(days=14) else 0.03

    def _free_slot(self, clinician_id: int, earliest: date, due_by: date) -> datetime | None:
        """The first free slot of this clinician from ``earliest``, preferably by the due-by date."""
        day = earliest
        for _ in range(30):
            if self.calendar.is_working_day(day):
                slot_times = self._slot_times()
                for slot_time in self.rng.sample(slot_times, len(slot_times)):
                    if (clinician_id, day, slot_time) not in self.taken:
                        self.taken.add((clinician_id, day, slot_time))
                        return datetime.combine(day, slot_time)
            day += timedelta(days=1)
            if day > due_by:
                return None
        return None

    def _slot_times(self) -> list[time]:
        """The clinic's slot grid (opening time plus whole slots), as the appointment book draws it."""
        slot = timedelta(minutes=self.settings.slot_minutes)
        start = datetime.combine(self.today, self.settings.opens_at)
        last = datetime.combine(self.today, self.settings.closes_at) - slot
        return [(start + number * slot).time() for number in range(int((last - start) / slot) + 1)]

    def _working_day_before(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day


def _advice(draw: float) -> InitialManagementInput:
    """The first contact's advice as the pathway asks it; the resources given follow one random draw
    (the one the story has always taken there, so a seed's story stays the same)."""
    return InitialManagementInput(reactivation_advised=True, bed_rest_advised=False, resources_online=draw < 0.6,
                                  resources_helpline=draw < 0.3, resources_paper=draw < 0.9, heat_advised=draw < 0.7,
                                  massage_advised=draw < 0.15)


_AMENDMENT = ("\n\nAddendum: the lumbar spine MRI reported since my letter shows a broad-based disc bulge at "
              "L4/5 without nerve root compression.")


def _letter_text(kind_title: str) -> str:
    return (f"Thank you for seeing this patient ({kind_title.lower()} referral). They have followed the "
            "stepped-care pathway for low back pain in our clinic; the pathway history above is from our record.")


def _discharge(clinician, episode_id: int, day: date) -> None:
    """Improved at 12 weeks: what is still open stays on the clinician's lists, booked visits are kept."""
    preferred = (discharge.HAND_OVER, discharge.KEEP, discharge.STOP)
    decisions = [discharge.ItemDecision(item.kind, item.item_id, next(c for c in preferred if c in item.choices))
                 for item in discharge.discharge_items(clinician, episode_id) if item.needs_decision]
    discharge.discharge_episode(clinician, episode_id, discharged_on=day, decisions=decisions,
                                reason="Improved at the 12-week check; self-management",
                                hand_over_to=clinician.user_id)
