"""The main window's Patient menu: registering, and the actions of the patient in front.

A patient's actions live in its tab (toolbar, the buttons and context menus of its
reviews and referrals). The menu bar shows the very same QActions for the tab in front,
so they can be found by browsing the menus, their state and shortcuts shared; the
reviews' and referrals' actions sit in submenus, as they sit under their own lists.
"""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

__all__ = ["PatientMenu"]

_SUBMENUS = (("review", "Re&views"), ("referral", "Referra&ls"))  # the view's own groups, under its lists' names


class PatientMenu:
    """Fills the Patient menu's lower part with the actions of the patient view in front, if any."""

    def __init__(self, menu: QMenu):
        self.menu = menu
        self._separator = menu.addSeparator()
        self._shown: list[QAction] = []
        self.submenus: dict[str, QMenu] = {}
        for group, title in _SUBMENUS:
            self.submenus[group] = menu.addMenu(title)
        self.show_actions_of(None)

    def show_actions_of(self, view) -> None:
        """``view``: the PatientView in front, or None (another tab): its actions, or none."""
        for action in self._shown:
            self.menu.removeAction(action)
        for submenu in self.submenus.values():
            submenu.clear()  # the actions belong to their view: clear() only takes them off the menu
        self._shown = view.actions.in_group("patient") if view is not None else []
        self.menu.insertActions(self.submenus["review"].menuAction(), self._shown)
        for group, submenu in self.submenus.items():
            submenu.addActions(view.actions.in_group(group) if view is not None else [])
            submenu.menuAction().setVisible(bool(submenu.actions()))
        self._separator.setVisible(bool(self._shown) or any(menu.actions() for menu in self.submenus.values()))
