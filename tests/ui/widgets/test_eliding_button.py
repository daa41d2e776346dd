"""The next-action button keeps its whole words, and their beginning and end in sight, on a narrow row."""
from PySide6.QtWidgets import QHBoxLayout, QWidget

from clinic_desktop.ui.widgets.eliding_button import ElidingButton

LABEL = "Sign the letter: biopsychosocial assessment / specialised physiotherapy referral (OVERDUE 23 d)"


def test_a_narrow_row_shrinks_the_button_not_the_window_and_keeps_its_words(qtbot):
    row = QWidget()
    button = ElidingButton()
    button.setText(LABEL)
    QHBoxLayout(row).addWidget(button)
    qtbot.addWidget(row)
    row.resize(300, 40)
    row.show()
    assert button.width() < button.sizeHint().width()  # squeezed, where a push button would refuse
    assert row.minimumSizeHint().width() < 300
    assert (button.text(), button.toolTip()) == (LABEL, LABEL)  # screen readers and the tooltip get it whole
