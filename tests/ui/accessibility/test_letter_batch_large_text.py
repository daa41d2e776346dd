"""The letters to send at 18 pt on a laptop: the long columns (the referral's title, where it
goes, who signed) give way first, never narrower than their titles; the patient's name and the
due date stay whole."""
from __future__ import annotations

from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QScreen
from test_clinical_dialogs_by_keyboard import signed_letter

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.widgets.tables import ElidedTextTooltips

LAPTOP = QSize(1366, 768)


def test_the_referral_elides_while_the_patient_and_due_date_stay_whole(qtbot, demo_clinic, system_font,
                                                                       monkeypatch):
    signed = signed_letter(users.first_active_user("clinician"))
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), LAPTOP))
    system_font(18)
    sender = users.first_active_user("receptionist")
    dialog = LetterBatchDialog(sender, load_settings(), ChangeHub(sender, poll_seconds=3600))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    Op.settle()
    assert dialog.width() <= LAPTOP.width()
    model, cells = dialog.model, ElidedTextTooltips()
    columns = {str(model.headerData(number, Qt.Orientation.Horizontal)): number for number in range(model.columnCount())}
    row = next(row for row in range(model.rowCount())
               if model.index(row, columns["Patient"]).data() == signed.patient_name)
    for whole in ("Patient", "Due by", "Days left"):
        assert not cells.cuts(dialog.table, model.index(row, columns[whole])), f"{whole} is cut"
    referral = model.index(row, columns["Referral"])
    assert cells.cuts(dialog.table, referral)  # it gives way first, and its tooltip has it all
    assert cells.tooltip(dialog.table, referral) == referral.data()
    header = dialog.table.horizontalHeader()
    assert header.sectionSize(columns["Referral"]) >= header.sectionSizeHint(columns["Referral"])  # its title whole
