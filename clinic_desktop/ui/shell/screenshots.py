"""``--screenshot FILE --view NAME``: each main view rendered offscreen, as its user sees it.

For the README and for looking at what we build. Each view is drawn over whatever the
database holds (the demo clinic), signed in as the first active user of the role that
works in it. It is a documentation aid, not a way in: the data file is readable anyway.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSize, qInstallMessageHandler
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog, QWidget

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.app import application, use_palette
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.widgets.palette import dark_palette
from clinic_desktop.ui.widgets.window_layout import layouts_set_aside


@dataclass(frozen=True)
class ScreenshotView:
    role: str
    build: Callable[..., QWidget]  # (actor, settings, hub, location) -> the widget to picture
    size: QSize | None = None  # None: the widget's own size hint


def _main_window(tab: str | None = None) -> Callable[..., QWidget]:
    def build(actor, settings: ClinicSettings, hub: ChangeHub, location: str) -> QWidget:
        from clinic_desktop.ui.shell.main_window import MainWindow

        window = MainWindow(actor, settings, location, hub)
        if tab == "patient":
            from clinic_desktop.ui.patients.patient_view import pick_demo_patient

            window.open_patient(pick_demo_patient(actor))
        elif tab == "next_action":
            from clinic_desktop.ui.patients.patient_view import pick_patient_with_next_action

            window.open_patient(pick_patient_with_next_action(actor))
        elif tab == "filtered":
            from clinic_desktop.ui.worklists.worklists_panel import filter_for_screenshot

            filter_for_screenshot(window.worklists, actor)
        elif tab in ("book", "clinic_day", "book_week"):
            from clinic_desktop.ui.book.book_pictures import show_busiest_day

            window.tabs.setCurrentWidget(window.book)
            show_busiest_day(window.book, actor, settings)
            if tab != "book":
                from clinic_desktop.ui.book.book_pictures import show_next_open_day

                show_next_open_day(window.book, settings)
                (window.book.clinic_mode if tab == "clinic_day" else window.book.week_mode).click()
        elif tab in ("dashboard", "audit", "admin", "reminders"):
            window.tabs.setCurrentWidget(getattr(window.manager, tab))
        elif tab in ("open_work", "referrals_to_write"):
            window.worklists.setCurrentWidget(window.worklists.list_for(tab))
        elif tab == "search":
            from clinic_desktop.ui.patients.patient_search import fill_for_screenshot

            window.tabs.setCurrentWidget(window.patient_search)
            fill_for_screenshot(window.patient_search)
        return window

    return build


def _module_view(module: str, function: str = "for_screenshot") -> Callable[..., QWidget]:
    def build(actor, settings: ClinicSettings, hub: ChangeHub, location: str) -> QWidget:
        from importlib import import_module

        return getattr(import_module(f"clinic_desktop.ui.{module}"), function)(actor, settings, hub)

    return build


def _under_way(module: str, size: QSize) -> Callable[..., QWidget]:
    """A window with its progress dialog over it, while long work runs (ui/ops). The module's
    ``checking_for_screenshot`` context holds the work under way while the picture is taken;
    the two windows are drawn into one picture, as the screen shows them."""
    def build(actor, settings: ClinicSettings, hub: ChangeHub, location: str) -> QWidget:
        from importlib import import_module

        with import_module(f"clinic_desktop.ui.{module}").checking_for_screenshot(actor, settings, hub) as window:
            window.resize(size)
            window.show()
            picture = _over(window, _progress_shown(window))
        _delete_now(window)
        shown = QLabel()
        shown.setPixmap(picture)
        return shown

    return build


def _question_over(module: str) -> Callable[..., QWidget]:
    """A form with the question it asks open over it; the module's ``confirmation_for_screenshot``
    gives both, shown. The two are drawn into one picture, as the screen shows them."""
    def build(actor, settings: ClinicSettings, hub: ChangeHub, location: str) -> QWidget:
        from importlib import import_module

        form, question = import_module(f"clinic_desktop.ui.{module}").confirmation_for_screenshot(actor, settings, hub)
        QApplication.processEvents()
        picture = _over(form, question)
        _delete_now(question, form)
        shown = QLabel()
        shown.setPixmap(picture)
        return shown

    return build


def _over(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with the dialog drawn where it stands. Offscreen there is no window manager
    to frame the dialog, so it gets the edge and shadow a desktop would give it."""
    picture = window.grab()
    place = QRect(dialog.pos() - window.pos(), dialog.size())
    painter = QPainter(picture)
    painter.fillRect(place.translated(4, 4), QColor(0, 0, 0, 60))
    painter.drawPixmap(place.topLeft(), dialog.grab())
    painter.setPen(QColor(0, 0, 0, 150))
    painter.drawRect(place.adjusted(-1, -1, 0, 0))
    painter.end()
    return picture


