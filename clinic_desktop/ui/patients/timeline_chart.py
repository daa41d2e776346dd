"""An episode drawn as a time line: day 0, the 2- and 12-week marks, today, and every event.

The geometry (where each mark, marker and label goes) is computed by ``lay_out_chart``,
plain Python that tests can read without looking at pixels; ``TimelineChart`` only paints
it, in the colours of the system palette so it reads on light and dark alike. Events of
one day in one lane share a marker; the tooltip lists them all.

Its rows grow with the font (``ChartSizes``): drawn to 9-point pixel sizes, a 14 pt system
font put the labels above and below the markers of neighbouring lanes on top of each other
and cut the lane titles (issue 16, WCAG 1.4.4).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from clinic_desktop.services.patients.timeline import EpisodeSpan, TimelineEvent
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import short_date

LANES = ("Clinical", "Reviews", "Referrals & letters")
# The sizes at the desktops' usual 9 pt (a line 16 pixels high); a larger font makes each larger.
GUTTER = 128  # the lane titles, left of the plot
TOP = 40  # two rows of mark labels
LANE_HEIGHT = 58
AXIS = 34
MARGIN = 14
LABEL_WIDTH = 230  # longer labels are elided; the tooltip has the whole text
MARKER = 6  # half the marker's size
_LINE = 16
SHOW_TODAY_WITHIN_DAYS = 60  # today further than this past the episode is pointed at, not drawn to scale


def lane_of(kind: str) -> int:
    if kind.startswith("appointment_"):
        return 1
    return 2 if kind.startswith("referral_") else 0


def symbol_of(kind: str) -> str:
    """The marker's shape: reviews are squares, referrals diamonds, warnings and red flags triangles."""
    if kind in ("red_flags", "warning_raised", "warning_acknowledged"):
        return "triangle"
    return {0: "circle", 1: "square", 2: "diamond"}[lane_of(kind)]


def attention_of(event: TimelineEvent) -> str | None:
    """What the marker's colour says; its label and tooltip say it in words too."""
    if event.kind == "red_flags" or (event.kind.startswith("referral_") and event.title.startswith(("URGENT", "Urgent"))):
        return "urgent"
    if event.kind in ("appointment_did_not_attend", "warning_raised"):
        return "overdue"
    if event.kind in ("appointment_attended", "referral_closed", "referral_acknowledged", "discharge",
                      "warning_acknowledged"):
        return "ok"
    if event.kind.endswith("_cancelled") or event.kind == "appointment_to_book":
        return "quiet"
    return None


def short_label(event: TimelineEvent) -> str:
    """The label beside a marker, short enough to sit on the line: "Physiotherapy: signed v2"."""
    if event.kind == "appointment_did_not_attend":
        return "⚠ " + event.title
    found = _REFERRAL_TITLE.fullmatch(event.title) if event.kind.startswith("referral_") else None
    if found is None:
        return event.title
    urgent, name, step = found.groups()
    step = step.replace("letter ", "").replace(", version ", " v")
    return f"{'⚠ ' if urgent or name.startswith('Urgent') else ''}{_SHORT_REFERRALS.get(name, name)}: {step}"


_REFERRAL_TITLE = re.compile(r"(URGENT: )?(.*?) referral:? (.*)")
_SHORT_REFERRALS = {"Biopsychosocial assessment / specialised physiotherapy": "Biopsychosocial",
                    "Specialist pain / spinal centre": "Pain / spinal centre",
                    "Standard physiotherapy": "Physiotherapy"}


@dataclass(frozen=True)
class ChartSizes:
    """The chart's rows and gutter for the font it is drawn in."""

    top: float  # the two rows of mark labels
    lane_height: float  # a marker with a label row above and below it
    axis: float  # the axis and its month names
    gutter: float  # the lane titles, each on at most two lines
    label_width: float  # a marker's label elides past this

    @property
    def height(self) -> float:
        return self.top + self.lane_height * len(LANES) + self.axis

    def lane_y(self, lane: int) -> float:
        return self.top + self.lane_height * lane + self.lane_height / 2


def chart_sizes(line_height: float = _LINE, title_width: Callable[[str], float] | None = None,
                gutter_at_least: float = 0) -> ChartSizes:
    """Sizes for a font whose lines are ``line_height`` high; ``title_width`` measures a lane title
    (in bold); the gutter is ``gutter_at_least`` wide too. Never smaller than the 9-point sizes."""
    gutter = max(GUTTER, gutter_at_least)
    if title_width is not None:
        gutter = max(gutter, MARGIN + 4 + max(_two_lines_width(title, title_width) for title in LANES))
    return ChartSizes(top=max(TOP, 2 * line_height + 8), lane_height=max(LANE_HEIGHT, 2 * line_height + 2 * MARKER + 14),
                      axis=max(AXIS, line_height + 18), gutter=gutter,
                      label_width=LABEL_WIDTH * max(line_height, _LINE) / _LINE)


