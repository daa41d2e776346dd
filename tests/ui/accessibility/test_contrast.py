"""Every colour the app draws meets WCAG 2.2 AA contrast in the light and the dark palette
(1.4.3: text 4.5:1; 1.4.11: the parts of a control and a chart's marks 3:1), and the focus ring
is there to see (2.4.7). The ratios are computed (ui/widgets/contrast.py), from palette.py's own
tables and from what the real models of a demo clinic return for their cells, so a colour
added later is checked too.

Three palettes: Fusion's light one (what the tests run in), Fusion's dark one (Qt's own values
for a dark desktop) and KDE Breeze Dark (palette.dark_palette) — each with the app's selection
colour laid on it as application() does.
"""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from window_pages import pages

from clinic_desktop.services.admin import users
from clinic_desktop.ui.book import book_shades
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.app import use_palette
from clinic_desktop.ui.widgets import palette as app_colours
from clinic_desktop.ui.widgets.contrast import NON_TEXT, TEXT, contrast_ratio
from clinic_desktop.ui.widgets.focus_ring import FocusRingStyle
from clinic_desktop.ui.widgets.tables import read_only_table

Role = QPalette.ColorRole
ATTENTION = tuple(app_colours._ON_LIGHT)


def fusion_dark() -> QPalette:
    """Qt's Fusion palette for a dark desktop (qfusionstyle.cpp, qt_fusionPalette(true))."""
    window, text, base = QColor(50, 50, 50), QColor(240, 240, 240), QColor(50, 50, 50).darker(140)
    palette = QPalette(text, window, window.lighter(150), window.darker(150), window.darker(130), text, base)
    palette.setColor(Role.AlternateBase, base.lighter(110))
    palette.setColor(Role.Highlight, QColor(48, 140, 198))
    palette.setColor(Role.HighlightedText, text)
    palette.setColor(QPalette.ColorGroup.Disabled, Role.Text, QColor(130, 130, 130))
    return palette


@pytest.fixture(scope="module")
def desktop_light():
    return QPalette(QApplication.instance().palette())


@pytest.fixture(params=["light", "fusion-dark", "breeze-dark"])
def desktop(request, qapp, desktop_light):
    """The app as application() starts it on that desktop; back to the tests' own palette after."""
    before = QPalette(qapp.palette())
    given = {"light": desktop_light, "fusion-dark": fusion_dark(), "breeze-dark": app_colours.dark_palette()}
    use_palette(qapp, QPalette(given[request.param]))
    yield request.param
    qapp.setPalette(before)


def colour(role: Role, group=QPalette.ColorGroup.Active) -> QColor:
    return QApplication.palette().color(group, role)


def test_the_dark_palettes_are_seen_as_dark(desktop):
    assert app_colours.is_dark() == (desktop != "light")


@pytest.mark.parametrize("group", [QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive])
def test_a_selected_rows_text_reads_on_the_selection(desktop, group):
    """The desktops' own blue under white is 3.7:1 (Fusion) and 2.5:1 (Breeze Dark)."""
    ratio = contrast_ratio(colour(Role.HighlightedText, group), colour(Role.Highlight, group))
    assert ratio >= TEXT, f"{ratio:.2f}:1"


def test_the_selection_keeps_the_desktops_hue(desktop, desktop_light):
    given = {"light": desktop_light, "fusion-dark": fusion_dark(), "breeze-dark": app_colours.dark_palette()}
    desktops = given[desktop].color(Role.Highlight)
    assert abs(colour(Role.Highlight).hslHue() - desktops.hslHue()) <= 2


@pytest.mark.parametrize("kind", ATTENTION)
@pytest.mark.parametrize("row", [Role.Base, Role.AlternateBase, Role.Window])
def test_each_attention_colour_reads_on_rows_and_windows(desktop, kind, row):
    ratio = contrast_ratio(app_colours.attention_colour(kind), colour(row))
    assert ratio >= TEXT, f"{kind} on {row.name}: {ratio:.2f}:1"


