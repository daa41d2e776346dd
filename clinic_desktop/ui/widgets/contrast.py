"""WCAG 2.2 contrast, computed: the app chooses its selection and focus colours by it, and the
contrast tests check every colour the app draws by it (issue 16).

Relative luminance and the contrast ratio are WCAG's own definitions (sRGB, 1.4.3 and 1.4.11):
text needs 4.5:1 against what is behind it, large text and the parts of a control 3:1.
"""
from __future__ import annotations

from PySide6.QtGui import QColor

__all__ = ["LARGE_TEXT", "NON_TEXT", "TEXT", "contrast_ratio", "move_lightness_until", "relative_luminance"]

TEXT = 4.5
LARGE_TEXT = 3.0
NON_TEXT = 3.0


def relative_luminance(colour: QColor) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast_ratio(first: QColor, second: QColor) -> float:
    """From 1 (the same) to 21 (black on white), whichever way round."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def move_lightness_until(colour: QColor, against: list[QColor], ratio: float) -> QColor:
    """``colour`` with its hue and saturation kept, made darker or lighter (away from the first of
    ``against``) by the least that gives ``ratio`` against every one of them; the nearest to it
    that black or white reaches when no shade of its hue can."""
    if all(contrast_ratio(colour, other) >= ratio for other in against):
        return QColor(colour)
    hue, saturation, lightness, _alpha = colour.getHslF()
    darken = relative_luminance(against[0]) > 0.18  # nearer white than black: go darker
    step = -0.005 if darken else 0.005
    moved = QColor(colour)
    while 0.0 <= lightness <= 1.0:
        moved = QColor(QColor.fromHslF(max(hue, 0.0), saturation, min(max(lightness, 0.0), 1.0)).name())
        if all(contrast_ratio(moved, other) >= ratio for other in against):
            return moved
        lightness += step
    return moved
