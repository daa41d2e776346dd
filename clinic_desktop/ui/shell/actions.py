"""Every action a user can take from a menu, a toolbar, a list's buttons or a context menu: one table.

Each entry says once what the action is called (with its ``&`` mnemonic), its shortcut,
the permission the service will check, where it appears and when it is enabled; every
place makes its ``QAction`` from it (Qt's own advice, and napari's ``Action``). So a
menu item, its toolbar button and its context-menu entry cannot drift apart, an action
is offered only to a role the services allow, and a test can check every place for a
shortcut or mnemonic used twice.

Places are named ``list:<worklist key>`` (the buttons above a worklist and its context
menu), ``patient:toolbar``, ``patient:reviews``, ``patient:referrals`` (a patient's
view), ``book:clinic_day`` (the appointment book's clinic day) and ``menu:<menu>`` (the
main window's menu bar). The handler is the method of the same name as the id on the
object that owns the place (``RowActions``, ``PatientActions``, ``ClinicDayView``,
``MainWindow``). An entry with an enablement rule follows the row
or state selected there and its handler is given it; an entry without one is about
the whole list or window, always offered, and called with nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from clinic_desktop.services.core.permissions import CLINICIAN, MANAGER, RECEPTIONIST, allowed

__all__ = ["ACTIONS", "MENU_TITLES", "ActionSet", "ActionSpec", "menu_places", "offered", "places", "specs_for"]

Shortcut = str | QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    id: str  # stable: the QAction's objectName and the handler's name
    text: str  # with its & mnemonic, as the menu or button shows it
    shortcut: Shortcut
    permission: str | None  # the one the service checks, offered only to a role that has it; None: anyone signed in
    places: tuple[str, ...]
    enabled: Callable[[Any], bool] | None = None  # on the row or state selected; None: about the whole place
    roles: frozenset[str] | None = None  # offered only to these roles too (a text in the role's own words)
    begins_group: bool = False  # a menu puts a separator above it
    submenu: str | None = None  # not an action: a menu's submenu holding this place's actions
    hidden_unless_enabled: bool = False  # shown only while it applies (a catch-up step most records never need)


def _any(_subject) -> bool:
    """Enabled whenever a row is selected."""
    return True


def _bookable(row) -> bool:
    if getattr(row, "item_type", "appointment") != "appointment":
        return False
    return getattr(row, "status", "to_book") == "to_book"


def _booked(row) -> bool:
    return getattr(row, "status", "booked") == "booked"  # an outcome-to-record row is booked by definition


def _sendable(row) -> bool:
    """A letter whose referral was superseded after signing waits for the clinician's decision."""
    return row.status == "signed" and not row.check_with_clinician


def _free_slot(choice) -> bool:
    return choice.cell is not None and choice.cell.bookable


def _paste_here(choice) -> bool:
    return choice.moving is not None and _free_slot(choice)


def _a_clinician(choice) -> bool:
    return choice.cell is not None


def _episode_open(state) -> bool:
    return state.episode_open


def _referral_in(*statuses: str) -> Callable[[Any], bool]:
    return lambda state: state.referral is not None and state.referral.status in statuses


def _has_letter(state) -> bool:
    """A signed letter to read, or a draft written and not yet signed."""
    referral = state.referral
    return referral is not None and (bool(referral.versions) or (referral.status == "drafted"))


def _appointment_in(*statuses: str) -> Callable[[Any], bool]:
    return lambda state: state.episode_open and state.appointment is not None and state.appointment.status in statuses


def _advice_missing(state) -> bool:
    """An open episode opened before the first contact's advice was asked question by question."""
    return state.episode_open and state.episode.initial_management is None


def _has_plan(state) -> bool:
    return state.plan is not None


def _has_warning(state) -> bool:
    return state.episode is not None and bool(state.episode.open_warnings)


_ROW_LISTS = ("to_book", "did_not_attend", "today", "overdue", "awaiting_signature", "assessments_due", "warnings",
              "to_send", "outcome_to_record", "acknowledgements", "referrals_to_write", "relaxants", "open_work",
              "cancelled_red_flags")


def _lists(*keys: str) -> tuple[str, ...]:
    return tuple(f"list:{key}" for key in keys)


_Key = QKeySequence.StandardKey