@pytest.mark.parametrize("kind", ["urgent", "info", "done"])
def test_each_banner_reads_and_stands_out(desktop, kind):
    banners = app_colours._BANNERS_DARK if app_colours.is_dark() else app_colours._BANNERS_LIGHT
    background, text, border = (QColor(name) for name in banners[kind])
    assert contrast_ratio(text, background) >= TEXT
    assert contrast_ratio(border, colour(Role.Window)) >= NON_TEXT  # the banner's edge shows where it is


def test_chart_bars_stand_out_from_the_chart(desktop):
    assert contrast_ratio(app_colours.chart_bar_colour(), colour(Role.Base)) >= NON_TEXT


def _seen(brush: QBrush, behind: QColor) -> QColor:
    """What a brush shows over ``behind``: a hatch's lines laid on it at the hatch's opacity."""
    shade = brush.color()
    share = shade.alphaF()
    return QColor.fromRgbF(*(s * share + b * (1 - share) for s, b in zip(
        (shade.redF(), shade.greenF(), shade.blueF()), (behind.redF(), behind.greenF(), behind.blueF()))))


@pytest.mark.parametrize("shade", ["working_brush", "booked_brush", "off_brush", "away_brush"])
@pytest.mark.parametrize("ink", ["text", *ATTENTION])
def test_the_books_text_reads_on_each_shade(desktop, shade, ink):
    behind = _seen(getattr(book_shades, shade)(), colour(Role.Base))
    text = colour(Role.Text) if ink == "text" else app_colours.attention_colour(ink)
    ratio = contrast_ratio(text, behind)
    assert ratio >= TEXT, f"{ink} on {shade}: {ratio:.2f}:1"


# --- the colours the real lists give their cells, over a demo clinic -------------------------

def _cells(view) -> list[tuple[str, QColor | None, QBrush | None, int]]:
    """(text, its colour, its background, row) of the first rows of a list, as its model gives them."""
    model = view.model()
    found = []
    for row in range(min(model.rowCount(QModelIndex()), 80)):
        column = 0
        while (index := model.index(row, column)).isValid():  # a list model's column count is not public
            column += 1
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text:
                ink = index.data(Qt.ItemDataRole.ForegroundRole)
                found.append((str(text), QBrush(ink).color() if ink is not None else None,
                              index.data(Qt.ItemDataRole.BackgroundRole), row))
    return found


def _views_on_every_page(window) -> list:
    from PySide6.QtWidgets import QAbstractItemView

    seen = []
    pages(window, lambda _path: seen.extend(view for view in window.findChildren(QAbstractItemView)
                                             if view.isVisible() and view not in seen))
    return seen


def _failures(views) -> list[str]:
    failures = []
    for view in views:
        for text, ink, background, row in _cells(view):
            ink = ink or colour(Role.Text)
            base = colour(Role.AlternateBase if view.alternatingRowColors() and row % 2 else Role.Base)
            behind = _seen(background, base) if isinstance(background, QBrush) else base
            ratio = contrast_ratio(ink, behind)
            if ratio < TEXT:
                failures.append(f"{view.accessibleName()}: {text!r} {ink.name()} on {behind.name()} {ratio:.2f}:1")
    return failures


@pytest.mark.parametrize("name", ["worklists-manager", "appointment-book", "patient"])
def test_every_cell_of_every_list_reads_in_each_palette(qtbot, open_view, desktop_light, name):
    """Each window's lists on all its pages, read in all three palettes: the colour a model
    gives follows the palette at the moment it is asked for."""
    window = open_view(name)
    window.show()
    qtbot.waitExposed(window)
    Op.settle()
    views = _views_on_every_page(window)
    assert any(_cells(view) for view in views)
    app = QApplication.instance()
    failures = []
    for given in (desktop_light, fusion_dark(), app_colours.dark_palette()):
        use_palette(app, QPalette(given))
        failures += _failures(views)
    app.setPalette(desktop_light)
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_an_inactive_users_name_is_greyed_but_readable(qtbot, open_view):
    manager = users.first_active_user("practice_manager")
    receptionist = users.first_active_user("receptionist")
    users.deactivate_user(manager, receptionist.user_id)
    window = open_view("administration")
    window.show()
    Op.settle()
    colours = {}
    for view in _views_on_every_page(window):
        for text, ink, _background, _row in _cells(view):
            colours[text] = ink
    assert colours[receptionist.full_name] is not None  # set apart from the active users ...
    assert contrast_ratio(colours[receptionist.full_name], colour(Role.Base)) >= TEXT  # ... and readable


