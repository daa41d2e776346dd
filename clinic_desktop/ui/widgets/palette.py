"""Colours that mark what needs attention, readable on the light and the dark system palette.

Attention is never shown by colour alone: every coloured cell or banner also carries a word
("OVERDUE", "DUE TODAY", "URGENT") or a ⚠, for colour-blind staff and monochrome printers.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

_ON_LIGHT = {"urgent": "#b00020", "overdue": "#a34700", "today": "#0b5394", "ok": "#1b6e20", "quiet": "#5f6368"}
_ON_DARK = {"urgent": "#ff7b8c", "overdue": "#ffb366", "today": "#8cc4ff", "ok": "#8fd694", "quiet": "#b0b4ba"}

# Banners: (background, text, border) for each palette.
_BANNERS_LIGHT = {"urgent": ("#fde7e9", "#8a0015", "#b00020"), "info": ("#e8f0fe", "#0b3d91", "#0b5394"),
                  "done": ("#e6f4ea", "#0d5216", "#1b6e20")}
_BANNERS_DARK = {"urgent": ("#4a1016", "#ffd6dc", "#ff7b8c"), "info": ("#14284a", "#d6e6ff", "#8cc4ff"),
                 "done": ("#15331a", "#d4f5d8", "#8fd694")}


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
