"""Walking a window with the Tab key, as a person without a mouse does (issue 16, WCAG 2.1.1,
2.1.2, 2.4.3), and saying what stopped them.

The walk starts where focus is and presses Tab until focus comes back there. On its way:
- a **trap** is a Tab press that leaves focus in a list or table (moving between its own
  cells), Tab kept by one control longer than a date's sections last (a text box taking the Tab
  as text), or focus taken out of the window;
- in a list or table that has rows but no row chosen, the walk presses Down first, as a
  person does to choose a row, so the actions that a chosen row enables are then due;
- an **unnamed** control is one that took focus but tells assistive technology no name; a stack
  of pages on show with no name is unnamed too (Orca says only "layered pane" going into it).
After one round, every action the window shows enabled (a button, a box, a list, a link)
must have had focus: one that did not is **unreachable**. An action a row enabled that sits
before its list in the Tab order is unreachable too (Tab would have to go round again).

Buttons that exclude each other (radio buttons, an exclusive group of checkable buttons) are one
stop (the arrow keys choose among them), and the parts Qt builds inside a box (a spin box's or combo box's line edit) are their box.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollBar,
    QStackedWidget,
    QTabBar,
    QTextEdit,
    QWidget,
)

from clinic_desktop.ui.ops.op import Op

MOST_PRESSES = 400  # a window with more stops than this has a trap that moves between cells
MOST_SECTIONS = 6  # Tab may step through a date's day, month and year before it leaves; a list's cells, never


@dataclass
class Walk:
    """What one round of Tab presses met, each widget told by ``describe``."""
    reached: list[str] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"trap: {what}" for what in self.traps] + [f"no name: {what}" for what in self.unnamed]
                + [f"not reached by Tab: {what}" for what in self.unreachable])


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader says for the widget (its own, or its label's, as Qt works it out)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) if interface is not None and interface.isValid() else "").strip()


def unnamed_page_stacks(window: QWidget) -> list[str]:
    """Each stack of pages on show that tells assistive technology no name: Orca says only "layered
    pane" as focus enters it, not what its pages are (a tab widget's own stack included)."""
    return [f"the stack of pages in {describe(stack.parentWidget())}"
            for stack in window.findChildren(QStackedWidget) if stack.isVisible() and not accessible_name(stack)]


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing (focus left the window)"
    label = accessible_name(widget) or widget.objectName() or getattr(widget, "text", lambda: "")() or ""
    return f"{type(widget).__name__} {str(label)[:60]!r}"


def walk(window: QWidget, *, settle=None) -> Walk:
    """One round of Tab presses from the focus the window gives (its first stop when it has none).
    ``settle``: run after each press (background reads a chosen row starts); Op.settle by default."""
    settle = settle or _settle
    window.activateWindow()
    QApplication.processEvents()
    start = QApplication.focusWidget()
    if start is None or not _inside(start, window) or not start.focusPolicy() & Qt.FocusPolicy.TabFocus:
        window.focusNextChild()  # focus put on a page, not a stop: the walk starts at its first stop
        start = QApplication.focusWidget()
    result = Walk()
    if start is None or not _inside(start, window):
        result.unreachable.extend(describe(widget) for widget in actions(window))
        return result
    reached: list[QWidget] = [start]
    current, stayed = start, 0
    for _ in range(MOST_PRESSES):
        _choose_a_row(current, settle)
        QTest.keyClick(current, Qt.Key.Key_Tab)
        settle()
        moved = QApplication.focusWidget()
        if moved is None or not _inside(moved, window):
            result.traps.append(f"Tab from {describe(current)} takes focus out of the window")
            break
        if moved is current:
            stayed += 1
            if isinstance(current, QAbstractItemView) or stayed > MOST_SECTIONS:
                result.traps.append(f"Tab does not leave {describe(current)}")
                break
            continue
        stayed = 0
        if moved is start:
            break
        reached.append(moved)
        current = moved
    else:
        result.traps.append(f"Tab never comes back to {describe(start)} in {MOST_PRESSES} presses")
    result.reached = [describe(widget) for widget in reached]
    result.unnamed = [describe(widget) for widget in _unique(reached) if not accessible_name(widget)]
    result.unnamed += unnamed_page_stacks(window)
    stops = {id(_stop(widget)) for widget in reached}
    result.unreachable = [describe(widget) for widget in actions(window) if id(_stop(widget)) not in stops]
    return result


def actions(window: QWidget) -> list[QWidget]:
    """What a person can act on in the window as it is shown: enabled, visible controls."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not widget.isEnabled() or widget.window() is not window:
            continue
        if _part_of_a_box(widget) or isinstance(widget, (QScrollBar, QHeaderView)):
            continue
        if isinstance(widget, QAbstractButton) and isinstance(widget.parentWidget(), QTabBar) \
                and not _closes_a_tab(widget):
            continue  # the tab bar's own scroll arrows: the arrow keys do their work
        if isinstance(widget, QAbstractButton) and isinstance(widget.parentWidget(), QAbstractItemView):
            continue  # a table's corner button (select all): one row at a time is chosen here
        if isinstance(widget, (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
                               QTextEdit, QPlainTextEdit, QTabBar)) or _has_links(widget):
            if isinstance(widget, (QTextEdit, QPlainTextEdit, QAbstractSpinBox)) and widget.isReadOnly() \
                    and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
                continue  # text or a value shown, not a control (the red-flag timing the guidance fixes)
            found.append(widget)
    return found


def _closes_a_tab(button: QAbstractButton) -> bool:
    bar = button.parentWidget()
    return any(bar.tabButton(index, side) is button for index in range(bar.count())
               for side in (QTabBar.ButtonPosition.LeftSide, QTabBar.ButtonPosition.RightSide))


def _has_links(widget: QWidget) -> bool:
    return isinstance(widget, QLabel) and "<a " in widget.text() and bool(
        widget.textInteractionFlags() & (Qt.TextInteractionFlag.LinksAccessibleByMouse
                                         | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        or widget.openExternalLinks())


def _part_of_a_box(widget: QWidget) -> bool:
    """A line edit Qt builds inside a combo or spin box, or a view inside a combo's popup."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox)):
            return True
        parent = parent.parentWidget()
    return False


def _stop(widget: QWidget) -> object:
    """The Tab stop a widget belongs to: buttons that exclude each other share one (radio buttons, or
    checkable buttons in an exclusive group: Qt's Tab stops on the checked one, the arrows choose)."""
    if isinstance(widget, QAbstractButton):
        group: QButtonGroup | None = widget.group()
        if group is not None and group.exclusive():
            return group
        if isinstance(widget, QRadioButton) and widget.autoExclusive():
            return widget.parentWidget()
    return widget


def _choose_a_row(widget: QWidget, settle) -> None:
    if isinstance(widget, QAbstractItemView) and widget.model() is not None \
            and widget.model().rowCount(widget.rootIndex()) > 0 and not widget.selectionModel().hasSelection():
        # Not the current index: a view given focus makes its first row current without choosing it,
        # and Down cannot move from a list's only row, so Space chooses the row it is on.
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Space):
            QTest.keyClick(widget, key)
            settle()
            if widget.selectionModel().hasSelection():
                return


def _inside(widget: QWidget, window: QWidget) -> bool:
    return widget is window or window.isAncestorOf(widget)


def _unique(widgets: list[QWidget]) -> list[QWidget]:
    seen, kept = set(), []
    for widget in widgets:
        if id(widget) not in seen:
            seen.add(id(widget))
            kept.append(widget)
    return kept


def _settle() -> None:
    QApplication.processEvents()
    Op.settle()
    QApplication.processEvents()
