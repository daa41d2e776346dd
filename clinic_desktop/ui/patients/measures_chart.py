"""Pain and function over an episode, as two small lines under its time line.

The points sit on the time line's own days (its ChartGeometry gives each day's x), so a
measure lines up with the review it was taken at. Both scales run 0 to 10: pain falling and
function rising is a patient getting better. Where they go is computed by
``lay_out_measures``, plain Python a test reads without pixels; the widget only paints it.
Its height and legend grow with the font, as the time line's rows do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from clinic_desktop.services.episodes.measures import MeasureRecord
from clinic_desktop.ui.patients.timeline_chart import MARGIN, ChartGeometry, TimelineChart
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import short_date

HEIGHT = 96  # at 9 pt; a larger font's three legend lines make it taller
PLOT_TOP, PLOT_BOTTOM = 12, HEIGHT - 14  # where 10 and 0 are drawn (the bottom moves with the height)
POINT = 4
SERIES = {"pain": ("Pain", "urgent", Qt.PenStyle.SolidLine), "function": ("Function", "ok", Qt.PenStyle.DashLine)}


@dataclass(frozen=True)
class MeasurePoint:
    """One measure, placed: its x on the time line and the y of its pain and function."""

    x: float
    pain_y: float
    function_y: float
    record: MeasureRecord


def lay_out_measures(geometry: ChartGeometry, measures: Sequence[MeasureRecord],
                     height: float = HEIGHT) -> tuple[MeasurePoint, ...]:
    """Where each measure of the episode the geometry draws goes, in the order taken, on a strip
    ``height`` pixels high."""
    return tuple(MeasurePoint(geometry.x_of(record.measured_on), _y(record.pain_now, height),
                              _y(float(record.function_score), height), record) for record in measures)


def measures_height(line_height: float) -> int:
    """The strip's height for a font: its legend is three lines ("Measures", Pain, Function)."""
    return max(HEIGHT, round(3 * line_height + 20))


def _y(score: float, height: float) -> float:
    bottom = height - (HEIGHT - PLOT_BOTTOM)
    return bottom - score / 10 * (bottom - PLOT_TOP)


class MeasuresChart(QWidget):
    """The measures strip; hidden while the episode shown has none. Hover a point for its measure."""

    def __init__(self, timeline: TimelineChart, parent=None):
        super().__init__(parent)
        self._timeline = timeline
        timeline.gutter_at_least = self._legend_width
        self._measures: tuple[MeasureRecord, ...] = ()
        self.setAccessibleName("Pain and function over the episode")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(measures_height(self.fontMetrics().height()))
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.hide()

    def show_measures(self, measures: Sequence[MeasureRecord]) -> None:
        self._measures = tuple(measures)
        self.setVisible(bool(self._measures))
        self.setAccessibleDescription("; ".join(f"{short_date(record.measured_on)}: {record.summary}"
                                                for record in self._measures))
        self.update()

    def points(self) -> tuple[MeasurePoint, ...]:
        geometry = self._timeline.chart_geometry()
        return lay_out_measures(geometry, self._measures, self.height()) if geometry and self._measures else ()

    def sizeHint(self) -> QSize:
        return QSize(900, measures_height(self.fontMetrics().height()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.setFixedHeight(measures_height(self.fontMetrics().height()))
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            near = [point for point in self.points() if abs(point.x - event.pos().x()) <= POINT + 4]
            if near:
                record = near[0].record
                QToolTip.showText(event.globalPos(), f"{short_date(record.measured_on)}, "
                                  f"{record.occasion_label.lower()}: {record.summary}", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:
        points = self.points()
        if not points:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, mid = self.palette().color(QPalette.ColorRole.Text), self.palette().color(QPalette.ColorRole.Mid)
        geometry = self._timeline.chart_geometry()
        painter.setPen(QPen(mid, 1, Qt.PenStyle.DotLine))
        metrics = QFontMetrics(self.font())
        line, widest = metrics.height(), metrics.horizontalAdvance("10")
        for score in (0, 5, 10):
            y = _y(score, self.height())
            painter.drawLine(QPointF(geometry.plot_left, y), QPointF(geometry.plot_right, y))
            painter.drawText(QRectF(geometry.plot_left - 4 - widest, y - line / 2, widest, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(score))
        self._paint_legend(painter, text, geometry.plot_left)
        for name, (_, colour_name, style) in SERIES.items():
            colour = attention_colour(colour_name)
            painter.setPen(QPen(colour, 2, style))
            ys = [point.pain_y if name == "pain" else point.function_y for point in points]
            for (before, y_before), (after, y_after) in zip(zip(points, ys), list(zip(points, ys))[1:]):
                painter.drawLine(QPointF(before.x, y_before), QPointF(after.x, y_after))
            painter.setBrush(colour)
            for point, y in zip(points, ys):
                painter.drawEllipse(QPointF(point.x, y), POINT, POINT)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.end()

    def _legend_width(self) -> float:
        """The legend and the scale's numbers side by side, left of the plot."""
        metrics = QFontMetrics(self.font())
        widest = max(metrics.horizontalAdvance(label) for label, _colour, _style in SERIES.values())
        return MARGIN / 2 + 28 + widest + 8 + metrics.horizontalAdvance("10") + 4

    def _paint_legend(self, painter: QPainter, text, gutter: float) -> None:
        """"Measures" and a line per series, one under the other, in the gutter left of the plot."""
        plain = QFont(painter.font())
        bold = QFont(plain)
        bold.setBold(True)
        line = QFontMetrics(plain).height()
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QRectF(MARGIN / 2, 4, gutter - MARGIN, line), Qt.AlignmentFlag.AlignLeft, "Measures")
        painter.setFont(plain)
        for row, (label, colour_name, style) in enumerate(SERIES.values()):
            top = 8 + line * (row + 1)
            painter.setPen(QPen(attention_colour(colour_name), 2, style))
            painter.drawLine(QPointF(MARGIN / 2, top + line / 2), QPointF(MARGIN / 2 + 22, top + line / 2))
            painter.setPen(text)
            painter.drawText(QRectF(MARGIN / 2 + 28, top, gutter - MARGIN - 28, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
