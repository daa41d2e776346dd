"""The practice manager's dashboard: what is overdue, and how well the pathway is kept.

Left, the overdue figures by kind, by how long and by clinician: each figure is a
button that opens the list behind it (the "Overdue list" tab), whose rows open their
patient. Right, the four pathway measures, each with its value, its definition in words
and its last 12 weeks as a chart. Everything is read in one service call; the view
redraws when the change hub reports a change to what it counts (when it is next shown,
if it is hidden), reading off the window's thread, the latest read winning, so a change
from another workstation never freezes the window. "Export…" saves the dashboard or the
list shown as PDF or CSV.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.reporting import dashboard, report_export
from clinic_desktop.services.reporting.dashboard import Count, OverdueFilter
from clinic_desktop.services.reporting.pathway_measures import Measure
from clinic_desktop.ui.manager.measure_charts import MeasureChart, empty_weeks_text
from clinic_desktop.ui.manager.report_files import choose_report_file, file_stem
from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub, Changes
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.paged_table_model import PagedTableModel
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN, RedrawWhenSeen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.widgets.time_format import short_date
from clinic_desktop.ui.worklists.column_fit import fit_columns
from clinic_desktop.ui.worklists.worklist_views import OVERDUE

# The overdue list and its counts; the measures read the same records: reviews and their dates
# (appointments), STarT Back results (episodes), referrals raised and sent, and the clinicians.
READS = Reads(*OVERDUE.reads.records)


def bold_label(scale: float = 1.0) -> QLabel:
    """A label in bold type, ``scale`` times the usual size (titles and headline values)."""
    label = QLabel()
    font = QFont(label.font())
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class FigureBox(QGroupBox):
    """One way of counting the overdue items; each count is a button that lists its items."""

    figure_chosen = Signal(object)  # an OverdueFilter

    def __init__(self, title: str, to_filter, note: str = "", parent=None):
        super().__init__(title, parent)
        self._to_filter = to_filter
        self.buttons: dict[str, QPushButton] = {}
        self._grid = QGridLayout()
        self._grid.setColumnStretch(1, 1)
        self._grid.setVerticalSpacing(2)
        layout = QVBoxLayout(self)
        layout.addLayout(self._grid)
        if note:
            explained = QLabel(note)
            explained.setWordWrap(True)
            explained.setObjectName("figureNote")
            layout.addWidget(explained)

    def show_counts(self, counts: tuple[Count, ...], empty: str = "") -> None:
        while self._grid.count():
            self._grid.takeAt(0).widget().deleteLater()
        self.buttons.clear()
        if not counts and empty:
            self._grid.addWidget(QLabel(empty), 0, 0, 1, 2)
        for row, count in enumerate(counts):
            button = QPushButton(str(count.count))
            button.setObjectName("figure")
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("0000") + 24)  # the figures line up
            button.setAccessibleName(f"{count.label}: {count.count} overdue. Show the list")
            button.setToolTip(f"Show the {count.count} overdue: {count.label}")
            button.setEnabled(count.count > 0)
            if count.count:
                button.setStyleSheet(f"QPushButton {{ font-weight: bold; color: {attention_colour('overdue').name()}; }}")
            chosen = self._to_filter(count)
            button.clicked.connect(lambda _checked=False, chosen=chosen: self.figure_chosen.emit(chosen))
            label = QLabel(count.label)
            label.setWordWrap(True)
            label.setBuddy(button)
            self._grid.addWidget(button, row, 0)
            self._grid.addWidget(label, row, 1)
            self.buttons[count.key] = button


class MeasureCard(QFrame):
    """A measure's title, current value, definition and chart."""

    def __init__(self, measure: Measure, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = bold_label()
        self.title.setWordWrap(True)
        self.value = bold_label(1.35)
        self.value.setWordWrap(True)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setObjectName("definition")
        self.definition.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.chart = MeasureChart(measure)
        self.empty_weeks = QLabel()
        self.empty_weeks.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.definition)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.empty_weeks)
        layout.addStretch(0)  # a card taller than its row-mate keeps its lines together at the top
        self.show_measure(measure)

    def show_measure(self, measure: Measure) -> None:
        self.title.setText(measure.title)
        self.value.setText(f"{measure.value_text} · last 12 weeks")
        self.definition.setText(measure.definition)
        self.empty_weeks.setText(empty_weeks_text(measure))
        self.empty_weeks.setVisible(bool(self.empty_weeks.text()))
        self.setAccessibleName(f"{measure.title}: {measure.value_text}")
        if self.chart.measure != measure:
            self.chart.set_measure(measure)


