"""The Administration tab's backup page: back up now, restore, the daily backup and its copies.

A restore replaces every record, so it goes in two steps: the chosen file is checked first
and the confirmation names both what the file holds and what it will replace (a safety
copy of the current database is kept). On PostgreSQL the page shows the exact pg_dump and
pg_restore commands instead, since a server is backed up and restored by its own tools.
"""
from __future__ import annotations

from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin import backup, backup_schedule
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings, update_clinic_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.command_label import CommandLabel, with_copy_button
from clinic_desktop.ui.widgets.file_dialogs import open_file_dialog, save_file_dialog
from clinic_desktop.ui.widgets.form_dialog import show_as_refusal
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen
from clinic_desktop.ui.widgets.scrolled_page import scroll_content
from clinic_desktop.ui.widgets.text_size import lines
from clinic_desktop.ui.widgets.time_format import short_date

_FILTER = "Clinic Desktop backups (*.sqlite3 *.pgdump);;All files (*)"
_READS = Reads(Record.BACKUPS, Record.SETTING)  # the copies in the folder, and the folder and schedule


class BackupPage(QWidget):
    restored = Signal()  # the whole database was replaced: every view must reload, and sign in again
    backup_finished = Signal(bool)  # a "Back up now" copy ended: True when it was written and checked

    def __init__(self, actor: Actor, settings: ClinicSettings, hub: ChangeHub, parent=None):
        super().__init__(parent)
        self._actor = actor
        self._settings = settings
        self._hub = hub
        self._sqlite = backup.uses_sqlite()
        self.file_dialog: QFileDialog | None = None
        self.confirmation: QMessageBox | None = None
        self._copying: Op | None = None
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._now_group())
        layout.addWidget(self._restore_group())
        layout.addWidget(self._daily_group())
        layout.addWidget(self._copies_group(), 1)
        scroll_content(self, content)
        self._show_daily_settings(settings)
        self.refresh_copies()
        self.redraws = RedrawWhenSeen(self, hub, self._redraw)

    # --- building ---

    def _group(self, title: str, sqlite_text: str, postgres_text: str) -> tuple[QGroupBox, QVBoxLayout]:
        group = QGroupBox(title)
        layout = QVBoxLayout(group)
        intro = QLabel(sqlite_text if self._sqlite else postgres_text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        return group, layout

    def _now_group(self) -> QGroupBox:
        group, layout = self._group(
            "Back up now",
            "Copies the whole database to a file of your choice while everyone keeps working. "
            "The copy is checked before it is reported done. Keep copies away from this computer too.",
            "The database is on a PostgreSQL server: it is backed up with pg_dump. The button runs this "
            "command (the password is asked for by pg_dump or taken from PGPASSWORD):")
        if not self._sqlite:
            self.dump_command = CommandLabel(backup.pg_dump_command(Path("clinic.pgdump")), "pg_dump command")
            layout.addLayout(with_copy_button(self.dump_command))
        self.back_up_button = QPushButton("Back &up now…")
        self.back_up_button.setEnabled(self._sqlite or backup.pg_dump_available())
        self.back_up_button.clicked.connect(self.choose_backup_file)
        layout.addWidget(self.back_up_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.backup_result = _answer_label("Result of the last backup")
        layout.addWidget(self.backup_result)
        return group

    def _restore_group(self) -> QGroupBox:
        group, layout = self._group(
            "Restore from a backup",
            "Replaces every record with those in a backup file. The file is checked first and you are "
            "asked to confirm; a safety copy of the current database is kept beside it. "
            "Close the app on the other workstations first.",
            "A PostgreSQL database is restored by its administrator with every workstation closed, all "
            "or nothing, with:")
        self.restore_button = QPushButton("&Restore from a backup…")
        if self._sqlite:
            self.restore_button.clicked.connect(self.choose_restore_file)
            layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self.restore_button.setEnabled(False)
            self.restore_command = CommandLabel(backup.pg_restore_command(Path("clinic.pgdump")),
                                                "pg_restore command")
            layout.addLayout(with_copy_button(self.restore_command))
        self.restore_result = _answer_label("Result of the last restore")
        layout.addWidget(self.restore_result)
        return group

    def _daily_group(self) -> QGroupBox:
        group = QGroupBox("Daily automatic backup")
        form = QFormLayout(group)
        self.daily_check = QCheckBox("Back up &automatically once a day while the app is open")
        self.daily_check.setAccessibleDescription("Daily automatic backup")
        form.addRow(self.daily_check)
        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName("Backup folder")
        self.folder_edit.setPlaceholderText(str(backup_schedule.backup_folder(ClinicSettings())))
        choose = QPushButton("C&hoose…")
        choose.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(choose)
        folder_label = QLabel("F&older")
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, row)
        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(1, 366)
        self.copies_spin.setSuffix(" daily copies")
        self.copies_spin.setAccessibleName("Copies kept")
        copies_row = QHBoxLayout()
        copies_row.addWidget(self.copies_spin)
        copies_row.addStretch(1)
        copies_label = QLabel("Copies &kept")
        copies_label.setBuddy(self.copies_spin)
        form.addRow(copies_label, copies_row)
        self.save_button = QPushButton("&Save daily backup settings")
        self.save_button.clicked.connect(self.save_daily_settings)
        self.daily_message = QLabel()
        self.daily_message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.daily_message, 1)
        form.addRow(buttons)
        example = backup_schedule.daily_file_name(clock.today(self._settings.zone))
        hint = QLabel("A scheduled job can make the same copy when the app is closed, with the command<br>"
                      "<code>clinic-desktop backup --daily</code><br>Only files named like "
                      f"<i>{escape(example)}</i> are ever deleted from the folder.")
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(hint)
        return group

    def _copies_group(self) -> QGroupBox:
        group = QGroupBox("Daily copies kept")
        layout = QVBoxLayout(group)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.copies_table = QTableWidget(0, 3)
        self.copies_table.setHorizontalHeaderLabels(["Clinic day", "File", "Size"])
        self.copies_table.setAccessibleName("Daily copies kept")
        self.copies_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.copies_table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move within it
        self.copies_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.copies_table.verticalHeader().setVisible(False)
        header = self.copies_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.copies_table.setMinimumHeight(lines(self.copies_table, 5))
        layout.addWidget(self.copies_table)
        return group

    # --- back up now ---

    def choose_backup_file(self) -> None:
        folder = backup_schedule.backup_folder(load_settings())
        suffix = ".sqlite3" if self._sqlite else ".pgdump"
        name = f"clinic-backup-{clock.today(self._settings.zone).isoformat()}{suffix}"
        start = folder if folder.is_dir() else Path.home()
        self.file_dialog = save_file_dialog(self, "Back up the database to", start / name, _FILTER, suffix[1:],
                                            self.back_up_to)

    def back_up_to(self, path: Path) -> bool:
        """Start the copy in the background (a large one takes seconds); False while one runs.

        No progress dialog: the page says the copy is under way and the user carries on working.
        """
        if self._copying is not None and self._copying.is_running():
            return False
        self.back_up_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.backup_result.setStyleSheet("")
        self.backup_result.setText(f"Backing up to {path}… You can carry on working meanwhile.")
        self.backup_result.show()
        self._copying = (Op(self, lambda: backup.back_up(self._actor, path), hub=self._hub)
                         .success(self._backed_up).failure(self._not_backed_up).in_background(None))
        self._copying.finished.connect(self._copy_over)
        return True

    def wait_for_backup(self, seconds: float = 120) -> None:
        """Block until a running copy is done and its outcome is shown (screenshots, tests)."""
        if self._copying is not None:
            self._copying.wait(seconds)
        QCoreApplication.sendPostedEvents()

    def _copy_over(self) -> None:
        self.back_up_button.setEnabled(self._sqlite or backup.pg_dump_available())
        self.restore_button.setEnabled(self._sqlite)
        self.backup_finished.emit(bool(self._copying.ok))

    def _not_backed_up(self, why: str) -> None:
        self.backup_result.setText(sentence(f"Not backed up: {why}"))
        show_as_refusal(self.backup_result)

    def _backed_up(self, result) -> None:
        held = f": {backup.describe(result.contents, self._settings.zone)}" if result.contents else ""
        if not self._sqlite:
            self.dump_command.set_command(backup.pg_dump_command(result.path))
        self.backup_result.setText(f"Backed up to {result.path}{held} ({backup.size_in_words(result.size_bytes)} "
                                   f"in {backup.seconds_in_words(result.seconds)}). The copy was checked.")

    # --- restore ---

    def choose_restore_file(self) -> None:
        folder = backup_schedule.backup_folder(load_settings())
        self.file_dialog = open_file_dialog(self, "Restore the database from",
                                            folder if folder.is_dir() else Path.home(), _FILTER, self.check_restore)

    def check_restore(self, path: Path) -> Op:
        """Check the file in the background (seconds on a large one); if it can be restored, ask,
        naming what is replaced, before doing it. Cancel stops the check; nothing changes either way."""
        self.restore_result.setText("")
        self.confirmation = None
        return (Op(self, lambda: backup.check_restore_file(self._actor, path), refusal_title="Cannot restore")
                .success(self._confirm_restore)
                .in_background(f"Checking {path.name} before restoring it…", cancellable=True))

    def _confirm_restore(self, check: backup.RestoreCheck) -> None:
        zone = self._settings.zone
        upgrade = (f"<p>It was made by an older version (schema {check.upgrade_from}) and will be upgraded.</p>"
                   if check.upgrade_from is not None else "")
        box = QMessageBox(QMessageBox.Icon.Warning, "Replace the whole database?",
                          "Replace every record in the database with the backup?", QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("restoreConfirmation")
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 30em; }")
        box.setInformativeText(
            f"<p>The backup <b>{escape(check.path.name)}</b> holds {escape(backup.describe(check.contents, zone))}."
            f"</p><p>It replaces the current database, which holds "
            f"{escape(backup.describe(check.current, zone))}. Anything recorded since the backup is lost from "
            f"the database (a safety copy of it is kept).</p>{upgrade}")
        replace = box.addButton("Replace the database", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        replace.clicked.connect(lambda: self.restore_from(check.path))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirmation = box
        box.open()

    def restore_from(self, path: Path) -> Op:
        """Restore in the background, not cancellable: it is one transaction once confirmed."""
        return (Op(self, lambda: backup.restore(self._actor, path), refusal_title="Not restored")
                .success(self._restored).in_background(f"Restoring the database from {path.name}…"))

    def _restored(self, result: backup.RestoreResult) -> None:
        zone = self._settings.zone
        self.restore_result.setText(
            f"Restored {result.path}: {backup.describe(result.restored, zone)}. It replaced "
            f"{backup.describe(result.replaced, zone)}; that database was kept at {result.safety_copy}.")
        self.restore_result.show()
        self._hub.after_change()
        self.restored.emit()

    # --- the daily backup ---

    def _show_daily_settings(self, settings: ClinicSettings) -> None:
        self.daily_check.setChecked(settings.daily_backup)
        self.folder_edit.setText(settings.backup_folder)
        self.copies_spin.setValue(settings.backup_copies_kept)

    def choose_folder(self) -> None:
        self.file_dialog = QFileDialog(self, "Folder for the daily backups",
                                       self.folder_edit.text() or str(Path.home()))
        self.file_dialog.setFileMode(QFileDialog.FileMode.Directory)
        self.file_dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        self.file_dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.file_dialog.fileSelected.connect(self.folder_edit.setText)
        self.file_dialog.open()

    def save_daily_settings(self) -> bool:
        return (Op(self, lambda: update_clinic_settings(
                    self._actor, daily_backup=self.daily_check.isChecked(),
                    backup_folder=self.folder_edit.text().strip(), backup_copies_kept=self.copies_spin.value()),
                   hub=self._hub)
                .success(self._daily_saved).failure(self._daily_refused).run())

    def _daily_saved(self, saved: ClinicSettings) -> None:
        self._settings = saved
        self.daily_message.setStyleSheet("")
        self.daily_message.setText("Saved.")
        self.refresh_copies()

    def _daily_refused(self, why: str) -> None:
        self.daily_message.setText(sentence(why))
        show_as_refusal(self.daily_message)
        self.folder_edit.setFocus()  # the one field that can hold a wrong value (a box or a bounded number cannot)

    def _redraw(self, changes) -> None:
        # A daily backup made by the timer or a scheduled job is a change too; nothing else is.
        if _READS.concerned(changes):
            self.refresh_copies()

    def refresh_copies(self) -> None:
        Op(self, lambda: backup_schedule.list_kept_copies(self._actor)).success(self._show_copies).failure(
            lambda why: self.folder_label.setText(sentence(why))).run()

    def _show_copies(self, kept) -> None:
        folder, copies = kept
        settings = load_settings()
        state = (f"on, keeping the newest {settings.backup_copies_kept}" if settings.daily_backup
                 else "switched off")
        self.folder_label.setText(f"In {folder} (daily backup {state}).")
        self.copies_table.setRowCount(len(copies))
        for row, copy in enumerate(copies):
            for column, text in enumerate((short_date(copy.day), copy.path.name,
                                           backup.size_in_words(copy.size_bytes))):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.copies_table.setItem(row, column, item)


def _answer_label(name: str) -> QLabel:
    """Where the outcome of an action is told; hidden until there is one."""
    label = QLabel()
    label.hide()
    label.setWordWrap(True)
    label.setAccessibleDescription(name)  # its words are its name: a reader hears the outcome itself
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def for_screenshot(actor, settings, hub) -> BackupPage:
    """The page over the demo clinic, just after a backup, with the daily copies listed."""
    try:  # no Op: a picture-taking tool, with no window yet to tell
        backup_schedule.run_daily(backup_schedule.daily_backup_actor())
    except ServiceError:
        pass  # the page then shows no copy for today
    page = BackupPage(actor, settings, hub)
    if page.back_up_button.isEnabled():
        page.back_up_to(_screenshot_backup(settings))
        page.wait_for_backup()
    page.resize(860, 900)
    return page


@contextmanager
def checking_for_screenshot(actor, settings, hub) -> Iterator[QWidget]:
    """The page while it checks the backup just made before a restore: the check is held at
    its start (the lock one copy or restore at a time takes) until the picture is taken,
    then stopped, so nothing is restored."""
    page = for_screenshot(actor, settings, hub)
    with backup.one_at_a_time:
        op = page.check_restore(_screenshot_backup(settings))
        yield page
        op.cancel()
    op.wait()
    QCoreApplication.sendPostedEvents()


def _screenshot_backup(settings: ClinicSettings) -> Path:
    folder = backup_schedule.backup_folder(load_settings())
    suffix = ".sqlite3" if backup.uses_sqlite() else ".pgdump"
    return folder / f"clinic-backup-{clock.today(settings.zone).isoformat()}{suffix}"
