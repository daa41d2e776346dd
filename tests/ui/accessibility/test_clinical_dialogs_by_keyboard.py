"""The clinical dialogs that have no screenshot view of their own (a finding, advice, a warning to
acknowledge, a letter to write, amend or cancel, the first account), put to the same checks as
the views: walked with real Tab presses, and at 18 pt on a laptop they fit and cut nothing."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from keyboard_walk import walk
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QScrollArea
from text_fit import cut_text

from clinic_desktop.demo.staff import DEMO_PASSWORDS
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.forms import findings_form, warning_dialog
from clinic_desktop.ui.forms.advice_form import AdviceForm
from clinic_desktop.ui.forms.pathway_form import demo_episode
from clinic_desktop.ui.letters.referral_dialogs import AmendLetterDialog, CancelReferralDialog, DraftLetterDialog
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.first_run_dialog import FirstRunDialog

LAPTOP = QSize(1366, 768)


def drafted_letter(actor):
    return referrals.get_referral(actor, worklists.awaiting_signature(actor, limit=1).rows[0].referral_id)


def signed_letter(actor):
    """The letter awaiting a signature, signed."""
    return referrals.sign_referral(actor, drafted_letter(actor).id, DEMO_PASSWORDS[actor.username])


DIALOGS = {
    "findings": lambda actor, settings: findings_form.for_screenshot(actor, settings, None),
    "advice": lambda actor, settings: AdviceForm(actor, settings, demo_episode(actor, lambda *_: True).id),
    "acknowledge-warning": lambda actor, settings: warning_dialog.for_screenshot(actor, settings, None),
    "write-letter": lambda actor, settings: DraftLetterDialog(actor, drafted_letter(actor)),
    "amend-letter": lambda actor, settings: AmendLetterDialog(actor, signed_letter(actor)),
    "cancel-referral": lambda actor, settings: CancelReferralDialog(actor, drafted_letter(actor)),
    "first-account": lambda actor, settings: FirstRunDialog(),
}


@pytest.fixture
def opened(qtbot, demo_clinic):
    def build(name: str):
        dialog = DIALOGS[name](users.first_active_user("clinician"), load_settings())
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        Op.settle()
        return dialog

    return build


@pytest.mark.parametrize("name", DIALOGS)
def test_each_clinical_dialog_can_be_worked_by_keyboard(opened, name):
    problems = walk(opened(name)).problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", DIALOGS)
def test_each_clinical_dialog_fits_the_laptop_at_18_pt(qtbot, opened, system_font, monkeypatch, name):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), LAPTOP))
    system_font(18)
    dialog = opened(name)
    assert dialog.width() <= LAPTOP.width() and dialog.height() <= LAPTOP.height(), f"it opens at {dialog.size()}"
    fields = next(area for area in dialog.findChildren(QScrollArea) if type(area).__name__ == "_FittingScrollArea")
    qtbot.waitUntil(lambda: not fields.horizontalScrollBar().isVisible())  # its fields scroll down, not sideways
    cut = cut_text(dialog)
    assert not cut, "\n".join(cut)


def test_the_password_box_is_in_sight_under_the_letter_being_signed_at_18_pt(qtbot, open_view, system_font,
                                                                               monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), LAPTOP))
    system_font(18)
    dialog = open_view("sign-letter")
    dialog.show()
    qtbot.waitExposed(dialog)
    Op.settle()
    qtbot.waitUntil(lambda: dialog.password.visibleRegion().boundingRect().size() == dialog.password.size())