def _two_lines_width(title: str, width: Callable[[str], float]) -> float:
    """The narrowest the title gets wrapped onto two lines at most, between its words."""
    words = title.split()
    return min(max(width(" ".join(words[:cut])), width(" ".join(words[cut:]))) for cut in range(1, len(words) + 1))


@dataclass(frozen=True)
class Mark:
    """A vertical line across the chart: day 0, a week mark, or today."""

    name: str  # "day0", "week", "today"
    label: str  # "Day 0 · 2 Mar"
    day: date
    x: float
    label_row: int  # 0 or 1 (the two rows above the lanes)
    beyond: bool = False  # today lies past the chart's right edge


@dataclass(frozen=True)
class Marker:
    """The events of one day in one lane."""

    x: float
    y: float
    lane: int
    day: date
    events: tuple[TimelineEvent, ...]
    symbol: str
    attention: str | None
    label: str  # "" when there was no room; the tooltip still has it
    label_rect: tuple[float, float, float, float] | None  # x, y, width, height


@dataclass(frozen=True)
class ChartGeometry:
    first_day: date
    last_day: date
    plot_left: float
    plot_right: float
    marks: tuple[Mark, ...]
    markers: tuple[Marker, ...]
    sizes: ChartSizes

    @property
    def height(self) -> float:
        return self.sizes.height

    def x_of(self, day: date) -> float:
        span = max((self.last_day - self.first_day).days, 1)
        return self.plot_left + (day - self.first_day).days / span * (self.plot_right - self.plot_left)

    def marker_at(self, x: float, y: float, reach: float = MARKER + 4) -> Marker | None:
        near = [marker for marker in self.markers if abs(marker.x - x) <= reach and abs(marker.y - y) <= reach]
        return min(near, key=lambda marker: abs(marker.x - x), default=None)

    def mark(self, name_or_label: str) -> Mark | None:
        return next((mark for mark in self.marks if name_or_label in (mark.name, mark.label.split(" · ")[0])), None)


def lay_out_chart(span: EpisodeSpan, events: Sequence[TimelineEvent], today: date, width: float,
                  text_width: Callable[[str], float], line_height: float = _LINE,
                  week_marks: Sequence[int] = (14, 84), sizes: ChartSizes | None = None) -> ChartGeometry:
    """Where everything goes for an episode drawn ``width`` pixels wide; ``text_width`` measures a label,
    ``sizes`` the rows for the font (those of ``line_height`` when not given)."""
    sizes = sizes or chart_sizes(line_height)
    day_zero = span.day_zero
    own = [event for event in events if event.episode_id == span.episode_id]
    ends = [day_zero + timedelta(days=max(week_marks, default=0) + 7), *(event.on for event in own)]
    if span.discharged_on:
        ends.append(span.discharged_on)
    last = max(ends) + timedelta(days=3)
    today_beyond = today > last + timedelta(days=SHOW_TODAY_WITHIN_DAYS)
    if not today_beyond and today > last - timedelta(days=3):
        last = today + timedelta(days=3)
    first = min([day_zero, *(event.on for event in own)]) - timedelta(days=3)
    geometry = ChartGeometry(first, last, sizes.gutter, max(width - MARGIN, sizes.gutter + 50), (), (), sizes)
    marks = _marks(geometry, day_zero, today, today_beyond, week_marks, text_width)
    markers = _markers(geometry, own, text_width, line_height)
    return ChartGeometry(first, last, geometry.plot_left, geometry.plot_right, marks, markers, sizes)


def _marks(geometry: ChartGeometry, day_zero: date, today: date, today_beyond: bool, week_marks, text_width):
    wanted = [("day0", "Day 0", day_zero)]
    wanted += [("week", f"{days // 7} weeks" if days % 7 == 0 else f"Day {days}", day_zero + timedelta(days=days))
               for days in week_marks]
    wanted.append(("today", "Today", today))
    rows_end = [float("-inf"), float("-inf")]
    marks = []
    for name, title, day in wanted:
        beyond = name == "today" and today_beyond
        x = geometry.plot_right if beyond else geometry.x_of(day)
        label = f"{title} · {short_date(day)}" + (" →" if beyond else "")
        left = min(x - text_width(label) / 2, geometry.plot_right - text_width(label))
        row = 0 if left >= rows_end[0] + 6 else 1
        rows_end[row] = left + text_width(label)
        marks.append(Mark(name, label, day, x, row, beyond))
    return tuple(marks)