ACTIONS: tuple[ActionSpec, ...] = (
    # --- a worklist's row (RowActions) ---
    ActionSpec("open_patient", "&Open patient", "Ctrl+O", "view_patient", _lists(*_ROW_LISTS), _any),
    ActionSpec("book_from_list", "&Book review…", "Ctrl+B", "book_appointment",
               _lists("to_book", "did_not_attend", "overdue"), _bookable),
    ActionSpec("arrived", "&Arrived", "Ctrl+Shift+A", "record_attendance", _lists("today", "outcome_to_record"),
               _booked),
    ActionSpec("did_not_attend", "&Did not attend", "Ctrl+Shift+D", "record_attendance",
               _lists("today", "outcome_to_record"), _booked),
    ActionSpec("write_letter_from_list", "Write the &letter…", "Ctrl+Shift+W", "draft_referral",
               _lists("referrals_to_write"), _any),
    ActionSpec("record_finding", "&Record finding…", "Ctrl+T", "record_clinical_fact", _lists("assessments_due"),
               _any),
    ActionSpec("acknowledge_from_list", "A&cknowledge…", "Ctrl+K", "acknowledge_warning", _lists("warnings"), _any),
    ActionSpec("review_medicine", "&Stop or keep on…", "Ctrl+Shift+S", "record_clinical_fact", _lists("relaxants"),
               _any),
    ActionSpec("record_acknowledgement", "Record ac&knowledgement", "Ctrl+K", "record_referral_reply",
               _lists("acknowledgements"), _any),
    ActionSpec("view_letter_from_list", "&View letter…", "Ctrl+Shift+L", "view_patient", _lists("to_send"), _any),
    ActionSpec("mark_sent_from_list", "&Mark sent", "Ctrl+Shift+M", "send_referral", _lists("to_send"),
               _sendable),
    ActionSpec("print_or_export_all", "&Print or export all…", "Ctrl+P", "export_letters", _lists("to_send")),

    # --- a patient's view (PatientActions): its toolbar, and the buttons and context menus of its lists ---
    ActionSpec("edit_details", "&Edit details…", "Ctrl+E", "edit_patient", ("patient:toolbar",)),
    ActionSpec("first_contact", "&First contact…", "Ctrl+Shift+F", "open_episode", ("patient:toolbar",),
               lambda state: not state.has_open_episode),
    ActionSpec("start_back", "&STarT Back…", "Ctrl+T", "record_clinical_fact", ("patient:toolbar",), _episode_open),
    ActionSpec("medication", "&Medication…", "Ctrl+M", "record_clinical_fact", ("patient:toolbar",), _episode_open),
    ActionSpec("findings", "F&indings…", "Ctrl+I", "record_clinical_fact", ("patient:toolbar",), _episode_open),
    ActionSpec("imaging", "Re&quest imaging…", "", "record_clinical_fact", ("patient:toolbar",), _episode_open),
    ActionSpec("record_advice", "Record first-&contact advice…", "", "record_clinical_fact", ("patient:toolbar",),
               _advice_missing, hidden_unless_enabled=True),
    ActionSpec("plan", "Mana&gement plan…", "Ctrl+G", "record_clinical_fact", ("patient:toolbar",), _episode_open),
    ActionSpec("evaluation", "&Ongoing evaluation…", "Ctrl+Shift+G", "record_clinical_fact", ("patient:toolbar",),
               _episode_open),
    ActionSpec("outcome", "12-&week outcome…", "Ctrl+Shift+W", "record_clinical_fact", ("patient:toolbar",),
               _episode_open),
    ActionSpec("discharge", "&Discharge…", "Ctrl+Shift+D", "discharge_episode", ("patient:toolbar",),
               _episode_open),
    ActionSpec("acknowledge", "&Acknowledge warning…", "Ctrl+K", "acknowledge_warning", ("patient:toolbar",),
               _has_warning),
    ActionSpec("follow_up", "Add f&ollow-up…", "Ctrl+Shift+U", "book_appointment", ("patient:reviews",),
               _episode_open),
    ActionSpec("book", "&Book review…", "Ctrl+B", "book_appointment", ("patient:reviews",),
               _appointment_in("to_book")),
    ActionSpec("rebook", "&Rebook review…", "Ctrl+Shift+B", "book_appointment", ("patient:reviews",),
               _appointment_in("booked")),
    ActionSpec("print_confirmation", "Print &confirmation…", "", "view_patient", ("patient:reviews",),
               _appointment_in("booked")),
    ActionSpec("add_to_waiting_list", "Add to &waiting list…", "", "book_appointment", ("patient:reviews",),
               _appointment_in("to_book", "booked")),
    ActionSpec("write_letter", "&Write letter…", "Ctrl+Shift+L", "draft_referral", ("patient:referrals",),
               _referral_in("raised", "drafted")),
    ActionSpec("sign", "&Sign letter…", "Ctrl+Shift+S", "sign_referral", ("patient:referrals",),
               _referral_in("drafted")),
    ActionSpec("view_letter", "&View letter…", "Ctrl+Shift+V", "view_patient", ("patient:referrals",), _has_letter),
    ActionSpec("amend_letter", "Ame&nd letter…", "Ctrl+Shift+N", "sign_referral", ("patient:referrals",),
               _referral_in("signed", "sent")),
    ActionSpec("mark_sent", "Mark letter s&ent", "", "send_referral", ("patient:referrals",), _referral_in("signed")),
    ActionSpec("acknowledged", "Record ac&knowledged", "", "record_referral_reply", ("patient:referrals",),
               _referral_in("sent")),
    ActionSpec("close", "&Close referral", "", "record_referral_reply", ("patient:referrals",),
               _referral_in("acknowledged")),
    ActionSpec("cancel_referral", "Cancel referra&l…", "", "cancel_referral", ("patient:referrals",),
               _referral_in("raised", "drafted")),
    ActionSpec("print_leaflet", "&Print leaflet…", "Ctrl+Shift+P", "view_patient", ("patient:toolbar",)),
    ActionSpec("print_plan", "Plan printo&ut…", "", "view_patient", ("patient:toolbar",), _has_plan),

    # --- the appointment book's clinic day (ClinicDayView): a cell of the grid, and the booking being moved ---
    ActionSpec("book_here", "&Book a review here…", "", "book_appointment", ("book:clinic_day",), _free_slot),
    ActionSpec("cut_booking", "&Move booking (cut)", _Key.Cut, "book_appointment", ("book:clinic_day",),
               lambda choice: choice.cell is not None and choice.cell.movable),
    ActionSpec("paste_booking", "Pa&ste booking here", _Key.Paste, "book_appointment", ("book:clinic_day",),
               _paste_here),
    ActionSpec("stop_moving", "Stop movin&g", "Esc", "book_appointment", ("book:clinic_day",),
               lambda choice: choice.moving is not None, hidden_unless_enabled=True),
    ActionSpec("print_day_list", "Print day &list…", "Ctrl+P", "view_worklists", ("book:clinic_day",), _a_clinician,
               begins_group=True),
    ActionSpec("save_day_list", "Save day list as PD&F…", "", "view_worklists", ("book:clinic_day",), _a_clinician),

    # --- the main window's menus (MainWindow) ---
    ActionSpec("refresh", "&Refresh", _Key.Refresh, None, ("menu:file",)),
    ActionSpec("import_patients", "&Import patients from CSV…", "", "import_patients", ("menu:file",),
               begins_group=True),
    ActionSpec("export", "&Export", "", None, ("menu:file",), submenu="menu:export"),
    ActionSpec("lock", "&Lock screen", "Ctrl+L", None, ("menu:file",), begins_group=True),
    ActionSpec("sign_out", "Sign &out", "Ctrl+Shift+Q", None, ("menu:file",)),
    ActionSpec("quit", "&Quit", _Key.Quit, None, ("menu:file",)),
    ActionSpec("export_my_calendar", "My &calendar (iCalendar)…", "", "export_calendar", ("menu:export",),
               roles=frozenset({CLINICIAN})),
    ActionSpec("export_calendar", "A clinician's &calendar (iCalendar)…", "", "export_calendar", ("menu:export",),
               roles=frozenset({RECEPTIONIST, MANAGER})),
    ActionSpec("export_patient_record", "This patient's &record (FHIR)…", "", "export_patient_record",
               ("menu:export",)),
    ActionSpec("export_patients", "All &patients (CSV)…", "", "export_patients", ("menu:export",)),
    ActionSpec("export_every_record", "&Every patient's record (FHIR, into a folder)…", "", "export_every_record",
               ("menu:export",)),
    ActionSpec("show_worklists", "&Worklists", "Ctrl+1", None, ("menu:go",)),
    ActionSpec("find_patient", "&Find patient", _Key.Find, "view_patient", ("menu:go",)),
    ActionSpec("show_book", "Appointment &book", "Ctrl+3", None, ("menu:go",)),
    ActionSpec("open_urgent_patient", "&Urgent referral's patient", "Ctrl+U", "view_patient", ("menu:go",)),
    ActionSpec("next_tab", "&Next tab", "Ctrl+Tab", None, ("menu:go",), begins_group=True),
    ActionSpec("previous_tab", "&Previous tab", "Ctrl+Shift+Tab", None, ("menu:go",)),
    ActionSpec("close_patient_tab", "&Close patient tab", _Key.Close, None, ("menu:go",)),
    ActionSpec("register_patient", "&Register new patient…", _Key.New, "register_patient", ("menu:patient",)),
    ActionSpec("print_or_export_letters", "&Print or export signed letters…", "Ctrl+Shift+E", "export_letters",
               ("menu:letters",)),
)


