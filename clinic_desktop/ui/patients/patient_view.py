"""One patient: who they are, their alerts, and the episode's story as a time line and a list.

Next to the name, one button offers the next thing the signed-in role should do for this
patient (services/worklists/next_action.py: the same obligations the worklists show), and
pressing it does it: books the review, opens the letter or the form. ``go_to`` lands on an
item the same way when a worklist row is opened.

The view reads everything through services (timeline, episode, reviews, referrals) and
redraws itself whenever the change hub reports a change to this patient, from this
window or another workstation. What can be done from here lives in patient_actions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.appointments.appointments import appointments_for_episode
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.episodes import episode_records, pathway_sync, plan_records
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.services.patients.timeline import EpisodeSpan, PatientTimeline, patient_timeline
from clinic_desktop.services.referrals.referrals import referrals_for_episode
from clinic_desktop.services.worklists.next_action import NextAction, next_action
from clinic_desktop.services.worklists.worklists import KIND_TITLES, Page
from clinic_desktop.ui.forms.pathway_notices import PathwayNoticeBar
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.patients.chart_fold import FoldingCharts
from clinic_desktop.ui.patients.contact_fields import phones_in_words
from clinic_desktop.ui.patients.item_target import ItemTarget, of_next_action
from clinic_desktop.ui.patients.measures_chart import MeasuresChart
from clinic_desktop.ui.patients.patient_actions import PatientActions, PatientState
from clinic_desktop.ui.patients.timeline_chart import TimelineChart, attention_of
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.eliding_button import ElidingButton
from clinic_desktop.ui.widgets.filter_box import filter_box
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.paged_table_model import Column, PagedTableModel
from clinic_desktop.ui.widgets.palette import attention_colour, banner_style
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.widgets.time_format import local_time, short_date
from clinic_desktop.ui.widgets.wrapping_tool_bar import FlowLayout, WrappingToolBar

# One patient's record: their details, episodes and what is recorded in them, warnings, reviews and bookings,
# referrals and letters, the clinicians named, and the clinic's timings behind each due date.
READS = Reads(Record.PATIENT, Record.EPISODE, Record.WARNING, Record.APPOINTMENT, Record.REFERRAL, Record.STAFF,
              Record.SETTING)
_PRESENTATIONS = {"non_specific": "Non-specific low back pain", "radicular": "Radicular pain"}


class PatientView(QWidget):
    """A patient's tab: header with alerts, actions, the notice strip, chart and lists.

    ``title_changed`` carries the new tab title after the patient's name was corrected.
    """

    title_changed = Signal(str)

    def __init__(self, actor, settings, hub, patient_id: int, parent=None):
        super().__init__(parent)
        self._actor, self._settings, self._hub = actor, settings, hub
        self.patient_id = patient_id
        self._patient = patients.get_patient(actor, patient_id)
        self._episodes: tuple[EpisodeSpan, ...] = ()
        self._events = ()
        self._measures = ()
        self._episode_record: episode_records.EpisodeRecord | None = None
        self._plan: plan_records.PlanRecord | None = None  # the episode's management plan that stands
        self._drawn_episode: int | None = None  # whose reviews and referrals the lists show
        timings = pathway_sync.pathway_timings()
        self._week_marks = (timings.two_week_review_days, timings.twelve_week_check_days)

        self.name = QLabel()
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name.setFont(font)
        self.name.setAccessibleDescription("Patient name")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAccessibleDescription("Patient details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_button = ElidingButton()  # its whole text in its tooltip
        self.next_button.setObjectName("nextAction")
        self.next_button.setAccessibleName("Next thing to do")
        bold = QFont(self.next_button.font())  # the system's size, bold
        bold.setBold(True)
        self.next_button.setFont(bold)
        self.next_button.hide()
        self.next_button.clicked.connect(self._do_next)
        self._next: NextAction | None = None
        self.header = FlowLayout(spacing=6)  # name, next thing to do, alerts: on more rows at a large font
        self.alert_chips: list[QLabel] = []
        self.notices = PathwayNoticeBar()
        self.actions = PatientActions(actor, settings, hub, patient_id, self, self.notices)
        self.toolbar = WrappingToolBar("Patient actions")  # wraps at a large font: no action hidden behind "»"
        for action in self.actions.in_group("patient"):
            self.toolbar.addAction(action)
        self.episode_choice = QComboBox()
        self.episode_choice.setAccessibleName("Episode")
        self.episode_label = QLabel("&Episode")
        self.episode_label.setBuddy(self.episode_choice)
        self.episode_summary = QLabel()
        self.episode_summary.setWordWrap(True)
        self.episode_summary.setAccessibleDescription("Episode summary")
        self.chart = TimelineChart()
        self.measures_chart = MeasuresChart(self.chart)
        self.timeline_model = _ListModel(timeline_columns(settings.zone))
        self.reviews_model = _ListModel(review_columns(settings.zone, self._today))
        self.referrals_model = _ListModel(referral_columns(settings.zone, self._today))
        self.timeline_table = read_only_table(self.timeline_model, "Time line as a list", fit_contents=True,
                                              widest=360)
        self.reviews_table = read_only_table(self.reviews_model, "Reviews", fit_contents=True, widest=360)
        self.referrals_table = read_only_table(self.referrals_model, "Referrals", fit_contents=True, widest=360)
        self.tabs = QTabWidget()
        name_pages(self.tabs, "Time line, reviews and referrals")
        self.tabs.addTab(self.timeline_table, "Ti&me line")
        self.reviews_tab = self.actions.list_with_buttons(self.reviews_table, "review")
        self.referrals_tab = self.actions.list_with_buttons(self.referrals_table, "referral")
        self.tabs.addTab(self.reviews_tab, "Re&views")
        self.tabs.addTab(self.referrals_tab, "&Referrals")
        self.list_filter = filter_box("Filter the time line, reviews and referrals", self._filter_lists)
        self.list_filter.setPlaceholderText("Filter these lists…")
        self.tabs.setCornerWidget(self.list_filter)
        self.charts = FoldingCharts((self.chart, self.measures_chart), self.tabs, self.timeline_table)
        self._lay_out()

        self.episode_choice.currentIndexChanged.connect(lambda _index: self._show_episode())
        for table in (self.reviews_table, self.referrals_table):
            table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.redraws = RedrawWhenSeen(self, hub, self._on_changed)  # a tab behind another redraws when chosen
        self.reload()

    def _lay_out(self) -> None:
        self.header.addWidget(self.name)
        self.header.addWidget(self.next_button)
        episode_row = QHBoxLayout()
        episode_row.addWidget(self.episode_label)
        episode_row.addWidget(self.episode_choice)
        episode_row.addWidget(self.episode_summary, 1)
        episode_row.addWidget(self.charts.toggle)
        layout = QVBoxLayout(self)
        layout.addLayout(self.header)
        layout.addWidget(self.details)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.notices)
        layout.addLayout(episode_row)
        layout.addWidget(self.charts)
        layout.addWidget(self.tabs, 1)

    def title(self) -> str:
        return self._patient.display_name

    def _today(self) -> date:
        return clock.today(self._settings.zone)

    def _on_changed(self, changes) -> None:
        if READS.concerned_with_patient(changes, self.patient_id):
            self.reload()

    def reload(self) -> None:
        """Read the patient again and redraw, keeping the episode and rows chosen."""
        # Unreadable just now: kept as shown; the next change reported reads it again.
        (Op(self, lambda: (patients.get_patient(self._actor, self.patient_id),
                           patient_timeline(self._actor, self.patient_id),
                           next_action(self._actor, self.patient_id)))
         .success(self._show_read)
         .failure(lambda error: self.details.setText(f"⚠ The record could not be read just now: {error}")).run())

    def _show_read(self, read: tuple[patients.PatientRecord, PatientTimeline, NextAction | None]) -> None:
        named = self._patient.display_name
        self._patient, timeline, self._next = read
        if self._patient.display_name != named:
            self.title_changed.emit(self._patient.display_name)
        self._events = timeline.events
        self._measures = timeline.measures
        self._show_header()
        self._show_next()
        chosen = self.episode_choice.currentData()
        if {span.episode_id for span in timeline.episodes} - {span.episode_id for span in self._episodes}:
            chosen = None  # an episode just opened: show it
        self._episodes = timeline.episodes
        self.episode_choice.blockSignals(True)
        self.episode_choice.clear()
        for span in reversed(self._episodes):  # the latest first
            self.episode_choice.addItem(_episode_title(span), span.episode_id)
        preferred = chosen if chosen in {span.episode_id for span in self._episodes} else _default_episode(
            self._episodes)
        self.episode_choice.setCurrentIndex(max(self.episode_choice.findData(preferred), 0))
        self.episode_choice.blockSignals(False)
        several = len(self._episodes) > 1
        self.episode_choice.setVisible(several)
        self.episode_label.setVisible(several)
        self._show_episode()

    def _show_header(self) -> None:
        record = self._patient
        self.name.setText(record.display_name)
        parts = [f"Born {short_date(record.date_of_birth)} ({record.age} years)",
                 f"NHS {record.nhs_number_display}" if record.nhs_number else "No NHS number"]
        parts += [part for part in ((record.sex or "").capitalize(), _address(record), phones_in_words(record)) if part]
        self.details.setText(" · ".join(parts))

    def _show_next(self) -> None:
        """The button says the next thing to do, marked when it is urgent or late; hidden when nothing is owed."""
        action = self._next
        self.next_button.setVisible(action is not None)
        if action is None:
            return
        self.next_button.setText(("⚠ URGENT · " if action.urgent else "") + action.label)
        late = action.urgent or action.overdue
        self.next_button.setStyleSheet(f"#nextAction {{ color: {attention_colour('urgent').name()}; }}" if late
                                       else "")

    def _do_next(self) -> None:
        if self._next is not None:
            self.go_to(of_next_action(self.patient_id, self._next))

    def _filter_lists(self, text: str) -> None:
        """Each list keeps the rows whose text holds every word typed (a patient's lists are short,
        held whole: the rows are narrowed here, not asked for again)."""
        words = tuple(text.casefold().split())
        for model in (self.timeline_model, self.reviews_model, self.referrals_model):
            model.narrow(words)
        self._update_actions()

    def go_to(self, target: ItemTarget) -> None:
        """Show the item's episode, select the item in its list, and open what the target asks for
        (when the role may and the item's state allows: otherwise the selection says where it is)."""
        self.list_filter.clear()  # the item is listed whatever was typed
        if target.episode_id is not None and target.episode_id != self.episode_choice.currentData():
            shown = self.episode_choice.findData(target.episode_id)
            if shown >= 0:
                self.episode_choice.setCurrentIndex(shown)  # redraws the episode before returning
        listed = {"appointment": (self.reviews_table, self.reviews_model, self.reviews_tab),
                  "referral": (self.referrals_table, self.referrals_model, self.referrals_tab)}.get(target.item_type)
        if listed is not None:
            table, model, tab = listed
            ids = [model.row_at(number).id for number in range(model.rowCount())]
            if target.item_id in ids:
                table.selectRow(ids.index(target.item_id))
                self.tabs.setCurrentWidget(tab)
                table.setFocus()
        if target.verb is not None:
            self.actions.open_on(target.verb, target.item_id, target.item_kind)

    def _show_alerts(self, episode, caution: episode_records.PrescribingCaution | None) -> None:
        for chip in self.alert_chips:
            self.header.removeWidget(chip)
            chip.deleteLater()
        self.alert_chips = []
        severity = self._patient.hepatic_impairment
        if severity != "none":
            self._add_chip("hepaticAlert", f"⚠ Hepatic impairment: {severity}",
                           "urgent" if caution and caution.requires_acknowledgement else "info",
                           f"Muscle relaxants: {caution.message}" if caution else "")
        if self._patient.interpreter_language:
            self._add_chip("interpreterAlert", f"Interpreter needed: {self._patient.interpreter_language}", "info",
                           "Book an interpreter for appointments and telephone calls")
        contraindications = self._patient.nsaid_contraindications
        if contraindications:
            self._add_chip("nsaidAlert", "⚠ NSAID contraindicated", "info",
                           "\n".join(patients.NSAID_CONTRAINDICATIONS[key] for key in contraindications))
        warnings = episode.open_warnings if episode else ()
        needing = [warning for warning in warnings if warning.requires_acknowledgement]
        if needing:
            self._add_chip("warningAlert", f"⚠ {len(needing)} warning{'s' if len(needing) > 1 else ''} to "
                           "acknowledge", "urgent", "\n".join(warning.message for warning in needing))

    def _add_chip(self, name: str, text: str, kind: str, tooltip: str) -> None:
        chip = QLabel(text)
        chip.setObjectName(name)
        chip.setStyleSheet(banner_style(name, kind).replace("padding: 8px", "padding: 3px 8px"))
        chip.setToolTip(tooltip)
        chip.setAccessibleName(text.removeprefix("⚠ "))
        self.header.addWidget(chip)
        self.alert_chips.append(chip)

    def episode(self) -> EpisodeSpan | None:
        chosen = self.episode_choice.currentData()
        return next((span for span in self._episodes if span.episode_id == chosen), None)

    def _show_episode(self) -> None:
        """Read the chosen episode whole, then draw it: a read that fails draws nothing of it."""
        span = self.episode()
        (Op(self, lambda: self._read_episode(span))
         .success(lambda read: self._draw_episode(span, read))
         .failure(lambda error: self._episode_unread(span, error)).run())

    def _read_episode(self, span: EpisodeSpan | None) -> _EpisodeRead:
        cautions = (episode_records.prescribing_caution(self._actor, self.patient_id, "muscle_relaxant")
                    if self._patient.hepatic_impairment != "none" else ())
        caution = cautions[0] if cautions else None  # a relaxant's only caution, asked with no dose nor spasm
        if span is None:
            return _EpisodeRead(caution=caution)
        return _EpisodeRead(episode_records.get_episode(self._actor, span.episode_id),
                            appointments_for_episode(self._actor, span.episode_id),
                            referrals_for_episode(self._actor, span.episode_id), caution,
                            plan_records.current_plan(self._actor, span.episode_id))

    def _draw_episode(self, span: EpisodeSpan | None, read: _EpisodeRead) -> None:
        self._episode_record, self._plan = read.record, read.plan
        self._drawn_episode = span.episode_id if span else None
        events = tuple(event for event in self._events if span and event.episode_id == span.episode_id)
        self.chart.show_episode(span, events, self._today(), self._week_marks)
        self.measures_chart.show_measures(
            tuple(record for record in self._measures if span and record.episode_id == span.episode_id))
        self.episode_summary.setText(_episode_summary(span, read.record, read.plan))
        self._show_alerts(read.record, read.caution)
        self.timeline_model.show(events)
        self._reselect(self.reviews_table, self.reviews_model, read.reviews,
                       lambda row: row.status in ("to_book", "booked"))
        self._reselect(self.referrals_table, self.referrals_model, read.referrals,
                       lambda row: row.status not in ("closed", "cancelled"))
        self._update_actions()

    def _episode_unread(self, span: EpisodeSpan | None, error: str) -> None:
        """The episode shown read again: kept as shown. Another one chosen: its time line (read
        with the record) with no reviews or referrals, never the last episode's under its name."""
        if span is not None and span.episode_id != self._drawn_episode:
            self._draw_episode(span, _EpisodeRead())
        self.episode_summary.setText(f"⚠ The episode could not be read just now: {error}")

    def _reselect(self, table: QTableView, model: "_ListModel", rows, open_item: Callable) -> None:
        """New rows, with the same item selected as before, else the first still open (else the first)."""
        current = table.currentIndex()
        chosen = model.row_at(current.row()).id if current.isValid() else None
        model.show(rows)
        shown = [model.row_at(number) for number in range(model.rowCount())]  # as the filter box leaves them
        ids = [row.id for row in shown]
        if ids:
            fallback = next((number for number, row in enumerate(shown) if open_item(row)), 0)
            table.selectRow(ids.index(chosen) if chosen in ids else fallback)

    def _update_actions(self) -> None:
        self.actions.set_state(PatientState(
            episode=self._episode_record,
            has_open_episode=any(span.status == "open" for span in self._episodes),
            appointment=_selected(self.reviews_table, self.reviews_model),
            referral=_selected(self.referrals_table, self.referrals_model), plan=self._plan))


def timeline_columns(zone) -> list[Column]:
    def what_attention(event):
        attention = attention_of(event)
        return attention if attention in ("urgent", "overdue", "ok") else None

    return [Column("Date", lambda event: short_date(event.on)),
            Column("Time", lambda event: local_time(event.at, zone)),
            Column("What", lambda event: event.title, what_attention),
            Column("Detail", lambda event: event.detail)]


def _due_words(due_by: date, today: date) -> str:
    """Colour is never alone: an open item past or at its deadline says so in words."""
    if due_by < today:
        return f" — OVERDUE {(today - due_by).days} d"
    return " — DUE TODAY" if due_by == today else ""


def _due_attention(due_by: date, today: date) -> str | None:
    return "overdue" if due_by < today else ("today" if due_by == today else None)


def review_columns(zone, today: Callable[[], date]) -> list[Column]:
    def status(row) -> str:
        if row.status == "to_book":
            return "to book" + _due_words(row.due_by, today())
        if row.status == "cancelled":
            return f"cancelled ({row.cancel_reason})" if row.cancel_reason else "cancelled"
        return row.status.replace("_", " ")

    def attention(row) -> str | None:
        if row.status == "did_not_attend":
            return "overdue"
        return _due_attention(row.due_by, today()) if row.status == "to_book" else None

    def when(row) -> str:
        if row.starts_at is None:
            return ""
        return f"{short_date(row.starts_at.astimezone(zone).date())} {local_time(row.starts_at, zone)}"

    return [Column("Review", lambda row: KIND_TITLES[row.kind] + (" (after did not attend)" if row.rebooked_from_id
                                                                  else "")),
            Column("Status", status, attention),
            Column("Due by", lambda row: short_date(row.due_by)),
            Column("Booked for", when),
            Column("Clinician", lambda row: row.clinician_name or ""),
            Column("Reason", lambda row: (row.cancel_reason if row.status == "to_book" else None)
                   or row.late_booking_reason or row.reason or "")]


_WAITING_REFERRAL = ("raised", "drafted", "signed")


def referral_columns(zone, today: Callable[[], date]) -> list[Column]:
    def status(row) -> str:
        late = _due_words(row.due_by, today()) if row.status in _WAITING_REFERRAL else ""
        return row.status + late + (f" ({row.cancel_reason})" if row.cancel_reason else "")

    def letter(row) -> str:
        if row.versions:
            latest = row.versions[-1]
            return (f"version {latest.version} signed {short_date(latest.signed_at.astimezone(zone).date())} "
                    f"by {latest.signer_name}")
        return "draft written" if row.clinician_text else "not written yet"

    return [Column("Referral", lambda row: ("URGENT · " if row.urgent else "") + row.kind_title,
                   lambda row: "urgent" if row.urgent and row.status in _WAITING_REFERRAL else None),
            Column("Status", status,
                   lambda row: _due_attention(row.due_by, today()) if row.status in _WAITING_REFERRAL else None),
            Column("Due by", lambda row: short_date(row.due_by)),
            Column("Letter", letter),
            Column("Reason", lambda row: row.reason)]


@dataclass(frozen=True)
class _EpisodeRead:
    """What the chosen episode shows beyond the time line, read in one go."""

    record: episode_records.EpisodeRecord | None = None
    reviews: tuple = ()
    referrals: tuple = ()
    caution: episode_records.PrescribingCaution | None = None  # a muscle relaxant's, for a hepatic patient
    plan: plan_records.PlanRecord | None = None


class _ListModel(PagedTableModel):
    """A short list held whole (an episode's events, reviews or referrals), narrowed by the filter box."""

    def __init__(self, columns: list[Column]):
        self._all: tuple = ()
        self._words: tuple[str, ...] = ()
        super().__init__(columns, self._page)

    def show(self, rows) -> None:
        self._all = tuple(rows)
        self.reload()

    def narrow(self, words: tuple[str, ...]) -> None:
        """Only the rows whose columns, as shown, hold every word (in lower case)."""
        self._words = words
        self.reload()

    def _page(self, offset: int, limit: int) -> Page:
        shown = tuple(row for row in self._all if all(
            any(word in column.text(row).casefold() for column in self._columns) for word in self._words))
        return Page(shown[offset:offset + limit], len(shown), offset, limit)


def _selected(table: QTableView, model: _ListModel):
    index = table.currentIndex()
    return model.row_at(index.row()) if index.isValid() and index.row() < model.rowCount() else None


def _address(record) -> str:
    return ", ".join(" ".join(part.split()) for part in (record.address.replace("\n", ", "), record.postcode)
                     if part.strip())


def _episode_title(span: EpisodeSpan) -> str:
    ended = f"discharged {short_date(span.discharged_on)}" if span.discharged_on else span.status
    return f"First contact {short_date(span.day_zero)} — {ended}"


def _default_episode(episodes) -> int | None:
    """The open episode if there is one, else the latest."""
    open_ones = [span.episode_id for span in episodes if span.status == "open"]
    return open_ones[0] if open_ones else (episodes[-1].episode_id if episodes else None)


def _episode_summary(span: EpisodeSpan | None, record, plan: plan_records.PlanRecord | None) -> str:
    if span is None:
        return "No episode of back pain on record. A clinician opens one with First contact."
    parts = [_episode_title(span), f"{_PRESENTATIONS.get(span.presentation, span.presentation)}, {span.severity}",
             span.clinician_name]
    if record and record.start_back:
        result = record.start_back
        parts.append(f"STarT Back {result.risk} risk ({result.total}/9, psychosocial {result.psychosocial}/5)")
    if plan:
        parts.append(f"Plan agreed {short_date(plan.agreed_on)}: {plan.treatments_in_short}")
    if record and record.outcome:
        parts.append("12-week outcome: " + ("improved" if record.outcome.improved else "not improved"))
    return " · ".join(part for part in parts if part)


def pick_demo_patient(actor) -> int:
    """The demo patient whose latest episode has the most varied story (for pictures of the view)."""
    wanted = {"start_back", "improvement_measured", "referral_signed", "referral_sent", "appointment_attended",
              "appointment_did_not_attend", "medication_started", "appointment_booked", "warning_raised"}
    best, best_score = None, -1
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for record in patient_search.search_patients(actor, letter, limit=8):
            timeline = patient_timeline(actor, record.id)
            if not timeline.episodes:
                continue
            latest = timeline.episodes[-1]
            kinds = {event.kind for event in timeline.events if event.episode_id == latest.episode_id}
            score = 2 * len(kinds & wanted) + len(kinds) + (3 if latest.status == "open" else 0)
            if score > best_score:
                best, best_score = record.id, score
    if best is None:
        raise NotFound("The database has no patient with an episode to show")
    return best


def pick_patient_with_next_action(actor) -> int:
    """A demo patient with something for this role to do (for pictures of the header's button)."""
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for record in patient_search.search_patients(actor, letter, limit=8):
            if next_action(actor, record.id) is not None:
                return record.id
    raise NotFound("The database has no patient with anything for this role to do")


def for_screenshot(actor, settings, hub) -> QWidget:
    view = PatientView(actor, settings, hub, pick_demo_patient(actor))
    view.resize(1240, 820)
    return view
