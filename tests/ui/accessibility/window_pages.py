"""Every page a window can show, one after another, as its tabs and page lists choose them.

A page holder is a tab widget or a stack of pages (the Administration list's, the appointment
book's day, week and clinic views). The outermost holders are turned through; inside each page,
the holders it shows in turn, so each page a user can reach is visited once. A page built only when
first chosen (``LazyPage``) is built as it is turned to, as choosing it does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QApplication, QStackedWidget, QTabWidget, QWidget

from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.lazy_tabs import LazyPage


def pages(root: QWidget, visit: Callable[[str], None], path: str = "") -> None:
    """Call ``visit(path)`` with each page of ``root`` shown; ``path`` names it ("Worklists › Overdue")."""
    holders = _outermost_holders(root)
    if not holders:
        visit(path or root.windowTitle() or type(root).__name__)
        return
    holder = holders[0]
    for index, title in _titles(holder):
        holder.setCurrentIndex(index)
        page = holder.widget(index)
        if isinstance(page, LazyPage):
            page.page()  # built, as choosing it in its list does (a stack shows an empty stand-in till then)
        settle()
        pages(page, visit, f"{path} › {title}" if path else title)


def _titles(holder: QWidget) -> Iterator[tuple[int, str]]:
    for index in range(holder.count()):
        if isinstance(holder, QTabWidget):
            if not holder.isTabVisible(index) or not holder.isTabEnabled(index):
                continue
            yield index, holder.tabText(index).replace("&", "")
        else:
            page = holder.widget(index)
            yield index, page.accessibleName() or page.objectName() or f"page {index + 1}"


def _outermost_holders(root: QWidget) -> list[QWidget]:
    found = [widget for widget in root.findChildren(QWidget) if _is_holder(widget) and widget.isVisible()]
    return [holder for holder in found
            if not any(other is not holder and other.isAncestorOf(holder) for other in found)]


def _is_holder(widget: QWidget) -> bool:
    if isinstance(widget, QTabWidget):
        return True
    return isinstance(widget, QStackedWidget) and not isinstance(widget.parentWidget(), QTabWidget) \
        and widget.count() > 1


def settle() -> None:
    """Until the work a page starts once shown (a list reads its rows after its first paint) has come back."""
    for _ in range(3):
        QApplication.processEvents()
        Op.settle()
