"""Attention colours follow the system palette, so they stay readable in dark mode too."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from clinic_desktop.ui.widgets.palette import attention_colour, banner_style, is_dark


def _contrast(foreground: QColor, background: QColor) -> float:
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_attention_text_is_readable_on_the_light_and_the_dark_palette(qapp):
    original = QApplication.palette()
    try:
        for window, base in (("#efefef", "#ffffff"), ("#2b2b2b", "#1e1e1e")):
            palette = QPalette(original)
            palette.setColor(QPalette.ColorRole.Window, QColor(window))
            palette.setColor(QPalette.ColorRole.Base, QColor(base))
            QApplication.setPalette(palette)
            assert is_dark() == (window == "#2b2b2b")
            for kind in ("urgent", "overdue", "today", "ok"):
                assert _contrast(attention_colour(kind), QColor(base)) >= 4.5, (window, kind)  # WCAG AA
            assert ("#4a1016" in banner_style("b", "urgent")) == is_dark()
    finally:
        QApplication.setPalette(original)
