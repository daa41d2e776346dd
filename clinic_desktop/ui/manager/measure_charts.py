"""A pathway measure's last 12 weeks as a bar chart (QtCharts), readable without its card.

Each bar is a week, labelled by its Monday ("7 Sep"); the card names the weeks without
a bar, nothing counted or a zero, so an empty week never passes for a zero share. The value
axis names its unit; a share always runs from 0 to 100 %. A tooltip on a bar gives the
week in words, with how many items it counted.
"""
from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip

from clinic_desktop.services.reporting.pathway_measures import Measure, WeekValue
from clinic_desktop.ui.widgets.palette import chart_bar_colour

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_label(week: WeekValue) -> str:
    """"7 Sep": the week's Monday."""
    return f"{week.week_start.day} {_MONTHS[week.week_start.month - 1]}"


def empty_weeks_text(measure: Measure) -> str:
    """The weeks without a bar, told apart: nothing counted, or a value of zero."""
    parts = []
    empty = [week_label(week) for week in measure.weeks if week.value is None]
    if empty:
        parts.append(f"No bar: nothing counted in the week{'s' if len(empty) > 1 else ''} of {', '.join(empty)}.")
    zero = [week_label(week) for week in measure.weeks if week.value == 0]
    if zero:
        parts.append(f"0 {'%' if measure.unit == '%' else 'days'} in the week{'s' if len(zero) > 1 else ''} of "
                     f"{', '.join(zero)}.")
    return " ".join(parts)


def week_in_words(measure: Measure, week: WeekValue) -> str:
    start = f"{week.week_start.day} {_MONTHS[week.week_start.month - 1]} {week.week_start.year}"
    if week.value is None:
        return f"Week of {start}: nothing counted"
    if measure.unit == "%":
        return f"Week of {start}: {week.value:.0f} % ({week.numerator} of {week.denominator})"
    return f"Week of {start}: median {week.value:g} days over {week.denominator} referrals"


class MeasureChart(QChartView):
    """The bars of one measure; ``set_measure`` redraws it with new figures."""

    def __init__(self, measure: Measure, parent=None):
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        lines = self.fontMetrics().height()  # heights in lines of text: a larger system font, a taller chart
        self.setMinimumHeight(14 * lines)
        self.setMaximumHeight(17 * lines)  # in a scrolling page: grow no taller than a chart needs
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.measure = measure
        self.set_measure(measure)

    def set_measure(self, measure: Measure) -> None:
        self.measure = measure
        self.setAccessibleName(f"Chart: {measure.title}, by week")
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.setBackgroundRoundness(0)
        chart.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        text = self.palette().color(QPalette.ColorRole.Text)
        bars = QBarSet(measure.title)
        bars.append([week.value if week.value is not None else 0.0 for week in measure.weeks])
        bars.setColor(chart_bar_colour())
        bars.setBorderColor(bars.color())
        bars.hovered.connect(self._show_week)
        series = QBarSeries()
        series.append(bars)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        small = QFont(self.font())
        # "14 Sep" under each of 12 bars on half a window; relative, so it grows with the system's font
        small.setPointSizeF(small.pointSizeF() * 0.85)
        weeks = QBarCategoryAxis()
        # Day over month: "14 Sep" on one line is wider than a bar on half a window.
        weeks.append([f"{week.week_start.day}<br>{_MONTHS[week.week_start.month - 1]}" for week in measure.weeks])
        weeks.setTitleText("Week starting (Monday)")
        weeks.setTruncateLabels(False)  # Qt otherwise cuts "Sep" to "S…" though two short lines fit
        values = QValueAxis()
        share = measure.unit == "%"
        values.setTitleText("% of those counted" if share else "Days (median)")
        values.setLabelFormat("%d")
        top = 100 if share else max([week.value or 0 for week in measure.weeks] + [4]) * 1.2
        values.setRange(0, _rounded_top(top))
        values.setTickCount(6)
        for axis in (weeks, values):
            axis.setLabelsFont(small)
            axis.setTitleFont(small)
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
        chart.addAxis(weeks, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(weeks)
        series.attachAxis(values)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _show_week(self, inside: bool, index: int) -> None:
        if inside:
            QToolTip.showText(self.cursor().pos(), week_in_words(self.measure, self.measure.weeks[index]), self)
        else:
            QToolTip.hideText()


def _rounded_top(top: float) -> int:
    """An axis top that divides into 5 whole steps (20, 25, 50, 100…)."""
    for step in (1, 2, 4, 5, 10, 20, 25, 50, 100, 200):
        if top <= step * 5:
            return step * 5
    return int(top) + 1
