"""A small clinic built through the services, day by day, whose dashboard figures are known by hand.

"As of" is Wed 25 Nov 2026 (London, GMT). The 12 weeks shown start Mon 7 Sep 2026. No
bank holiday falls between, so each 2-week review is due exactly 14 days after first
contact and each high-risk referral 14 days after its assessment. Every patient below
says what they add to the figures; the tests write the expected numbers out by hand.

  patient  clinician  what happens                                     adds
  Adams    Jones      first contact Mon 2 Nov; review Thu 12 Nov, came   review due 16 Nov done
  Baker    Jones      first contact Mon 2 Nov; missed Thu 12 Nov,        review due 16 Nov done; one DNA
                      came Mon 16 Nov (the due day)
  Clark    Jones      first contact Tue 3 Nov; came Thu 19 Nov (late)    review due 17 Nov NOT done
  Davis    Jones      first contact Wed 4 Nov; never booked              review due 18 Nov NOT done; overdue 7 d
  Evans    Jones      first contact Mon 26 Oct; came Fri 6 Nov           review due 9 Nov done
  Frost    Physio     first contact Mon 26 Oct; booked Mon 9 Nov,        review due 9 Nov NOT done; overdue 16 d
                      no attendance recorded
  Green    Jones      first contact Wed 11 Nov; due 25 Nov = today       nothing yet (not overdue, not counted)
  Hughes   Jones      first contact Mon 7 Sep; came Fri 18 Sep           review due 21 Sep done
  Irwin    Jones      first contact Mon 12 Oct; STarT Back low 20 Oct    review cancelled: left out
  Jarvis   Jones      first contact Mon 12 Oct, muscle relaxant; nothing review due 26 Oct NOT done, overdue 30 d;
                                                                         medication review due 2 Nov, overdue 23 d
  Khan     Jones      high risk Mon 28 Sep; referral sent Tue 6 Oct      referred in time (deadline 12 Oct); 8 days
  Lewis    Jones      high risk Mon 5 Oct; sent Wed 21 Oct               NOT in time (deadline 19 Oct); 16 days
  Moore    Jones      high risk Mon 19 Oct; never sent                   NOT in time (deadline 2 Nov); overdue 23 d
  Nash     Jones      high risk Mon 16 Nov                               deadline 30 Nov: not counted yet
  Owen     Jones      high risk Mon 12 Oct, again Mon 2 Nov; sent 26 Oct in time (deadline 26 Oct), once; 14 days
  Patel    Jones      radicular Mon 9 Nov; referral sent Wed 11 Nov      2 days
  Quinn    Jones      radicular Tue 10 Nov; sent Fri 13 Nov              3 days
  Reid     Jones      radicular Mon 2 Nov; never sent                    early radicular overdue 9 d
  Shaw     Physio     red flags Fri 20 Nov                               urgent red-flag referral overdue 5 d
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from relaxant_answers import FOR_SPASM

from clinic_desktop.models import Appointment
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals

PASSWORD = "correct horse battery"
AS_OF = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)  # Wed 25 Nov 2026, 12:00 GMT
HIGH_RISK = (1, 1, 1, 1, 1, 1, 1, 1, 4)  # psychosocial 5/5
LOW_RISK = (0, 0, 0, 0, 0, 0, 0, 0, 0)


def noon(day: date) -> datetime:
    """Mid-day UTC: the same clinic day in London whether BST or GMT applies."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