def _markers(geometry: ChartGeometry, events, text_width, line_height: float) -> tuple[Marker, ...]:
    grouped: dict[tuple[int, date], list[TimelineEvent]] = {}
    for event in events:
        grouped.setdefault((lane_of(event.kind), event.on), []).append(event)
    rows_end: dict[tuple[int, int], float] = {}
    markers = []
    for (lane, day), group in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
        x = geometry.x_of(day)
        y = geometry.sizes.lane_y(lane)
        main = min(group, key=_label_priority)
        text = _elide(short_label(main) + (f" (+{len(group) - 1})" if len(group) > 1 else ""), text_width,
                      geometry.sizes.label_width)
        label, rect = "", None
        left = min(max(x - text_width(text) / 2, geometry.plot_left - 16), geometry.plot_right - text_width(text))
        for row, top in ((0, y - MARKER - 2 - line_height), (1, y + MARKER + 2)):
            if left >= rows_end.get((lane, row), float("-inf")) + 8:
                rows_end[(lane, row)] = left + text_width(text)
                label, rect = text, (left, top, text_width(text), line_height)
                break
        markers.append(Marker(x, y, lane, day, tuple(group), symbol_of(main.kind), attention_of(main), label, rect))
    return tuple(markers)


# Which of a day's events names the marker: the urgent, then the milestones, then what went wrong.
_FIRST_NAMED = ("red_flags", "first_contact", "discharge", "start_back", "twelve_week_outcome",
                "appointment_did_not_attend", "referral_signed", "referral_sent", "warning_raised")


def _label_priority(event: TimelineEvent) -> tuple[int, int]:
    urgent = attention_of(event) == "urgent"
    rank = _FIRST_NAMED.index(event.kind) if event.kind in _FIRST_NAMED else len(_FIRST_NAMED)
    return (0 if urgent else 1, rank + (1 if attention_of(event) == "quiet" else 0))


def _elide(text: str, text_width: Callable[[str], float], widest: float) -> str:
    if text_width(text) <= widest:
        return text
    while text and text_width(text + "…") > widest:
        text = text[:-1]
    return text.rstrip() + "…"


