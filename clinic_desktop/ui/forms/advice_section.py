"""The first contact's initial management as a form asks it: every question a Yes/No pair.

Nothing is preselected, so the record never says "not given" because a box was left alone
(issue 12, §2); the questions are grouped as the source groups them (reference,
"Initial Management": activity and rest; self-care resources; heat and massage). Bed rest
answered Yes, or reactivation No, shows at once the warning saving will store, in the words
the services give it (initial_management.advice_cautions). The first-contact form and the
form for an episode opened before these questions were asked both use this section.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QGroupBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import initial_management
from clinic_desktop.services.episodes.initial_management import InitialManagementInput
from clinic_desktop.ui.forms.caution_banner import CautionBanner
from clinic_desktop.ui.ops.op import Op

# (heading, ((answer field, question as the form asks it), ...)), in the source's order.
GROUPS = (
    ("Activity and rest", (
        ("reactivation_advised", "Reactivation advised (stay active)"),
        ("bed_rest_advised", "Bed rest advised"),
    )),
    ("Self-care resources given", (
        ("resources_online", "Online resources"),
        ("resources_helpline", "Telephone helpline"),
        ("resources_paper", "Paper-based information"),
    )),
    ("Heat and massage", (
        ("heat_advised", "Heat therapy advised"),
        ("massage_advised", "Massage therapy advised"),
    )),
)


class YesNo(QWidget):
    """One question's Yes and No, neither chosen until the clinician chooses."""

    changed = Signal()

    def __init__(self, question: str, parent=None):
        super().__init__(parent)
        self.yes = QRadioButton("Yes")
        self.no = QRadioButton("No")
        self._group = QButtonGroup(self)
        for button in (self.yes, self.no):
            button.setAccessibleName(f"{question}: {button.text()}")
            self._group.addButton(button)
        self._group.buttonToggled.connect(lambda _button, checked: checked and self.changed.emit())

    def answer(self) -> bool | None:
        checked = self._group.checkedButton()
        return None if checked is None else checked is self.yes

    def set_answer(self, answer: bool) -> None:
        (self.yes if answer else self.no).setChecked(True)


class AdviceSection(QGroupBox):
    """Every initial-management question and the caution its answers bring."""

    def __init__(self, actor: Actor, title: str = "Initial management given", parent=None):
        super().__init__(title, parent)
        self._actor = actor
        self.questions: dict[str, YesNo] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        row = 0
        for heading, questions in GROUPS:
            label = QLabel(f"<b>{heading}</b>")
            label.setContentsMargins(0, 6 if row else 0, 0, 0)
            grid.addWidget(label, row, 0, 1, 3)
            row += 1
            for field, question in questions:
                answer = self.questions[field] = YesNo(question, self)
                text = QLabel(question)
                text.setBuddy(answer.yes)
                grid.addWidget(text, row, 0)
                grid.addWidget(answer.yes, row, 1)
                grid.addWidget(answer.no, row, 2)
                answer.changed.connect(self._show_cautions)
                row += 1
        grid.setColumnStretch(0, 1)
        self.caution = CautionBanner("adviceCaution", "Advice warning")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.caution)

    def answers(self) -> InitialManagementInput:
        """The answers so far; an unanswered question is None, which the services refuse by name."""
        return InitialManagementInput(**{field: answer.answer() for field, answer in self.questions.items()})

    def point_to(self, field: str | None) -> None:
        """Focus the question a refusal names, if it names one of these."""
        answer = self.questions.get(field or "")
        if answer is not None:
            answer.yes.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_cautions(self) -> None:
        (Op(self, lambda: initial_management.advice_cautions(self._actor, self.answers()))
         .success(self.caution.show_cautions).run())