def _progress_shown(window: QWidget) -> QProgressDialog:
    """Turn the event loop until the window's progress dialog shows (after its short delay)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        QApplication.processEvents()
        dialog = window.findChild(QProgressDialog, "progress")
        if dialog is not None and dialog.isVisible():
            for _ in range(3):  # its layout settles over a few passes
                QApplication.processEvents()
            return dialog
        time.sleep(0.01)
    raise ServiceError("the progress dialog did not appear for the screenshot")


def _lock_screen(actor, settings: ClinicSettings, hub: ChangeHub, location: str) -> QWidget:
    from clinic_desktop.ui.shell.session import LockScreen

    return LockScreen(settings.name, actor)


def _sign_in(actor, settings: ClinicSettings, hub: ChangeHub, location: str) -> QWidget:
    from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog

    return SignInDialog(settings.name)


_WINDOW = QSize(1280, 800)
_LAPTOP = QSize(1366, 768)  # the front desk's laptop (issue 13)

VIEWS: dict[str, ScreenshotView] = {
    "worklists-manager": ScreenshotView("practice_manager", _main_window(), _WINDOW),
    "worklists-reception": ScreenshotView("receptionist", _main_window(), _WINDOW),
    "worklists-clinician": ScreenshotView("clinician", _main_window(), _WINDOW),
    "open-work": ScreenshotView("practice_manager", _main_window("open_work"), _WINDOW),
    "referrals-to-write": ScreenshotView("clinician", _main_window("referrals_to_write"), _WINDOW),
    "patient-search": ScreenshotView("receptionist", _main_window("search"), _WINDOW),
    "patient": ScreenshotView("clinician", _main_window("patient"), _WINDOW),
    "patient-next-reception": ScreenshotView("receptionist", _main_window("next_action"), _LAPTOP),
    "patient-next-clinician": ScreenshotView("clinician", _main_window("next_action"), _LAPTOP),
    "patient-next-manager": ScreenshotView("practice_manager", _main_window("next_action"), _LAPTOP),
    "worklist-filtered": ScreenshotView("receptionist", _main_window("filtered"), _LAPTOP),
    "appointment-book": ScreenshotView("receptionist", _main_window("book"), _WINDOW),
    "clinic-day": ScreenshotView("receptionist", _main_window("clinic_day"), _LAPTOP),
    "book-week": ScreenshotView("receptionist", _main_window("book_week"), _LAPTOP),
    "review-choice": ScreenshotView("receptionist", _module_view("book.book_pictures",
                                                                 "review_choice_for_screenshot")),
    "move-booking": ScreenshotView("receptionist", _module_view("book.book_pictures", "move_for_screenshot")),
    "patient-details": ScreenshotView("receptionist", _module_view("patients.patient_dialog")),
    "patient-contact": ScreenshotView("receptionist", _module_view("patients.patient_dialog",
                                                                   "contact_for_screenshot")),
    "booking": ScreenshotView("receptionist", _module_view("book.booking_dialog")),
    "confirmation": ScreenshotView("receptionist", _module_view("book.confirmation_offer"), QSize(900, 1000)),
    "add-to-waiting-list": ScreenshotView("receptionist", _module_view("book.waiting_list_dialog")),
    "freed-slot": ScreenshotView("receptionist", _module_view("book.freed_slot_dialog")),
    "first-contact": ScreenshotView("clinician", _module_view("forms.first_contact_form")),
    "start-back": ScreenshotView("clinician", _module_view("forms.start_back_form")),
    "medication": ScreenshotView("clinician", _module_view("forms.medication_form")),
    "imaging": ScreenshotView("clinician", _module_view("forms.imaging_form")),
    "evaluation": ScreenshotView("clinician", _module_view("forms.evaluation_form")),
    "outcome": ScreenshotView("clinician", _module_view("forms.outcome_form")),
    "plan": ScreenshotView("clinician", _module_view("forms.plan_form")),
    "discharge": ScreenshotView("clinician", _module_view("forms.discharge_form")),
    "letter": ScreenshotView("clinician", _module_view("letters.letter_window"), QSize(900, 1000)),
    "sign-letter": ScreenshotView("clinician", _module_view("letters.referral_dialogs"), QSize(900, 1000)),
    "letter-batch": ScreenshotView("receptionist", _module_view("letters.letter_batch_dialog")),
    "lock": ScreenshotView("receptionist", _lock_screen),
    "sign-in": ScreenshotView("receptionist", _sign_in),
    "dashboard": ScreenshotView("practice_manager", _main_window("dashboard"), _WINDOW),
    "audit": ScreenshotView("practice_manager", _main_window("audit"), _WINDOW),
    "administration": ScreenshotView("practice_manager", _main_window("admin"), _WINDOW),
    "reminders": ScreenshotView("receptionist", _main_window("reminders"), _WINDOW),
    "messages-settings": ScreenshotView("practice_manager", _module_view("admin.admin_messages"), QSize(1000, 560)),
    "letterhead": ScreenshotView("practice_manager", _module_view("admin.admin_letterhead"), QSize(860, 380)),
    "deactivate-user": ScreenshotView("practice_manager", _module_view("admin.admin_user_dialogs")),
    "sessions-and-leave": ScreenshotView("practice_manager", _module_view("admin.admin_sessions"), QSize(1180, 640)),
    "add-leave": ScreenshotView("practice_manager", _module_view("admin.admin_sessions", "leave_for_screenshot")),
    "leave-over-bookings": ScreenshotView("practice_manager", _question_over("admin.admin_sessions")),
    "import-patients": ScreenshotView("practice_manager", _module_view("exchange.import_dialog")),
    "export-calendar": ScreenshotView("receptionist", _module_view("exchange.exchange_actions")),
    "export-every-record": ScreenshotView("practice_manager", _module_view("exchange.exchange_actions",
                                                                           "folder_for_screenshot"), QSize(900, 560)),
    "backup-check-progress": ScreenshotView("practice_manager", _under_way("admin.backup_page", QSize(860, 900))),
}


def _offscreen_screen(width: int, height: int, scale: int) -> Path:
    """Before the application starts: the offscreen platform's one screen made ``width``×``height``
    logical pixels at ``scale`` (its configuration file counts device pixels). Returns the folder
    of that file, read when the application starts and no longer needed then."""
    if QCoreApplication.instance() is not None:
        raise ServiceError("the screen size is chosen before the application starts")
    config = Path(tempfile.mkdtemp(prefix="clinic-screen-")) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": f"{width}x{height}@{scale}", "x": 0, "y": 0,
                                               "width": width * scale, "height": height * scale,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = str(scale)
    return config.parent


def _quiet_offscreen_notes(kind, context, message: str) -> None:
    """The offscreen platform reports window-manager hints it cannot honour; nobody needs them."""
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def _delete_now(*objects) -> None:
    """Gone before returning: a caller drawing several views in one process (the tests) must
    not leave windows for the interpreter's shutdown to delete in no particular order."""
    for thing in objects:
        if isinstance(thing, QWidget):
            thing.close()
        thing.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def save_screenshot(target: Path, database_location: str, view_name: str = "worklists-manager",
                    screen: tuple[int, int, int] | None = None, font_points: float | None = None, *,
                    dark: bool = False) -> None:
    """Render one view to a PNG file; ``screen`` (width, height, scale): on a screen of that many
    logical pixels at that scale, the main windows filling it (without it, 1280×800); ``font_points``:
    with the system font at that size, as a person with low vision sets it (issue 16); ``dark``: in a
    dark desktop's palette. Drawn with a new user's layout, leaving the user's own as it was."""
    with layouts_set_aside():
        _draw(target, database_location, view_name, screen, font_points, dark)