class CardColumns(QWidget):
    """The measure cards two abreast, or one under another when two would not fit side by side
    (a large system font, WCAG 1.4.10): a card is never narrower than its words need."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._cards: list[QWidget] = []
        self._columns = 0

    def set_cards(self, cards: list[QWidget]) -> None:
        self._cards = cards
        self._columns = 0
        self._place()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        columns = 2 if self.width() >= 2 * self.fontMetrics().averageCharWidth() * 50 else 1
        if columns == self._columns or not self._cards:
            return
        self._columns = columns
        for card in self._cards:
            self._grid.removeWidget(card)
        for number, card in enumerate(self._cards):
            self._grid.addWidget(card, number // columns, number % columns)


class OverdueListPanel(QWidget):
    """The overdue items behind the chosen figure, paged from the database."""

    patient_requested = Signal(int)

    def __init__(self, actor: Actor, parent=None):
        super().__init__(parent)
        self._actor = actor
        self.chosen = OverdueFilter()
        self.description = "All overdue"
        self.stale = True  # not read yet, or changed since
        self.heading = bold_label()
        self.show_all_button = QPushButton("Show &all overdue")
        self.show_all_button.clicked.connect(lambda: self.show_filter(OverdueFilter(), "All overdue"))
        self.export_button = QPushButton("&Export list…")
        self.export_button.clicked.connect(self.export)
        self.model = PagedTableModel(OVERDUE.columns, self._fetch)
        self.table = read_only_table(self.model, "Overdue list")
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        bar.addWidget(self.show_all_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)

    def show_filter(self, chosen: OverdueFilter, description: str) -> None:
        self.chosen, self.description = chosen, description
        self.reload()

    def reload(self) -> None:
        if not Op(self, self.model.reload).failure(self._out_of_date).run():
            return
        self.stale = False
        self.problem.hide()
        self.heading.setText(f"{self.description}: {self.model.total} overdue")
        self.show_all_button.setEnabled(self.chosen != OverdueFilter())
        fit_columns(self.table)

    def _out_of_date(self, reason: str) -> None:
        """The rows shown stay, and the panel says they may be out of date."""
        self.problem.setText(f"⚠ The list could not be read, so it may be out of date. {sentence(reason)}")
        self.problem.show()

    def export(self):
        chosen = self.chosen

        def write(path, file_format):
            return report_export.export_overdue(self._actor, path, file_format, kind=chosen.kind, band=chosen.band,
                                                clinician_id=chosen.clinician_id)

        return choose_report_file(self, file_stem(f"overdue {self.description}"), write)

    def _fetch(self, offset: int, limit: int):
        return dashboard.overdue_list(self._actor, kind=self.chosen.kind, band=self.chosen.band,
                                      clinician_id=self.chosen.clinician_id, offset=offset, limit=limit)

    def _open(self, row_number: int) -> None:
        self.patient_requested.emit(self.model.row_at(row_number).patient_id)


class DashboardView(QWidget):
    """The dashboard tab. ``patient_requested`` asks the main window to open a patient."""

    patient_requested = Signal(int)

    def __init__(self, actor: Actor, settings: ClinicSettings, hub: ChangeHub, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Dashboard")
        self._actor = actor
        self._settings = settings
        self.board: dashboard.Dashboard | None = None
        self._reads = LatestOp(self, None)  # redraws after a change: only the latest one's figures are shown
        self.heading = bold_label(1.3)
        self.heading.setWordWrap(True)  # "Overdue dashboard · <clinic> · as of <date>" at a large font
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.export_button = QPushButton("E&xport dashboard…")
        self.export_button.clicked.connect(self.export)
        self.by_kind = FigureBox("Overdue by kind", lambda count: OverdueFilter(kind=count.key))
        self.by_band = FigureBox("Overdue by how long", lambda count: OverdueFilter(band=count.key))
        self.by_clinician = FigureBox("Overdue by clinician", lambda count: OverdueFilter(clinician_id=int(count.key)),
                                      note=dashboard.DEFINITIONS["clinician"])
        self.list = OverdueListPanel(actor)
        self.list.patient_requested.connect(self.patient_requested)
        self.cards: list[MeasureCard] = []
        self._measures = CardColumns()
        measures = QScrollArea()  # four charts need more height than a laptop screen has
        measures.setWidget(self._measures)
        measures.setWidgetResizable(True)
        measures.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the cards reflow instead
        measures.setFrameShape(QScrollArea.Shape.NoFrame)
        measures.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the charts in it, and it scrolls to them
        self.tabs = QTabWidget()
        name_pages(self.tabs, "Pathway measures and the overdue list")
        self.tabs.addTab(measures, "Pathway &measures")
        self.tabs.addTab(self.list, "&Overdue list")
        self.tabs.currentChanged.connect(self._tab_shown)
        self._build(hub)
        self.summary.setText("Reading the figures…")
        self.reload_in_background()  # a quarter of a second at clinic scale: the tab shows at once

    def is_reading(self) -> bool:
        """The figures asked for last have not come back yet."""
        return self._reads.is_running()

    def _build(self, hub: ChangeHub) -> None:
        figures = QWidget()
        column = QVBoxLayout(figures)
        definition = QLabel(dashboard.DEFINITIONS["overdue"])
        definition.setWordWrap(True)
        column.addWidget(definition)
        for box in (self.by_kind, self.by_band, self.by_clinician):
            box.figure_chosen.connect(self.show_list)
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(figures)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the figures in it, and it scrolls to them
        letter = self.fontMetrics().averageCharWidth()  # widths in letters, so they grow with the system's font
        scroll.setMinimumWidth(letter * 24)  # a figure's label wraps in it
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([max(360, letter * 40), 1000])
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.summary)
        top.addLayout(titles, 1)
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.redraws = RedrawWhenSeen(self, hub, self._on_changes)

    def reload(self) -> None:
        """Read every figure again now (one service call, one transaction)."""
        Op(self, lambda: dashboard.dashboard(self._actor)).success(self._show_board).failure(self._unread).run()

    def reload_in_background(self) -> Op:
        """Read every figure again off the window's thread; a later read overtakes this one."""
        actor = self._actor
        return self._reads.run(lambda: dashboard.dashboard(actor), self._show_board, self._unread)

    def _on_changes(self, changes: Changes) -> None:
        if READS.concerned(changes, self.list.model.patients_shown()):  # figures count items, not patients
            self.reload_in_background()

    def _unread(self, reason: str) -> None:
        self.summary.setText(f"⚠ The dashboard could not be read, so it may be out of date. {sentence(reason)} "
                             f"{READ_AGAIN}")
        self.redraws.read_failed()

    def _show_board(self, board: dashboard.Dashboard) -> None:
        self.board = board
        self.heading.setText(f"Overdue dashboard · {board.clinic_name} · as of {short_date(board.as_of)}")
        overdue = board.overdue
        urgent = (f" · ⚠ URGENT: {overdue.urgent} red-flag referral{'s' if overdue.urgent != 1 else ''} overdue"
                  if overdue.urgent else "")
        self.summary.setText(f"{overdue.total} item{'s' if overdue.total != 1 else ''} overdue{urgent}. "
                             "Click a figure to see the list behind it; a row opens the patient.")
        self.summary.setStyleSheet(f"color: {attention_colour('urgent').name()};" if overdue.urgent else "")
        self.by_kind.show_counts(overdue.by_kind)
        self.by_band.show_counts(overdue.by_band)
        self.by_clinician.show_counts(overdue.by_clinician, empty="Nothing is overdue.")
        self._figures_in_tab_order()
        self._show_measures(board.measures)
        # The list is read when it is looked at: opening the dashboard does not wait for it.
        if self.tabs.currentWidget() is self.list:
            self.list.reload()
        else:
            self.list.stale = True

    def _figures_in_tab_order(self) -> None:
        """The figures, made anew with each read, come after the export and before the tabs they open,
        as they are seen (WCAG 2.4.3): new buttons would otherwise come last."""
        chain = [self.export_button] + [button for box in (self.by_kind, self.by_band, self.by_clinician)
                                        for button in box.buttons.values()]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def show_list(self, chosen: OverdueFilter) -> None:
        """The list behind one figure, on the "Overdue list" tab."""
        clinician = None
        if chosen.clinician_id is not None and self.board is not None:
            clinician = next((count.label for count in self.board.overdue.by_clinician
                              if count.key == str(chosen.clinician_id)), None)
        self.list.show_filter(chosen, dashboard.describe_filter(chosen, clinician))
        self.tabs.setCurrentWidget(self.list)

    def export(self):
        return choose_report_file(self, "overdue-dashboard", lambda path, file_format: report_export.export_dashboard(
            self._actor, path, file_format))

    def _show_measures(self, measures: tuple[Measure, ...]) -> None:
        if len(self.cards) != len(measures):
            for card in self.cards:
                card.deleteLater()
            self.cards = [MeasureCard(measure) for measure in measures]
            self._measures.set_cards(self.cards)
            return
        for card, measure in zip(self.cards, measures):
            card.show_measure(measure)

    def _tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.list and self.list.stale:
            self.list.reload()



def for_screenshot(actor: Actor, settings: ClinicSettings, hub) -> QWidget:
    """The dashboard over the demo clinic, the list behind its largest "by kind" figure open."""
    view = DashboardView(actor, settings, hub)
    view.resize(1440, 940)
    return view
