"""Colours that mark what needs attention, readable on the light and the dark system palette.

Attention is never shown by colour alone: every coloured cell or banner also carries a word
("OVERDUE", "DUE TODAY", "URGENT") or a ⚠, for colour-blind staff and monochrome printers.
Every colour here meets WCAG 2.2 AA on the palette it is for (tests/ui/accessibility/test_contrast.py
computes the ratios): text 4.5:1 on Base and AlternateBase, chart marks 3:1. The system's selection
colour is made to meet it too (``readable_selection``): the desktops' own blue under white text is
3.7:1 in Fusion and 2.5:1 in Breeze Dark.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from clinic_desktop.ui.widgets.contrast import NON_TEXT, TEXT, move_lightness_until

# Dark enough (light enough) to read at 4.5:1 on the appointment book's shades too (book_shades.py).
_ON_LIGHT = {"urgent": "#a0001c", "overdue": "#8f3e00", "today": "#0b5394", "ok": "#17601b", "quiet": "#53575c"}
_ON_DARK = {"urgent": "#ff9aa7", "overdue": "#ffb366", "today": "#8cc4ff", "ok": "#8fd694", "quiet": "#c0c4ca"}

# Banners: (background, text, border) for each palette.
_BANNERS_LIGHT = {"urgent": ("#fde7e9", "#8a0015", "#b00020"), "info": ("#e8f0fe", "#0b3d91", "#0b5394"),
                  "done": ("#e6f4ea", "#0d5216", "#1b6e20")}
_BANNERS_DARK = {"urgent": ("#4a1016", "#ffd6dc", "#ff7b8c"), "info": ("#14284a", "#d6e6ff", "#8cc4ff"),
                 "done": ("#15331a", "#d4f5d8", "#8fd694")}

# Bars of the manager's charts, on Base.
_CHART_BARS = {False: "#2f6db5", True: "#6fa8dc"}

# KDE Breeze Dark's colours (kdeglobals), as a Linux desktop in dark mode gives them: the dark
# palette the screenshots can be drawn in, and one of those the contrast tests check.
_BREEZE_DARK = {"Window": "#202326", "WindowText": "#fcfcfc", "Base": "#141618", "AlternateBase": "#1d1f22",
                "Text": "#fcfcfc", "Button": "#292c30", "ButtonText": "#fcfcfc", "Highlight": "#3daee9",
                "HighlightedText": "#fcfcfc", "ToolTipBase": "#292c30", "ToolTipText": "#fcfcfc",
                "Link": "#1d99f3", "LinkVisited": "#9b59b6", "PlaceholderText": "#a1a9b1",
                "Light": "#40464c", "Midlight": "#33383c", "Mid": "#2c3034", "Dark": "#0e1011", "Shadow": "#000000"}
_BREEZE_DARK_DISABLED = {"WindowText": "#6e7174", "Text": "#656768", "ButtonText": "#727477"}

_SELECTION_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)


def is_dark() -> bool:
    """Whether the system palette is dark (its window colour, which every platform sets)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightnessF() < 0.5


def attention_colour(kind: str) -> QColor:
    """Text colour for "urgent", "overdue", "today", "ok" or "quiet"."""
    return QColor((_ON_DARK if is_dark() else _ON_LIGHT)[kind])


def banner_style(object_name: str, kind: str) -> str:
    """A style sheet for a banner label (kinds "urgent", "info", "done") in the current palette."""
    background, text, border = (_BANNERS_DARK if is_dark() else _BANNERS_LIGHT)[kind]
    return (f"#{object_name} {{ background: {background}; color: {text}; border: 1px solid {border};"
            f" border-radius: 4px; padding: 8px; }}")


def chart_bar_colour() -> QColor:
    """The bars of a chart, on Base: 3:1 or more as a chart's marks need (WCAG 1.4.11)."""
    return QColor(_CHART_BARS[is_dark()])


def readable_selection(palette: QPalette) -> QPalette:
    """Only the selection's colour, set where the desktop's fails WCAG: the highlight made darker
    or lighter in its own hue until the desktop's highlighted text reads on it at 4.5:1, in the
    active and the inactive window. Every other colour stays the desktop's, and follows it."""
    chosen = QPalette()
    chosen.setResolveMask(0)
    for group in _SELECTION_GROUPS:
        text = palette.color(group, QPalette.ColorRole.HighlightedText)
        highlight = move_lightness_until(palette.color(group, QPalette.ColorRole.Highlight), [text], TEXT)
        chosen.setColor(group, QPalette.ColorRole.Highlight, highlight)
    return chosen


def focus_colour(palette: QPalette, *, on_selection: bool = False) -> QColor:
    """The focus ring's colour: the highlight's hue at 3:1 or more against the window and the
    lists' base (WCAG 2.4.7, 1.4.11); on a selected row, the selection's own text colour."""
    if on_selection:
        return palette.color(QPalette.ColorRole.HighlightedText)
    backgrounds = [palette.color(role) for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base,
                                                    QPalette.ColorRole.AlternateBase, QPalette.ColorRole.Button)]
    return move_lightness_until(palette.color(QPalette.ColorRole.Highlight), backgrounds, NON_TEXT)


def dark_palette() -> QPalette:
    """KDE Breeze Dark, as a Linux desktop in dark mode sets it: for pictures of the dark look."""
    palette = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for role, colour in _BREEZE_DARK.items():
            palette.setColor(group, QPalette.ColorRole[role], QColor(colour))
    for role, colour in _BREEZE_DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole[role], QColor(colour))
    return palette