class TimelineChart(QWidget):
    """Paints one episode's time line; hover a marker for its events."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Episode time line")
        self.gutter_at_least: Callable[[], float] = lambda: 0  # a chart drawn on this one's scale needs its gutter
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(round(self.sizes().height))
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self._span: EpisodeSpan | None = None
        self._events: tuple[TimelineEvent, ...] = ()
        self._today: date | None = None
        self._week_marks: tuple[int, ...] = (14, 84)
        self._geometry: ChartGeometry | None = None

    def show_episode(self, span: EpisodeSpan | None, events: Sequence[TimelineEvent], today: date,
                     week_marks: Sequence[int] = (14, 84)) -> None:
        self._span, self._events, self._today, self._week_marks = span, tuple(events), today, tuple(week_marks)
        self._geometry = None
        if span is not None:
            summary = ", ".join(mark.label for mark in self.chart_geometry().marks)
            self.setAccessibleDescription(f"{len(self.chart_geometry().markers)} points on the time line; {summary}")
        self.update()

    def sizes(self) -> ChartSizes:
        """The rows and gutter for the font the chart is drawn in."""
        bold = QFont(self.font())
        bold.setBold(True)
        return chart_sizes(QFontMetrics(self.font()).height(), QFontMetrics(bold).horizontalAdvance,
                           self.gutter_at_least())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the system's font setting changed: rows to match
            self._geometry = None
            self.setFixedHeight(round(self.sizes().height))
        super().changeEvent(event)

    def chart_geometry(self) -> ChartGeometry | None:
        """The geometry for the current width (recomputed after a resize or new data)."""
        if self._span is None:
            return None
        if self._geometry is None:
            metrics = QFontMetrics(self.font())
            self._geometry = lay_out_chart(self._span, self._events, self._today, self.width(),
                                           metrics.horizontalAdvance, metrics.height(), self._week_marks,
                                           self.sizes())
        return self._geometry

    def sizeHint(self) -> QSize:
        return QSize(900, round(self.sizes().height))

    def resizeEvent(self, event) -> None:
        self._geometry = None
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            geometry = self.chart_geometry()
            marker = geometry.marker_at(event.pos().x(), event.pos().y()) if geometry else None
            if marker is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), tooltip_text(marker), self)
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:
        geometry = self.chart_geometry()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.Text)
        if geometry is None:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No episode of back pain on record")
            return
        _paint_lanes(painter, geometry, self.palette())
        _paint_marks(painter, geometry, QFontMetrics(self.font()).height())
        for marker in geometry.markers:
            _paint_marker(painter, marker, text)
        painter.end()


def tooltip_text(marker: Marker) -> str:
    lines = [f"{short_date(marker.day)}"]
    lines += [f"• {event.title}" + (f" — {event.detail}" if event.detail else "") for event in marker.events]
    return "\n".join(lines)


def _paint_lanes(painter: QPainter, geometry: ChartGeometry, palette: QPalette) -> None:
    text, mid = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Mid)
    plain = QFont(painter.font())
    bold = QFont(plain)
    bold.setBold(True)
    for lane, title in enumerate(LANES):
        y = geometry.sizes.lane_y(lane)
        lane_height = geometry.sizes.lane_height
        painter.setPen(QPen(mid, 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(geometry.plot_left, y), QPointF(geometry.plot_right, y))
        painter.setPen(text)
        painter.setFont(bold)
        painter.drawText(QRectF(MARGIN / 2, y - lane_height / 2, geometry.plot_left - MARGIN, lane_height),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, title)
    painter.setFont(plain)
    axis = axis_y(geometry)
    painter.setPen(QPen(text, 1))
    painter.drawLine(QPointF(geometry.plot_left, axis), QPointF(geometry.plot_right, axis))
    metrics = painter.fontMetrics()
    for day, kind in axis_ticks(geometry):
        x = geometry.x_of(day)
        painter.drawLine(QPointF(x, axis - (5 if kind == "month" else 3)), QPointF(x, axis + 3))
        if kind == "month":
            painter.drawText(QPointF(x + 3, axis + 3 + metrics.ascent()), day.strftime("%b %Y" if day.month == 1
                                                                                      else "%b"))


def axis_y(geometry: ChartGeometry) -> float:
    return geometry.height - geometry.sizes.axis + 8


def axis_ticks(geometry: ChartGeometry) -> list[tuple[date, str]]:
    """A tick each Monday ("week") and at the first of each month ("month", labelled)."""
    ticks, day = [], geometry.first_day
    while day <= geometry.last_day:
        if day.day == 1:
            ticks.append((day, "month"))
        elif day.weekday() == 0:
            ticks.append((day, "week"))
        day += timedelta(days=1)
    return ticks


def _paint_marks(painter: QPainter, geometry: ChartGeometry, line_height: int) -> None:
    bottom = axis_y(geometry)
    for mark in geometry.marks:
        colour = attention_colour("today" if mark.name == "today" else "quiet")
        style = Qt.PenStyle.SolidLine if mark.name in ("today", "day0") else Qt.PenStyle.DashLine
        painter.setPen(QPen(colour, 2 if mark.name == "today" else 1, style))
        top = 4 + line_height * (mark.label_row + 1)
        painter.drawLine(QPointF(mark.x, top), QPointF(mark.x, bottom))
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(mark.label)
        left = min(mark.x - width / 2, geometry.plot_right - width)
        painter.drawText(QPointF(max(left, 2), 2 + metrics.ascent() + line_height * mark.label_row), mark.label)


def _paint_marker(painter: QPainter, marker: Marker, text) -> None:
    colour = attention_colour(marker.attention) if marker.attention else text
    painter.setPen(QPen(colour, 2))
    filled = marker.attention not in ("quiet",)
    painter.setBrush(colour if filled else Qt.BrushStyle.NoBrush)
    x, y, size = marker.x, marker.y, MARKER
    if marker.symbol == "circle":
        painter.drawEllipse(QPointF(x, y), size, size)
    elif marker.symbol == "square":
        painter.drawRect(QRectF(x - size, y - size, 2 * size, 2 * size))
    elif marker.symbol == "diamond":
        painter.drawPolygon(QPolygonF([QPointF(x, y - size - 1), QPointF(x + size + 1, y), QPointF(x, y + size + 1),
                                       QPointF(x - size - 1, y)]))
    else:
        painter.drawPolygon(QPolygonF([QPointF(x, y - size - 1), QPointF(x + size + 1, y + size),
                                       QPointF(x - size - 1, y + size)]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if marker.label_rect:
        left, top, width, height = marker.label_rect
        painter.setPen(colour if marker.attention in ("urgent", "overdue") else text)
        painter.drawText(QRectF(left, top, width + 2, height), Qt.AlignmentFlag.AlignLeft, marker.label)