# The menu bar, left to right. Alt+P is the Patients tab, so the Patient menu is Alt+T.
MENU_TITLES = {"menu:file": "&File", "menu:go": "&Go", "menu:patient": "Pa&tient", "menu:letters": "&Letters"}


def offered(role: str, spec: ActionSpec) -> bool:
    """Offered to a role the service would allow (and, for a role-worded entry, to that role)."""
    return (spec.permission is None or allowed(role, spec.permission)) and (spec.roles is None or role in spec.roles)


def specs_for(place: str, role: str) -> list[ActionSpec]:
    """The entries a role is offered in one place, in the table's order."""
    return [spec for spec in ACTIONS if place in spec.places and offered(role, spec)]


def places() -> list[str]:
    """Every place the table names (the shortcut and mnemonic checks go through each)."""
    return sorted({place for spec in ACTIONS for place in spec.places})


def menu_places() -> list[str]:
    """The menu bar's menus and their submenus."""
    return [place for place in places() if place.startswith("menu:")]


class ActionSet(QObject):
    """The QActions of some places for one owner: made from the table, enabled for the subject
    selected (a row, the patient's state), handled by the owner's method of the same name."""

    def __init__(self, role: str, place_names: Iterable[str], owner: QObject, handlers: object,
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut):
        super().__init__(owner)
        self.subject: Any = None
        self.actions: dict[str, QAction] = {}
        self.specs: dict[str, ActionSpec] = {}
        self._places: dict[str, list[str]] = {}
        for place in place_names:
            self._places[place] = []
            for spec in specs_for(place, role):
                if spec.submenu is None and spec.id not in self.actions:
                    self.actions[spec.id] = self._make(spec, owner, context, getattr(handlers, spec.id))
                    self.specs[spec.id] = spec
                self._places[place].append(spec.id)
        self.update(None)

    def _make(self, spec: ActionSpec, owner: QObject, context: Qt.ShortcutContext,
              handler: Callable[..., None]) -> QAction:
        """The handler is held by the connection alone, so a closed window is not kept alive by its actions."""
        action = QAction(spec.text, owner)
        action.setObjectName(spec.id)
        # A standard key is every binding the platform gives it (Close: Ctrl+F4 and Ctrl+W), not its first only.
        keys = [key for key in (QKeySequence.keyBindings(spec.shortcut)
                                if isinstance(spec.shortcut, QKeySequence.StandardKey)
                                else [QKeySequence(spec.shortcut)]) if not key.isEmpty()]
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(context)
            readable = " or ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in keys[:2])
            action.setToolTip(f"{spec.text.replace('&', '').rstrip('…')} ({readable})")
        action.triggered.connect(lambda _=False, chosen=spec, run=handler: self._run(chosen, run))
        return action

    def in_place(self, place: str) -> list[QAction]:
        return [self.actions[name] for name in self._places.get(place, ()) if name in self.actions]

    def fill_menu(self, menu: QMenu, place: str) -> None:
        """The place's actions in the table's order, its submenus, and a separator before each
        group that has something offered in it."""
        separate = False
        for spec in ACTIONS:
            if place not in spec.places:
                continue
            separate = separate or spec.begins_group
            if spec.id not in self._places.get(place, ()):
                continue
            if separate and menu.actions():
                menu.addSeparator()
            separate = False
            if spec.submenu is not None:
                self.fill_menu(menu.addMenu(spec.text), spec.submenu)
            else:
                menu.addAction(self.actions[spec.id])

    def update(self, subject) -> None:
        """Enable each action for what is now selected."""
        self.subject = subject
        for name, action in self.actions.items():
            applies = self._applies(self.specs[name])
            action.setEnabled(applies)
            if self.specs[name].hidden_unless_enabled:
                action.setVisible(applies)

    def _run(self, spec: ActionSpec, handler: Callable[..., None]) -> None:
        if spec.enabled is None:
            handler()
        elif self._applies(spec):  # still true: a shortcut may race a redraw
            handler(self.subject)

    def _applies(self, spec: ActionSpec) -> bool:
        return spec.enabled is None or (self.subject is not None and spec.enabled(self.subject))