@dataclass
class DashboardClinic:
    staff: object
    patient_ids: dict[str, int] = field(default_factory=dict)
    episode_ids: dict[str, int] = field(default_factory=dict)
    bookings: int = 0  # each booking its own 20-minute slot, so none overlap

    def build(self) -> "DashboardClinic":
        d = date
        # 2-week reviews
        self.reviewed("Adams", d(2026, 11, 2), visits=[(d(2026, 11, 12), "attended")])
        self.reviewed("Baker", d(2026, 11, 2), visits=[(d(2026, 11, 12), "did_not_attend"),
                                                        (d(2026, 11, 16), "attended")])
        self.reviewed("Clark", d(2026, 11, 3), visits=[(d(2026, 11, 19), "attended")])
        self.reviewed("Davis", d(2026, 11, 4), visits=[])
        self.reviewed("Evans", d(2026, 10, 26), visits=[(d(2026, 11, 6), "attended")])
        self.reviewed("Frost", d(2026, 10, 26), visits=[(d(2026, 11, 9), "booked")],
                      clinician=self.staff.other_clinician)
        self.reviewed("Green", d(2026, 11, 11), visits=[])
        self.reviewed("Hughes", d(2026, 9, 7), visits=[(d(2026, 9, 18), "attended")])
        irwin = self.open("Irwin", d(2026, 10, 12))
        self.start_back(irwin, d(2026, 10, 20), LOW_RISK)
        self.open("Jarvis", d(2026, 10, 12), medications=[
            MedicationInput("Cyclobenzaprine", "muscle_relaxant", **FOR_SPASM)])
        # high risk, referred or not
        self.high_risk("Khan", d(2026, 9, 14), d(2026, 9, 28), sent_on=d(2026, 10, 6))
        self.high_risk("Lewis", d(2026, 9, 21), d(2026, 10, 5), sent_on=d(2026, 10, 21))
        self.high_risk("Moore", d(2026, 10, 5), d(2026, 10, 19), sent_on=None)
        self.high_risk("Nash", d(2026, 11, 2), d(2026, 11, 16), sent_on=None)
        owen = self.high_risk("Owen", d(2026, 9, 28), d(2026, 10, 12), sent_on=d(2026, 10, 26))
        self.start_back(owen, d(2026, 11, 2), HIGH_RISK)
        # early radicular referrals
        self.radicular("Patel", d(2026, 11, 9), sent_on=d(2026, 11, 11))
        self.radicular("Quinn", d(2026, 11, 10), sent_on=d(2026, 11, 13))
        self.radicular("Reid", d(2026, 11, 2), sent_on=None)
        # a red flag, seen by the physiotherapist
        self.open("Shaw", d(2026, 11, 20), clinician=self.staff.other_clinician, red_flags=["Saddle anaesthesia"])
        return self

    # --- steps, each through the services at its own moment ---

    def open(self, family: str, first_contact: date, *, clinician=None, **facts) -> int:
        with frozen_at(noon(first_contact)):
            patient = patients.register_patient(self.staff.receptionist, family_name=family, given_name="Ann",
                                                date_of_birth=date(1960, 3, 1))
            episode = episodes.open_episode(clinician or self.staff.clinician, patient.id,
                                            first_contact_on=first_contact, presentation=facts.pop(
                                                "presentation", "non_specific"),
                                            severity=facts.pop("severity", "moderate"), **facts)
        self.patient_ids[family] = patient.id
        self.episode_ids[family] = episode.episode_id
        return episode.episode_id

    def reviewed(self, family: str, first_contact: date, visits: list[tuple[date, str]], clinician=None) -> None:
        """Open the episode, then book its 2-week review for each visit and record what happened."""
        episode_id = self.open(family, first_contact, clinician=clinician)
        for visit_day, outcome in visits:
            review = self.review_to_book(episode_id)
            with frozen_at(noon(first_contact)):
                late = "No earlier slot" if visit_day > review.due_by else None
                self.bookings += 1
                booked = appointments.book_appointment(
                    self.staff.receptionist, review.id, clinician_id=(clinician or self.staff.clinician).user_id,
                    starts_local=datetime(visit_day.year, visit_day.month, visit_day.day, 9, 0) + timedelta(
                        minutes=20 * self.bookings), late_reason=late)
            with frozen_at(noon(visit_day)):
                if outcome == "attended":
                    appointments.record_attended(self.staff.receptionist, booked.id)
                elif outcome == "did_not_attend":
                    appointments.record_did_not_attend(self.staff.receptionist, booked.id)

    def review_to_book(self, episode_id: int):
        with frozen_at(NOW):
            rows = appointments.appointments_for_episode(self.staff.manager, episode_id)
        return next(row for row in rows if row.kind == "two_week_review" and row.status == "to_book")

    def start_back(self, episode_id: int, day: date, answers) -> None:
        with frozen_at(noon(day)):
            episodes.record_start_back(self.staff.clinician, episode_id, assessed_on=day, answers=answers)
        # The figures below were built when a STarT Back closed the unbooked 2-week review. The
        # pathway now keeps that review until attended (issue 10); these patients are set up as
        # seen at it, so their review is closed here rather than rebooking every episode.
        Appointment.update(status="cancelled", cancel_reason="seen at the 2-week review").where(
            (Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")
            & (Appointment.status == "to_book")).execute()

    def high_risk(self, family: str, first_contact: date, assessed: date, sent_on: date | None) -> int:
        episode_id = self.open(family, first_contact)
        self.start_back(episode_id, assessed, HIGH_RISK)
        if sent_on is not None:
            self.send(episode_id, "biopsychosocial", sent_on)
        return episode_id

    def radicular(self, family: str, first_contact: date, sent_on: date | None) -> None:
        episode_id = self.open(family, first_contact, presentation="radicular", severity="severe",
                               severe_radicular_pain=True)
        self.start_back(episode_id, first_contact, LOW_RISK)  # the 2-week review is then not needed
        if sent_on is not None:
            self.send(episode_id, "early_radicular", sent_on)

    def send(self, episode_id: int, kind: str, day: date) -> None:
        """Draft and sign the referral the pathway raised, and mark it sent on ``day``."""
        with frozen_at(noon(day)):
            referral = next(row for row in referrals.referrals_for_episode(self.staff.manager, episode_id)
                            if row.kind == kind)
            referrals.draft_referral(self.staff.clinician, referral.id, "Please assess.")
            referrals.sign_referral(self.staff.clinician, referral.id, PASSWORD)
            referrals.mark_referral_sent(self.staff.receptionist, referral.id)