# --- drawn: a selected coloured cell, and the focus ring -------------------------------------

def _image(widget: QWidget) -> QImage:
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _pixels(image: QImage, left=0, top=0, right=None, bottom=None) -> list[QColor]:
    right = image.width() if right is None else right
    bottom = image.height() if bottom is None else bottom
    return [image.pixelColor(x, y) for x in range(left, right) for y in range(top, bottom)]


@pytest.fixture
def app_style(qapp):
    """The style application() sets; the tests' own after."""
    before = qapp.style().name()
    qapp.setStyle(FocusRingStyle(before))
    yield
    qapp.setStyle(before)


def test_an_urgent_cell_on_a_selected_row_is_drawn_in_the_selections_text_colour(qtbot, desktop, app_style):
    model = QStandardItemModel(2, 1)
    for row in range(2):
        cell = QStandardItem("URGENT · 1 d")
        cell.setForeground(app_colours.attention_colour("urgent"))
        model.setItem(row, 0, cell)
    table = read_only_table(model, "Urgent list")
    qtbot.addWidget(table)
    table.resize(300, 120)
    table.selectRow(0)
    table.show()
    qtbot.waitExposed(table)
    place = table.visualRect(model.index(0, 0)).translated(table.viewport().pos())
    drawn = _pixels(_image(table), place.left() + 4, place.top() + 3, place.right() - 4, place.bottom() - 3)
    highlight = colour(Role.Highlight)
    text = max(drawn, key=lambda pixel: contrast_ratio(pixel, highlight))
    assert contrast_ratio(text, highlight) >= TEXT, f"{text.name()} on {highlight.name()}"


def _focused(qtbot, widget: QWidget, holder: QWidget) -> QImage:
    """``widget`` drawn once it has the keyboard's focus."""
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    return _image(widget)


@pytest.mark.parametrize("kind", ["push button", "tool button", "line edit", "table cell", "drop-down list",
                                  "check box", "spin box"])
def test_the_focus_ring_is_strong_on_every_control(qtbot, desktop, app_style, kind):
    holder = QWidget()
    qtbot.addWidget(holder)
    other = QPushButton("Elsewhere")
    if kind == "table cell":
        model = QStandardItemModel(3, 2)
        for row in range(3):
            model.setItem(row, 0, QStandardItem(f"Patient {row}"))
        widget = read_only_table(model, "Patients")
    else:
        widget = {"push button": QPushButton("Book"), "tool button": QToolButton(), "line edit": QLineEdit("Jane"),
                  "drop-down list": QComboBox(), "check box": QCheckBox("Day view"), "spin box": QSpinBox()}[kind]
        if kind == "drop-down list":
            widget.addItems(["Dr Alys Jones", "Sam O'Connor"])
        if kind == "tool button":
            widget.setText("Discharge")
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    layout = QVBoxLayout(holder)
    layout.addWidget(widget)
    layout.addWidget(other)
    if kind == "table cell":
        widget.setCurrentIndex(model.index(1, 1))  # a cell of an unselected look: the ring alone shows it
        widget.selectionModel().clearSelection()
    ring = app_colours.focus_colour(QApplication.palette())
    assert contrast_ratio(ring, colour(Role.Window)) >= NON_TEXT
    assert contrast_ratio(ring, colour(Role.Base)) >= NON_TEXT
    unfocused = sum(pixel.rgb() == ring.rgb() for pixel in _pixels(_image(widget)))
    focused = sum(pixel.rgb() == ring.rgb() for pixel in _pixels(_focused(qtbot, widget, holder)))
    assert focused - unfocused >= 2 * 40, f"{focused - unfocused} pixels of the ring drawn"  # 2 px round 40 px or more
