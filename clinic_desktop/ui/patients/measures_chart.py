"""Pain and function over an episode, as two small lines under its time line.

The points sit on the time line's own days (its ChartGeometry gives each day's x), so a
measure lines up with the review it was taken at. Both scales run 0 to 10: pain falling and
function rising is a patient getting better. Where they go is computed by
``lay_out_measures``, plain Python a test reads without pixels; the widget only paints it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from clinic_desktop.services.episodes.measures import MeasureRecord
from clinic_desktop.ui.patients.timeline_chart import GUTTER, MARGIN, ChartGeometry, TimelineChart
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import short_date

HEIGHT = 96
PLOT_TOP, PLOT_BOTTOM = 12, HEIGHT - 14  # where 10 and 0 are drawn
POINT = 4
SERIES = {"pain": ("Pain", "urgent", Qt.PenStyle.SolidLine), "function": ("Function", "ok", Qt.PenStyle.DashLine)}


@dataclass(frozen=True)
class MeasurePoint:
    """One measure, placed: its x on the time line and the y of its pain and function."""

    x: float
    pain_y: float
    function_y: float
    record: MeasureRecord


def lay_out_measures(geometry: ChartGeometry, measures: Sequence[MeasureRecord]) -> tuple[MeasurePoint, ...]:
    """Where each measure of the episode the geometry draws goes, in the order taken."""
    return tuple(MeasurePoint(geometry.x_of(record.measured_on), _y(record.pain_now), _y(float(record.function_score)),
                              record) for record in measures)


def _y(score: float) -> float:
    return PLOT_BOTTOM - score / 10 * (PLOT_BOTTOM - PLOT_TOP)


class MeasuresChart(QWidget):
    """The measures strip; hidden while the episode shown has none. Hover a point for its measure."""

    def __init__(self, timeline: TimelineChart, parent=None):
        super().__init__(parent)
        self._timeline = timeline
        self._measures: tuple[MeasureRecord, ...] = ()
        self.setAccessibleName("Pain and function over the episode")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(HEIGHT)
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
        return lay_out_measures(geometry, self._measures) if geometry and self._measures else ()

    def sizeHint(self) -> QSize:
        return QSize(900, HEIGHT)

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
        for score in (0, 5, 10):
            painter.drawLine(QPointF(geometry.plot_left, _y(score)), QPointF(geometry.plot_right, _y(score)))
            painter.drawText(QRectF(geometry.plot_left - 24, _y(score) - 8, 20, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(score))
        self._paint_legend(painter, text)
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

    def _paint_legend(self, painter: QPainter, text) -> None:
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QRectF(MARGIN / 2, 4, GUTTER - MARGIN, 20), Qt.AlignmentFlag.AlignLeft, "Measures")
        painter.setFont(QFont(bold.family(), bold.pointSize()))
        for row, (label, colour_name, style) in enumerate(SERIES.values()):
            y = 34 + row * 20
            painter.setPen(QPen(attention_colour(colour_name), 2, style))
            painter.drawLine(QPointF(MARGIN / 2, y), QPointF(MARGIN / 2 + 22, y))
            painter.setPen(text)
            painter.drawText(QPointF(MARGIN / 2 + 28, y + 5), label)
