"""The rows of a generated clinic: deterministic, and shaped like a busy clinic after four years.

Most appointments were attended or cancelled long ago, about 1.5 % are still open past
their due-by date, a few percent are booked or to book ahead; about 0.3 referrals an
episode, a handful of them urgent red-flag referrals (and a few cancelled in the last month).
For the safety net's lists (schema 5): a few episodes have no responsible clinician, a few
attended reviews still lack their finding, booked slots in the past lack their outcome, sent
referrals wait for acknowledgement, muscle relaxants run on and warnings wait to be
acknowledged. Each table draws from its own seeded random.Random, so the same scale always
gives the same rows.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

from clinic_desktop.models import (
    Appointment,
    ClinicianSession,
    Episode,
    Medication,
    PathwayWarning,
    Patient,
    Referral,
    User,
)
from clinic_desktop.models.contact_keys import phone_key, postcode_key

# Bump when the generated rows change, so cached files built by an older generator go unused.
GENERATOR_VERSION = 6
SEED = 20260601
# "Today" of the generated clinic; benchmarks pass it as as_of.
BENCH_TODAY = date(2026, 6, 1)
ZONE = ZoneInfo("Europe/London")
CREATED = datetime(2022, 1, 1, tzinfo=timezone.utc)

YEARS_OF_HISTORY = 4
STILL_OPEN_DAYS = 120  # episodes younger than this are still open
LOST_TO_FOLLOW_UP = 0.03  # older episodes never discharged: where overdue items pile up
OPEN_PAST_DUE = 0.22  # share of past-due appointments of open episodes left open
SLOT_MINUTES = 20
SLOTS_PER_DAY = 24  # 09:00 to 17:00
NO_RESPONSIBLE_CLINICIAN = 0.02  # episodes whose clinical work is on the unassigned list
FINDING_LEFT_OPEN = 0.05  # attended reviews of open episodes whose finding was never recorded
FINDING_KINDS = ("two_week_review", "twelve_week_review")

TABLES = (User, ClinicianSession, Patient, Episode, Appointment, Referral, Medication, PathwayWarning)

FAMILY_NAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
                "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
                "Khan", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Hill", "Moore", "Cooper")
GIVEN_NAMES = ("Ann", "John", "Mary", "David", "Sarah", "James", "Fatima", "Peter", "Emma", "Mohammed",
               "Olivia", "George", "Amelia", "Harry", "Isla", "Jack", "Grace", "Oliver", "Ava", "Noah")
APPOINTMENT_KINDS = (("two_week_review", 0.30), ("medication_review", 0.15),
                     ("twelve_week_review", 0.25), ("follow_up", 0.30))
REFERRAL_KINDS = (("standard_physiotherapy", 0.35), ("biopsychosocial", 0.2), ("early_radicular", 0.2),
                  ("pain_spinal_centre", 0.2), ("spinal_surgical", 0.05))
# Phones and postcodes spread as in a city and its county, so that a search by the start of a
# number or a postcode finds as many patients as it would in a real clinic (schema 7).
LANDLINE_CODES = ("0117", "01179", "01225", "01452", "01793", "01823", "01454", "01275", "01934", "01761")
POSTCODE_AREAS = ("BS", "BA", "GL", "SN", "TA", "EX", "BH", "SP", "NP", "CF")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
DUE_OFFSETS = {"two_week_review": 14, "medication_review": 21, "twelve_week_review": 84}


@dataclass(frozen=True)
class Scale:
    patients: int
    appointments: int

    @property
    def episodes(self) -> int:
        return self.patients

    @property
    def clinicians(self) -> int:
        return max(4, self.appointments // 20_000)

    @property
    def label(self) -> str:
        return f"{self.patients:,} patients / {self.appointments:,} appointments"


ONE_MILLION = Scale(100_000, 1_000_000)


@dataclass(frozen=True)
class _Episode:
    id: int
    first_contact_on: date
    discharged_on: date | None


def table_rows(scale: Scale):
    """(model, rows) for each of TABLES in dependency order, a row's values in sorted_fields order.

    Consume them in that order: the episode rows fill the list the later tables read.
    """
    episodes: list[_Episode] = []
    yield User, _users(scale)
    yield ClinicianSession, _sessions(scale)
    yield Patient, _patients(scale)
    yield Episode, _episodes(scale, episodes)
    yield Appointment, _appointments(scale, episodes)
    yield Referral, _referrals(scale, episodes)
    yield Medication, _medications(scale, episodes)
    yield PathwayWarning, _warnings(scale, episodes)


def _rng(table: str) -> random.Random:
    return random.Random(f"{SEED}-{table}")


def _users(scale: Scale) -> Iterator[tuple]:
    # id, username, full_name, role, password_hash, registration_number, active, created_at, professional_title
    yield 1, "manager", "Morag Manager", "practice_manager", "!", None, True, CREATED, None
    yield 2, "reception", "Rita Reception", "receptionist", "!", None, True, CREATED, None
    for number in range(scale.clinicians):
        yield (3 + number, f"clinician{number}", f"Dr Clinician {number}", "clinician", "!",
               f"GMC {7000000 + number}", True, CREATED, "General practitioner")


def _sessions(scale: Scale) -> Iterator[tuple]:
    """Every clinician works the opening hours every weekday: the default pattern (schema 8)."""
    # id, clinician, weekday, on_date, starts_time, ends_time, slot_minutes, kinds, every_weeks, anchor_week,
    # valid_from, valid_until, created_by, created_at, ended_by, ended_at
    for number in range(scale.clinicians):
        for weekday in range(5):
            yield (number * 5 + weekday + 1, 3 + number, weekday, None, None, None, None, "", 1, None,
                   date(2000, 1, 3), None, None, CREATED, None, None)


def _patients(scale: Scale) -> Iterator[tuple]:
    rng = _rng("patients")
    for patient_id in range(1, scale.patients + 1):
        family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(65 * 365))
        postcode = (f"{rng.choice(POSTCODE_AREAS)}{rng.randrange(1, 40)} {rng.randrange(10)}"
                    f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}")
        mobile = f"07{rng.randrange(10 ** 9):09d}" if rng.random() < 0.8 else ""
        code = rng.choice(LANDLINE_CODES)
        telephone = f"{code} {rng.randrange(10 ** (10 - len(code))):0{10 - len(code)}d}" if rng.random() < 0.4 else ""
        sms_consent = CREATED.date() if mobile and rng.random() < 0.6 else None
        # id, nhs_number, family_name, given_name, family_name_key, given_name_key, date_of_birth,
        # sex, address, postcode, telephone, hepatic_impairment, created_at, updated_at,
        # nsaid_contraindications, mobile, email, preferred_contact, sms_reminders_consented_on,
        # email_reminders_consented_on, gp_practice_name, gp_practice_ods, interpreter_language,
        # telephone_key, mobile_key, postcode_key
        yield (patient_id, _nhs_number(patient_id), family, given, family.lower(), given.lower(), born,
               rng.choice(("female", "male")), f"{rng.randrange(1, 200)} High Street", postcode, telephone, "none",
               CREATED, CREATED, "", mobile, "", "sms" if sms_consent else None, sms_consent, None,
               "Riverside Medical Practice", "L99001", None, phone_key(telephone), phone_key(mobile),
               postcode_key(postcode))


def _nhs_number(patient_id: int) -> str | None:
    """A valid (modulus 11) NHS number, or None for the one patient in eleven whose digits have none."""
    digits = str(400_000_000 + patient_id * 7)
    check = 11 - sum(int(digit) * (10 - position) for position, digit in enumerate(digits)) % 11
    if check == 10:
        return None
    return digits + str(0 if check == 11 else check)


def _episodes(scale: Scale, episodes: list[_Episode]) -> Iterator[tuple]:
    rng = _rng("episodes")
    for episode_id in range(1, scale.episodes + 1):
        first = BENCH_TODAY - timedelta(days=rng.randrange(YEARS_OF_HISTORY * 365))
        discharged = None
        age = (BENCH_TODAY - first).days
        if age > STILL_OPEN_DAYS and rng.random() >= LOST_TO_FOLLOW_UP:
            discharged = min(first + timedelta(days=rng.randint(60, STILL_OPEN_DAYS)), BENCH_TODAY)
        episodes.append(_Episode(episode_id, first, discharged))
        clinician = rng.randrange(3, 3 + scale.clinicians)
        responsible = None if rng.random() < NO_RESPONSIBLE_CLINICIAN else clinician
        # id, patient, first_contact_on, status, presentation, severity, advised_stay_active,
        # advised_no_bed_rest, self_care_education, notes, discharged_on, discharge_reason, clinician, created_at,
        # responsible_clinician
        yield (episode_id, rng.randrange(1, scale.patients + 1), first, "discharged" if discharged else "open",
               rng.choice(("non_specific", "radicular")), rng.choice(("mild", "moderate", "severe")),
               True, True, True, "", discharged, "improved" if discharged else None,
               clinician, _at(first, 9), responsible)


def _appointments(scale: Scale, episodes: list[_Episode]) -> Iterator[tuple]:
    rng = _rng("appointments")
    per_episode = [0] * len(episodes)
    for _ in range(scale.appointments):
        per_episode[rng.randrange(len(episodes))] += 1
    slots = _SlotBook(scale.clinicians, rng)
    kinds, weights = zip(*APPOINTMENT_KINDS)
    appointment_id = 0
    for episode, count in zip(episodes, per_episode):
        missed: tuple[int, str, date] | None = None
        for _ in range(count):
            appointment_id += 1
            if missed:  # the did-not-attend before it put this one back on the list
                rebooked_from, kind, due_by = missed
            else:
                rebooked_from, kind = None, rng.choices(kinds, weights)[0]
                due_by = episode.first_contact_on + timedelta(days=DUE_OFFSETS.get(kind) or rng.randint(7, 120))
            status, cancel_reason = _appointment_status(rng, episode, due_by)
            clinician = starts = ends = None
            if status not in ("to_book", "cancelled"):
                clinician, starts = slots.take(due_by, future=due_by >= BENCH_TODAY and status == "booked")
                ends = starts + timedelta(minutes=SLOT_MINUTES)
            missed = (appointment_id, kind, due_by) if status == "did_not_attend" else None
            created = _at(episode.first_contact_on, 10)
            finding_closed = None
            # Discharge resolves a finding still owed (the safety net), so only episodes left open owe one.
            if status == "attended" and kind in FINDING_KINDS and (episode.discharged_on is not None
                                                                    or rng.random() >= FINDING_LEFT_OPEN):
                finding_closed = ends
            # id, episode, kind, pathway_key, reason, status, due_by, clinician, starts_at, ends_at,
            # late_booking_reason, cancel_reason, rebooked_from, created_at, updated_at,
            # finding_closed_at, finding_note
            yield (appointment_id, episode.id, kind, None, "", status, due_by, clinician, starts, ends,
                   None, cancel_reason, rebooked_from, created, starts or created,
                   finding_closed, "recorded" if finding_closed else None)


def _appointment_status(rng: random.Random, episode: _Episode, due_by: date) -> tuple[str, str | None]:
    if episode.discharged_on and due_by > episode.discharged_on:
        return "cancelled", "discharged"
    if due_by >= BENCH_TODAY:
        return ("to_book", None) if rng.random() < 0.45 else ("booked", None)
    if episode.discharged_on is None and rng.random() < OPEN_PAST_DUE:
        return ("to_book", None) if rng.random() < 2 / 3 else ("booked", None)
    draw = rng.random()
    if draw < 0.78:
        return "attended", None
    if draw < 0.90:
        return "cancelled", "patient cancelled"
    return "did_not_attend", None


class _SlotBook:
    """Hands out 20-minute slots that never overlap for a clinician (PostgreSQL checks)."""

    def __init__(self, clinicians: int, rng: random.Random):
        self.clinicians = clinicians
        self.rng = rng
        self.next_slot: dict[tuple[int, date], int] = {}

    def take(self, due_by: date, future: bool) -> tuple[int, datetime]:
        if future:  # booked ahead: from today up to the due date, later when those days are full
            day = BENCH_TODAY + timedelta(days=self.rng.randint(0, max(0, (due_by - BENCH_TODAY).days)))
            step = timedelta(days=1)
        else:  # seen in the week before the due date, earlier when those days are full
            day = due_by - timedelta(days=self.rng.randint(0, 6))
            step = timedelta(days=-1)
        first = self.rng.randrange(self.clinicians)
        while True:
            while day.weekday() > 4:  # clinics open Monday to Friday
                day += step
            for offset in range(self.clinicians):
                clinician = (first + offset) % self.clinicians
                slot = self.next_slot.get((clinician, day), 0)
                if slot < SLOTS_PER_DAY:
                    self.next_slot[(clinician, day)] = slot + 1
                    local = datetime.combine(day, time(9), ZONE) + timedelta(minutes=SLOT_MINUTES * slot)
                    return 3 + clinician, local.astimezone(timezone.utc)
            day += step


def _referrals(scale: Scale, episodes: list[_Episode]) -> Iterator[tuple]:
    rng = _rng("referrals")
    kinds, weights = zip(*REFERRAL_KINDS)
    referral_id = 0
    for episode in episodes:
        if rng.random() >= 0.3:
            continue
        referral_id += 1
        due_by = episode.first_contact_on + timedelta(days=rng.randint(14, 98))
        yield _referral(rng, referral_id, episode, rng.choices(kinds, weights)[0], due_by,
                        _referral_status(rng, episode, due_by), urgent=False, scale=scale)
    open_episodes = [episode for episode in episodes if episode.discharged_on is None]
    for episode in rng.sample(open_episodes, min(len(open_episodes), max(3, scale.episodes // 20_000))):
        referral_id += 1
        due_by = BENCH_TODAY - timedelta(days=rng.randint(0, 3))  # some overdue, some due today
        yield _referral(rng, referral_id, episode, "urgent_red_flag", due_by,
                        rng.choice(("raised", "drafted")), urgent=True, scale=scale)
    for episode in rng.sample(episodes, max(3, scale.episodes // 20_000)):  # cancelled by a clinician lately
        referral_id += 1
        due_by = BENCH_TODAY - timedelta(days=rng.randint(1, 40))
        yield _referral(rng, referral_id, episode, "urgent_red_flag", due_by, "cancelled", urgent=True, scale=scale)


def _referral_status(rng: random.Random, episode: _Episode, due_by: date) -> str:
    if due_by >= BENCH_TODAY:
        return rng.choice(("raised", "drafted", "drafted", "signed"))
    if episode.discharged_on is None and rng.random() < 0.3 or rng.random() < 0.01:
        return rng.choice(("raised", "drafted", "signed"))
    return rng.choice(("sent", "acknowledged", "closed", "closed", "cancelled"))


_REFERRAL_STEPS = ("raised", "drafted", "signed", "sent", "acknowledged", "closed")


def _referral(rng, referral_id, episode, kind, due_by, status, urgent, scale) -> tuple:
    raised = _at(max(episode.first_contact_on, due_by - timedelta(days=14)), 11)
    step = _REFERRAL_STEPS.index(status) if status != "cancelled" else 1
    clinician = rng.randrange(3, 3 + scale.clinicians)

    def when(reached: int, days: int):
        return raised + timedelta(days=days) if step >= reached else None

    cancelled = status == "cancelled"
    # id, episode, kind, pathway_key, reason, urgent, status, due_by, clinician_text, raised_by,
    # raised_at, drafted_by, signed_by, signed_at, sent_at, acknowledged_at, closed_at,
    # cancel_reason, updated_at, cancelled_by, cancelled_at, requested_options (schema 6)
    return (referral_id, episode.id, kind, None, "", urgent, status, due_by, "", clinician, raised,
            clinician if step >= 1 else None, clinician if step >= 2 and not cancelled else None,
            when(2, 1) if not cancelled else None, when(3, 2) if not cancelled else None,
            when(4, 9), when(5, 30), "superseded" if cancelled else None, raised,
            clinician if cancelled else None, raised + timedelta(hours=2) if cancelled else None, "")


MEDICINES = (("naproxen", "nsaid"), ("ibuprofen gel", "topical"), ("paracetamol", "other"),
             ("cyclobenzaprine", "muscle_relaxant"), ("methocarbamol", "muscle_relaxant"))


def _medications(scale: Scale, episodes: list[_Episode]) -> Iterator[tuple]:
    """About half the episodes started a medicine at first contact; most have stopped it since."""
    rng = _rng("medications")
    medication_id = 0
    for episode in episodes:
        if rng.random() >= 0.5:
            continue
        medication_id += 1
        name, category = rng.choice(MEDICINES)
        running = episode.discharged_on is None and rng.random() < 0.3
        stopped = None if running else min(episode.first_contact_on + timedelta(days=rng.randint(5, 20)),
                                           BENCH_TODAY)
        # id, recorded_by, recorded_at, episode, name, category, dose, started_on, stopped_on,
        # continued_on, continued_reason, and schema 6's structured dose: dose_amount, dose_unit,
        # dose_frequency, indication, spasm_present
        yield (medication_id, rng.randrange(3, 3 + scale.clinicians), _at(episode.first_contact_on, 9),
               episode.id, name, category, "", episode.first_contact_on, stopped, None, None,
               None, None, None, None, None)


def _warnings(scale: Scale, episodes: list[_Episode]) -> Iterator[tuple]:
    """Hepatic warnings for one episode in fifty; those of open episodes sometimes still unread."""
    rng = _rng("warnings")
    warning_id = 0
    for episode in episodes:
        if rng.random() >= 0.02:
            continue
        warning_id += 1
        raised = _at(episode.first_contact_on, 9)
        unread = episode.discharged_on is None and rng.random() < 0.3
        # id, episode, pathway_key, kind, message, requires_acknowledgement, raised_at, acknowledged_by,
        # acknowledged_at
        yield (warning_id, episode.id, "hepatic:1", "hepatic_impairment",
               "Moderate hepatic impairment: muscle relaxant not recommended.", True, raised,
               None if unread else 3, None if unread else raised + timedelta(hours=1))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), timezone.utc)
