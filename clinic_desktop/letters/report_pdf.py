"""Printed reports (the dashboard, any list) as A4 PDF: plain data in, bytes out.

Pure like the letters: no database, no clock; the "as of" date and the moment the report
was produced come in with the data. Long tables run over as many pages as they need,
their header row repeated on each, and every page says what it is, for whom, and which
page of how many it is, so a loose page from a printout is never misread.
"""
from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from clinic_desktop.letters.fonts import BOLD, REGULAR
from clinic_desktop.letters.layout import (
    MUTED,
    RULE,
    SHADE,
    build_pdf,
    identity_footer,
    literal,
    styles,
    table_style,
    text_width_available,
)
from clinic_desktop.letters.letter_data import PrintedReport, ReportTable, WeeklyChart, clinic_time_text, day_text

__all__ = ["PrintedReport", "ReportTable", "WeeklyChart", "render_report"]

CHART_BLUE = colors.HexColor("#2f6db5")
_SHORT_TABLE = 15


def render_report(report: PrintedReport) -> bytes:
    """The report as A4 PDF bytes; equal reports give identical bytes."""
    style = _report_styles()
    width = text_width_available()
    story = [Paragraph(literal(report.title), style["report_title"]),
             Paragraph(f"{literal(report.clinic_name)} · as of {day_text(report.as_of, weekday=True)} · produced "
                       f"{clinic_time_text(report.produced_at, report.time_zone)}", style["muted"])]
    if report.summary:
        story.append(Paragraph(literal(report.summary), style["body"]))
    for table in report.tables:
        story.append(Spacer(1, 3 * mm))
        lead = [Paragraph(literal(table.heading), style["heading"])]
        if table.note:
            lead.append(Paragraph(literal(table.note), style["small"]))
        if table.chart is not None:
            # Bars line up over the week columns when the table has one column a week.
            aligned = len(table.columns) == len(table.chart.values) + 1
            left = width * table.widths[0] / sum(table.widths) if aligned else 14 * mm
            lead += [Spacer(1, 2 * mm), _chart(table.chart, width, left)]
        body = [Spacer(1, 1.5 * mm), _table(table, style, width)]
        if len(table.rows) <= _SHORT_TABLE:  # a short table stays on the page of its heading
            story.append(KeepTogether(lead + body))
        else:  # a long one starts under its heading and runs on, its header row repeated
            story += [KeepTogether(lead), *body]
    return build_pdf(story, _footer(report), title=f"{report.title}, as of {day_text(report.as_of)}",
                     author=report.clinic_name, subject=report.title, top_margin=16 * mm)


def _report_styles() -> dict[str, ParagraphStyle]:
    style = styles()
    cell = ParagraphStyle("cell", style["body"], fontSize=8.5, leading=10.5, spaceAfter=0)
    style.update(
        report_title=ParagraphStyle("report_title", style["body"], fontName=BOLD, fontSize=16, leading=20,
                                    spaceAfter=2),
        cell=cell,
        cell_right=ParagraphStyle("cell_right", cell, alignment=TA_RIGHT),
        header=ParagraphStyle("header", cell, fontName=BOLD),
        header_right=ParagraphStyle("header_right", cell, fontName=BOLD, alignment=TA_RIGHT),
        small=ParagraphStyle("report_small", style["small"], spaceAfter=1),
    )
    for name in ("cell", "cell_right", "header", "header_right"):
        # Figures a week each sit centred, under the week's bar.
        style["small_" + name] = ParagraphStyle("small_" + name, style[name], fontSize=7.5, leading=9.5,
                                                alignment=TA_CENTER if name.endswith("right") else style[name].alignment)
    return style


def _table(table: ReportTable, style, width: float):
    if not table.rows:
        return Paragraph(literal(table.empty), style["muted"])
    scale = width / sum(table.widths)

    small = "small_" if table.compact else ""

    def cells(values, plain: str, right: str):
        return [Paragraph(literal(value), style[small + (right if number in table.right_aligned else plain)])
                for number, value in enumerate(values)]

    data = [cells(table.columns, "header", "header_right")]
    data += [cells(row, "cell", "cell_right") for row in table.rows]
    result = Table(data, colWidths=[share * scale for share in table.widths], repeatRows=1)
    result.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5 if table.compact else 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 if table.compact else 3),
    ]))
    return result


def _chart(chart: WeeklyChart, width: float, left: float) -> Drawing:
    """Bars by week, the weeks' Mondays under them, the unit up the side."""
    height = 42 * mm
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y = left, 9 * mm
    bars.width, bars.height = width - left, height - 13 * mm
    bars.data = [[value if value is not None else 0 for value in chart.values]]
    bars.bars[0].fillColor = CHART_BLUE
    bars.bars[0].strokeColor = None
    bars.categoryAxis.categoryNames = list(chart.week_labels)
    bars.categoryAxis.labels.fontName = REGULAR
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.dy = -2
    bars.valueAxis.labels.fontName = REGULAR
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    known = [value for value in chart.values if value is not None]
    top = chart.top if chart.top is not None else max([*known, 1.0]) * 1.15
    bars.valueAxis.valueMax = top
    bars.valueAxis.valueStep = _step(top)
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    drawing.add(bars)
    # The unit up the left side: a label turned a quarter anticlockwise.
    drawing.add(Group(String(0, 0, chart.value_label, fontName=REGULAR, fontSize=7, fillColor=MUTED,
                             textAnchor="middle"), transform=(0, 1, -1, 0, left - 9 * mm, bars.y + bars.height / 2)))
    drawing.add(String(bars.x + bars.width / 2, 0, "Week starting (Monday)", fontName=REGULAR, fontSize=7,
                       fillColor=MUTED, textAnchor="middle"))
    for number, value in enumerate(chart.values):
        # Each bar carries its figure; an empty week reads "–", so it never passes for a zero.
        x = bars.x + bars.width * (number + 0.5) / len(chart.values)
        y = bars.y + 2 + (0 if value is None else bars.height * min(value, top) / top)
        text = "–" if value is None else f"{value:.0f}" if chart.top == 100 else f"{value:g}"
        drawing.add(String(x, y, text, fontName=REGULAR, fontSize=7, fillColor=MUTED, textAnchor="middle"))
    return drawing


def _step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 6:
            return step
    return top / 5


def _footer(report: PrintedReport):
    return identity_footer(f"{report.title} · {report.clinic_name} · as of {day_text(report.as_of)} · confidential")
