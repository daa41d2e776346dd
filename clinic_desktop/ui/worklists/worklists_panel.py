"""The home tab: the signed-in role's worklists, each with its count and its row actions.

A row opens its patient on the item it is about (double-click or Enter): the review selected,
the letter or the form open (ui/patients/item_target.py). Each list has a filter box: the
words typed narrow the service's query (services/worklists/text_filter.py), never only the
rows already read, and the tab says "12 of 340" while a filter is on; Esc clears it. The actions a list needs sit in a bar
above it (book, arrived, did not attend, record the finding, acknowledge), enabled for the
selected row. The list on screen redraws when the change hub reports a change to what it
lists, keeping the selected row and the scroll position, so a receptionist's place
survives another workstation's booking; a change that cannot touch a list (its ``reads``,
ui/shell/view_reads.py: a booking for the warnings list, a registration for any list
whose rows that patient is not on) neither re-reads it nor counts it again. A list behind
another tab redraws when it is chosen; meanwhile only its count in the tab title is read
again, off the window's thread.

Every read runs off the window's thread (at clinic scale a first page takes up to a third
of a second): a list being read for the first time says "Loading…", one being read again
keeps its rows until the new ones arrive. Nothing is read until the home tab has painted,
so signing in shows the window at once; then the list on screen reads its rows, and one
background read counts the others for their tab titles.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.manager.report_files import choose_report_file, file_stem, list_writer
from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.patients.item_target import of_row
from clinic_desktop.ui.shell.change_hub import ChangeHub, Changes
from clinic_desktop.ui.widgets.background_paged_model import BackgroundPagedModel
from clinic_desktop.ui.widgets.filter_box import filter_box
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN, RedrawWhenSeen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.widgets.window_layout import restore_header, save_header
from clinic_desktop.ui.worklists.column_fit import fit_columns
from clinic_desktop.ui.worklists.row_actions import RowActions
from clinic_desktop.ui.worklists.worklist_views import OVERDUE, WorklistView, views_for


class WorklistTable(QWidget):
    """One list: its action bar, the table, and a line saying what an empty list means."""

    item_requested = Signal(object)  # an ItemTarget: the patient, and where in their view to land
    total_changed = Signal()

    def __init__(self, view: WorklistView, actor: Actor, actions: RowActions, fetch=None,
                 narrowing: tuple[QWidget, ...] = (), parent=None):
        """``narrowing``: more filters (the open work's owner), shown first in the bar."""
        super().__init__(parent)
        self.view = view
        self._actor = actor
        self._fetch = fetch or (lambda offset, limit, text: view.fetch(actor, offset, limit, text))
        self._text = ""  # the filter as typed: a page is read off the window's thread, where the box cannot be asked
        self._whole: int | None = None  # the unfiltered count last read, kept while only the filter's text changes
        self.model = BackgroundPagedModel(view.columns, self._read, self)
        self.export_title = lambda: view.title  # what the exported list is called (the overdue list adds its kind)
        self.table = read_only_table(self.model, view.title)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for its row's buttons; the arrows move in it
        self._place: tuple[object, int] = (None, 0)  # the selected row's key and the scroll position
        self.model.replacing.connect(self._remember_place)
        self.model.modelReset.connect(self._return_to_place)  # after the table's own reset, which clears it
        self.model.arrived.connect(self._arrived)
        self.model.failed.connect(self._out_of_date)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))
        self._empty = QLabel("Loading…")  # where the rows will be, until they first arrive: not a dialog
        self._empty.setObjectName("emptyList")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.actions_bar = QHBoxLayout()
        for widget in narrowing:
            self.actions_bar.addWidget(widget)
        self.filter = filter_box(f"Filter {view.title}", self._filter_changed)
        # Tab follows the order the widgets join the list (Qt's setTabOrder cannot move a button past a
        # table's own parts): what narrows it, the table, then what acts on the chosen row and the export.
        # The buttons show above the table, but a person chooses a row before acting on it (WCAG 2.4.3).
        for widget in (*narrowing, self.filter, self.table):
            widget.setParent(self)
        self.buttons: dict[str, QToolButton] = {}
        self._row_actions = actions
        for action in actions.for_list(view.key, self):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.actions_bar.addWidget(button)
            self.table.addAction(action)
            self.buttons[action.text().replace("&", "").rstrip(".…")] = button
        self.actions_bar.addStretch(1)
        self.actions_bar.addWidget(self.filter)
        self.export_button: QToolButton | None = None
        if allowed(actor.role, "view_reports"):  # the manager's reports: any list to PDF or CSV
            self.export_button = QToolButton(self)
            self.export_button.setText("&Export…")
            self.export_button.setToolTip("Save this whole list as a PDF report or a CSV spreadsheet")
            self.export_button.clicked.connect(self.export)
            self.actions_bar.addWidget(self.export_button)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(self.actions_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._empty)
        self._sized = restore_header(self.table.horizontalHeader(), self._layout_key())

    def selected_row(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def is_read(self) -> bool:
        """The rows shown are the latest read's: none is under way and one has arrived."""
        return self.model.ever_read and not self.model.is_reading()

    def count(self) -> tuple[int, int | None]:
        """How many rows the list holds now as filtered, and unfiltered when a filter is on, counted by
        the database (touches no widget: safe off the window's thread)."""
        page = self._read(0, 1)
        return page.total, page.unfiltered

    def patients_shown(self) -> frozenset[int] | None:
        """The patients on its rows read so far, while no filter by words is on (it matches their names)."""
        return None if self._text else self.model.patients_shown()

    def _read(self, offset: int, limit: int) -> worklists.Page:
        """A page as the filter box narrows it; the first page of a filtered list says the whole count too,
        counted again only when the list itself may have changed (not at every keystroke)."""
        text, whole = self._text, self._whole
        page = self._fetch(offset, limit, text)
        if text and offset == 0:
            page = replace(page, unfiltered=whole if whole is not None else self._fetch(0, 1, "").total)
        return page

    def _filter_changed(self, text: str) -> None:
        self._text = text.strip()
        self.model.reload()  # only the filter changed: the whole count read last still holds

    def reload(self) -> None:
        """Read the list again in the background, keeping the selected row (by what it is about) and
        the scroll position."""
        self._whole = None  # the list may have changed: counted again
        self.model.reload()

    def _remember_place(self) -> None:
        """Where the user is, taken as the new rows arrive (they may have moved while it was read)."""
        selected = self.selected_row()
        self._place = (self.view.row_key(selected) if selected is not None else None,
                       self.table.verticalScrollBar().value())

    def _return_to_place(self) -> None:
        keep, scrolled = self._place
        if keep is not None:
            for number in range(self.model.rowCount()):
                if self.view.row_key(self.model.row_at(number)) == keep:
                    # The current index too, not only the selection: Enter and the arrow keys go from it.
                    self.table.selectionModel().setCurrentIndex(
                        self.model.index(number, 0),
                        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                    break
        self.table.verticalScrollBar().setValue(scrolled)

    def _arrived(self) -> None:
        self._whole = self.model.unfiltered if self._text else self.model.total
        self._empty.setText(f"No rows match “{self._text}”." if self._text else self.view.empty)
        self._empty.setVisible(self.model.total == 0)
        if not self._sized and self.model.rowCount():
            fit_columns(self.table)  # the first time only: after that, the user's widths
            self._sized = True
        self._selection_changed()
        self.total_changed.emit()

    def _out_of_date(self, error: str) -> None:
        """The rows shown stay, and the list says it may be out of date."""
        self._empty.setText(f"⚠ This list could not be read again, so it may be out of date. {sentence(error)} "
                            f"{READ_AGAIN}")
        self._empty.show()

    def save_layout(self) -> None:
        save_header(self.table.horizontalHeader(), self._layout_key())

    def _layout_key(self) -> str:
        """Widths are remembered for the size of text they were made at: a larger system font needs its own."""
        return f"worklist/{self.view.key}/{round(self.table.font().pointSizeF())}pt"

    def export(self):
        """Ask for a file, then write every row of the list as the table words it."""
        title = self.export_title()
        return choose_report_file(self, file_stem(title), list_writer(self._actor, title, self.view.columns,
                                                                        self._read))

    def _open(self, row_number: int) -> None:
        self.item_requested.emit(of_row(self.model.row_at(row_number)))

    def _selection_changed(self, *_) -> None:
        self._row_actions.update_enabled(self.view.key, self.selected_row())


WIDE_ENOUGH = 130  # letters: narrower, a list's kinds go above it rather than beside it


class ListByKind(QWidget):
    """A list grouped by kind: the left list picks one kind (with its count), the table shows it.

    A subclass says what is counted (``counts``), what a kind is called and how a page is read.
    """

    all_label = "All"

    def __init__(self, view: WorklistView, actor: Actor, actions: RowActions, parent=None):
        super().__init__(parent)
        self._actor = actor
        self._kind: str | None = None
        self.kinds = QListWidget()
        self.kinds.setAccessibleName(f"{view.title} by kind")
        self.kinds.setWordWrap(True)  # "Biopsychosocial assessment / specialised physiotherapy referral (4)"
        self.kinds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kinds.setSpacing(2)
        self.kinds.currentItemChanged.connect(self._kind_chosen)
        self._counting = LatestOp(self, None)
        self.list = WorklistTable(view, actor, actions, fetch=lambda offset, limit, text: self.fetch(
            self._kind, offset, limit, text), narrowing=self.narrowing())
        self.list.export_title = lambda: view.title + (f" – {self.kind_title(self._kind)}" if self._kind else "")
        self.item_requested = self.list.item_requested
        self.total_changed = self.list.total_changed
        self.count = self.list.count
        self.patients_shown = self.list.patients_shown
        self.view = view
        self.model = self.list.model
        self.table = self.list.table
        self._splitter = splitter = QSplitter()
        splitter.addWidget(self.kinds)
        splitter.addWidget(self.list)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def narrowing(self) -> tuple[QWidget, ...]:
        """Filters of the list's own, beside its filter box."""
        return ()

    def resizeEvent(self, event) -> None:
        """Where the window is narrow for its text (a large system font on a laptop, WCAG 1.4.10) the kinds
        move above the table, side by side in rows, and the table has the whole width for its columns."""
        super().resizeEvent(event)
        above = self.width() < self.fontMetrics().averageCharWidth() * WIDE_ENOUGH
        if above == (self._splitter.orientation() == Qt.Orientation.Vertical):
            return
        self._splitter.setOrientation(Qt.Orientation.Vertical if above else Qt.Orientation.Horizontal)
        self.kinds.setFlow(QListWidget.Flow.LeftToRight if above else QListWidget.Flow.TopToBottom)
        self.kinds.setWrapping(above)
        self.kinds.setWordWrap(not above)
        self.kinds.setResizeMode(QListWidget.ResizeMode.Adjust)
        lines = self.kinds.fontMetrics().height()
        self._splitter.setSizes([4 * lines, self.height()] if above else [300, 900])

    def counts(self) -> dict[str, int]:  # pragma: no cover - each list defines its own
        raise NotImplementedError

    def kind_title(self, kind: str) -> str:  # pragma: no cover
        raise NotImplementedError

    def fetch(self, kind: str | None, offset: int, limit: int, text: str) -> worklists.Page:  # pragma: no cover
        raise NotImplementedError

    def reload(self) -> None:
        """The counts by kind, then the chosen kind's rows, both read in the background."""
        # Unreadable: the list's own reload says why.
        self._counting.run(self.counts, self._show_counts, lambda _error: self.list.reload())

    def is_read(self) -> bool:
        return not self._counting.is_running() and self.list.is_read()

    def _show_counts(self, counts: dict[str, int]) -> None:
        if self._kind is not None and self._kind not in counts:
            self._kind = None
        self.kinds.blockSignals(True)
        self.kinds.clear()
        everything = QListWidgetItem(f"{self.all_label} ({sum(counts.values())})")
        self.kinds.addItem(everything)
        current = everything
        for kind, count in sorted(counts.items(), key=lambda item: (-item[1], self.kind_title(item[0]))):
            item = QListWidgetItem(f"{self.kind_title(kind)} ({count})")
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kinds.addItem(item)
            if kind == self._kind:
                current = item
        self.kinds.setCurrentItem(current)
        self.kinds.blockSignals(False)
        self.list.reload()

    def save_layout(self) -> None:
        self.list.save_layout()

    def selected_row(self):
        return self.list.selected_row()

    def _kind_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        self._kind = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.list.reload()


class OverdueByKind(ListByKind):
    """The practice manager's list: everything overdue, grouped by kind."""

    all_label = "All overdue"

    def __init__(self, actor: Actor, actions: RowActions, parent=None):
        super().__init__(OVERDUE, actor, actions, parent)

    def counts(self) -> dict[str, int]:
        return worklists.overdue_counts(self._actor)

    def kind_title(self, kind: str) -> str:
        return worklists.KIND_TITLES[kind]

    def fetch(self, kind: str | None, offset: int, limit: int, text: str) -> worklists.Page:
        return worklists.overdue(self._actor, kind=kind, offset=offset, limit=limit, text=text)


class WorklistsPanel(QTabWidget):
    """The role's lists as tabs, their counts in the tab titles, the role's own work first."""

    item_requested = Signal(object)  # an ItemTarget

    def __init__(self, actor: Actor, settings: ClinicSettings, hub: ChangeHub, parent=None):
        super().__init__(parent)
        self.setDocumentMode(True)
        self.setAccessibleName("Worklists")
        name_pages(self, "Worklists")
        self.row_actions = RowActions(actor, settings, hub, self)
        self.lists: list[WorklistTable | ListByKind] = []
        self._recounting = LatestOp(self, None)  # the counts of the lists behind: only the latest answer is shown
        self._recount_waiting: list[int] | None = None  # tabs to count once the list on screen has its rows
        for view in views_for(actor.role, settings.zone):
            if view.key == "overdue":
                widget = OverdueByKind(actor, self.row_actions)
            elif view.key == "open_work":
                from clinic_desktop.ui.worklists.open_work_panel import OpenWorkByOwner  # it builds on this module

                widget = OpenWorkByOwner(view, actor, self.row_actions)
            else:
                widget = WorklistTable(view, actor, self.row_actions)
            widget.item_requested.connect(self.item_requested)
            widget.total_changed.connect(lambda tab=len(self.lists): self._show_total(
                tab, (self.lists[tab].model.total, self.lists[tab].model.unfiltered)))
            widget.total_changed.connect(self._start_recount)
            widget.redraws = RedrawWhenSeen(widget, hub, lambda changes, shown=widget: self._redraw(shown, changes))
            widget.model.failed.connect(widget.redraws.read_failed)  # read again when the database answers
            widget.table.viewport().installEventFilter(self)  # its first paint starts its first read
            self.lists.append(widget)
            self.addTab(widget, view.title)
        self.row_actions.item_requested.connect(self.item_requested)
        hub.changed.connect(self._recount_hidden)
        self._unread = set(range(len(self.lists)))  # tabs whose rows are read when next shown
        self._counted = False  # whether the first counts of the lists behind have been asked for

    def reload(self) -> None:
        """Read again the list on screen, and the counts of the others, which read their rows when
        next shown (F5)."""
        shown = self.currentIndex()
        self._unread = set(range(len(self.lists))) - {shown}
        self.lists[shown].reload()
        self._recount(sorted(self._unread))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and (self.currentIndex() in self._unread or not self._counted):
            QTimer.singleShot(0, self, self._read_shown)  # once painted: the window shows before anything is read
        return False

    def _read_shown(self) -> None:
        """The list on screen reads its rows if it has not yet; the first time, the others are counted."""
        shown = self.currentIndex()
        if shown in self._unread:
            self._unread.discard(shown)
            self.lists[shown].reload()
        if not self._counted:
            self._counted = True
            self._recount([tab for tab in range(len(self.lists)) if tab != shown])

    def save_layout(self) -> None:
        for widget in self.lists:
            widget.save_layout()

    def titles(self) -> list[str]:
        return [self.tabText(index) for index in range(self.count())]

    def list_for(self, key: str):
        return next(widget for widget in self.lists if widget.view.key == key)

    def _redraw(self, widget: WorklistTable | ListByKind, changes: Changes) -> None:
        if widget.view.reads.concerned(changes, widget.patients_shown()):
            self._unread.discard(self.lists.index(widget))
            widget.reload()

    def _recount_hidden(self, changes: Changes) -> None:
        self._recount([tab for tab, widget in enumerate(self.lists)
                       if not widget.isVisible() and widget.view.reads.concerned(changes, widget.patients_shown())])

    def _recount(self, tabs: list[int]) -> None:
        """The counts of the lists behind other tabs, read one after the other on one thread of
        their own once the list on screen has its rows: read beside them, they would slow it down
        (the two threads take turns at the one Python interpreter and the one database file)."""
        if not tabs:
            return
        self._recount_waiting = tabs
        shown = self.currentWidget()
        if not shown.isVisible() or shown.is_read():
            QTimer.singleShot(0, self, self._start_recount)  # once the list on screen has painted
        # otherwise started when the list on screen shows its rows (total_changed)

    def _start_recount(self) -> None:
        if self._recount_waiting is None:
            return
        hidden = [(tab, self.lists[tab].count) for tab in self._recount_waiting]
        self._recount_waiting = None
        self._recounting.run(lambda: [(tab, count()) for tab, count in hidden], self._show_hidden_totals,
                             lambda _reason: None)  # the counts shown stay; a list says why when it is chosen

    def _show_hidden_totals(self, totals: list[tuple[int, tuple[int, int | None]]]) -> None:
        for tab, total in totals:
            if not self.lists[tab].isVisible():  # one shown meanwhile has redrawn with its own count
                self._show_total(tab, total)

    def _show_total(self, tab: int, counted: tuple[int, int | None]) -> None:
        """"To book (340)", or "To book (12 of 340)" while its filter is on."""
        total, unfiltered = counted
        self.setTabText(tab, f"{self.lists[tab].view.title} ({total}" + (f" of {unfiltered})" if unfiltered is not None
                                                                          else ")"))


def filter_for_screenshot(panel: WorklistsPanel, actor: Actor) -> None:
    """The role's first list filtered by the start of its first patient's family name (for a picture)."""
    shown = panel.lists[0]
    first = shown.view.fetch(actor, 0, 1, "").rows
    if first:
        getattr(shown, "list", shown).filter.setText(first[0].patient_name.split(",")[0][:3].title())