def _draw(target: Path, database_location: str, view_name: str, screen: tuple[int, int, int] | None,
          font_points: float | None, dark: bool) -> None:
    view = VIEWS[view_name]
    configured = _offscreen_screen(*screen) if screen is not None else None
    qInstallMessageHandler(_quiet_offscreen_notes)
    app = application()
    if dark:
        use_palette(app, dark_palette())
    if configured is not None:
        shutil.rmtree(configured)
    if font_points is not None:
        font = app.font()
        font.setPointSizeF(font_points)
        app.setFont(font)
    actor = users.first_active_user(view.role)
    if actor is None:
        raise ServiceError(f"the database has no active {view.role.replace('_', ' ')} to show the "
                           f"{view_name} view for")
    settings = load_settings()
    hub = ChangeHub(actor)
    widget = view.build(actor, settings, hub, database_location)
    room = app.primaryScreen().availableGeometry().size()
    if screen is not None and view.size == _WINDOW:
        widget.resize(room)
    elif view.size is not None:
        widget.resize(view.size.boundedTo(room) if screen is not None else view.size)
    else:
        widget.resize(widget.sizeHint().expandedTo(widget.minimumSizeHint()))
    widget.show()
    for passes in range(1, 50):  # layouts settle over a few passes of the event loop, and background reads
        app.processEvents()  # come back, some starting others (a list's rows, then the other lists' counts)
        Op.settle()
        app.processEvents()
        if passes >= 3 and not Op.any_running():
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    saved = widget.grab().save(str(target), "PNG")
    _delete_now(widget, hub)
    if not saved:
        raise ServiceError(f"could not write {target}")
