"""Reading a letter's pages on screen: pages, page x of y, zoom, keys, and the pages to print."""
from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageRanges
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from clinic_desktop.ui.letters.letter_preview import MARGIN, ZOOM_STEPS, LetterPreview
from clinic_desktop.ui.letters.letter_printing import pages_to_print


def pdf_of(pages: int) -> bytes:
    """A plain A4 PDF whose pages say which they are."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.drawString(72, 760, f"This is page {number} of the letter")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def shown(qtbot, pdf: bytes | None, size=(700, 500)) -> LetterPreview:
    preview = LetterPreview()
    qtbot.addWidget(preview)
    preview.resize(*size)
    preview.show()
    preview.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(preview.isActiveWindow)
    preview.set_pdf(pdf)
    preview.scroll.setFocus()
    return preview


@pytest.mark.parametrize("pages", [1, 2, 3])
def test_every_page_is_laid_out_and_the_first_is_in_view(qtbot, pages):
    preview = shown(qtbot, pdf_of(pages))
    assert preview.page_count() == pages and len(preview.canvas.rects) == pages
    assert preview.page_label.text() == f"Page 1 of {pages}"


def test_page_down_and_page_up_move_a_page_at_a_time(qtbot):
    preview = shown(qtbot, pdf_of(3))
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageDown)
    assert preview.page_label.text() == "Page 2 of 3"
    assert preview.scroll.verticalScrollBar().value() == preview.canvas.rects[1].top() - MARGIN
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageDown)
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageDown)  # no page 4: stays on the last
    assert preview.page_label.text() == "Page 3 of 3" and not preview.buttons["next"].isEnabled()
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageUp)
    assert preview.page_label.text() == "Page 2 of 3"


def test_scrolling_by_hand_updates_the_page_indicator(qtbot):
    preview = shown(qtbot, pdf_of(3))
    preview.scroll.verticalScrollBar().setValue(preview.canvas.rects[2].top())
    assert preview.page_label.text() == "Page 3 of 3"


def test_the_page_in_view_is_told_to_screen_readers_in_words(qtbot):
    preview = shown(qtbot, pdf_of(2))
    assert "This is page 1 of the letter" in preview.scroll.accessibleDescription()
    preview.next_page()
    assert "This is page 2 of the letter" in preview.scroll.accessibleDescription()


def test_the_page_fits_the_width_of_the_view_at_first(qtbot):
    preview = shown(qtbot, pdf_of(1))
    room = preview.scroll.viewport().width() - 2 * MARGIN
    assert preview.fits_width() and room - 3 <= preview.canvas.rects[0].width() <= room
    assert preview.scroll.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways


def test_fit_width_follows_the_window_when_it_is_resized(qtbot):
    preview = shown(qtbot, pdf_of(1))
    narrow = preview.canvas.rects[0].width()
    preview.resize(900, 500)
    qtbot.waitUntil(lambda: preview.canvas.rects[0].width() > narrow + 150)
    assert preview.fits_width()


def test_ctrl_plus_and_minus_zoom_in_steps_and_ctrl_0_fits_the_width_again(qtbot):
    preview = shown(qtbot, pdf_of(1))
    preview.set_zoom(1.0)
    QTest.keyClick(preview.scroll, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom() == 1.1 and preview.zoom_label.text() == "110 %" and not preview.fits_width()
    QTest.keyClick(preview.scroll, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(preview.scroll, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom() == 0.9
    QTest.keyClick(preview.scroll, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert preview.fits_width() and preview.buttons["fit_width"].isChecked()


def test_zoom_stops_at_its_largest_step(qtbot):
    preview = shown(qtbot, pdf_of(1))
    for _ in range(len(ZOOM_STEPS) + 2):
        preview.zoom_in()
    assert preview.zoom() == ZOOM_STEPS[-1] and not preview.buttons["zoom_in"].isEnabled()


def test_zooming_keeps_the_same_page_in_view(qtbot):
    preview = shown(qtbot, pdf_of(3))
    preview.go_to_page(2)
    preview.set_zoom(2.0)
    assert preview.page_label.text() == "Page 2 of 3"
    top = preview.scroll.verticalScrollBar().value()
    assert preview.canvas.rects[1].top() - MARGIN <= top < preview.canvas.rects[1].bottom()


def test_only_the_pages_in_view_are_drawn(qtbot):
    preview = shown(qtbot, pdf_of(3), size=(500, 300))
    qtbot.waitUntil(lambda: preview.canvas.rendered >= 1)
    assert preview.canvas.rendered == 1
    preview.go_to_page(3)
    qtbot.waitUntil(lambda: preview.canvas.rendered == 2)
    preview.go_to_page(1)
    QTest.qWait(50)
    assert preview.canvas.rendered == 2  # page 1 at this zoom was kept


def test_bytes_that_are_not_a_pdf_show_a_sentence_instead_of_pages(qtbot):
    preview = shown(qtbot, b"%PDF-1.4 this is not really a letter")
    assert preview.page_count() == 0 and preview.stack.currentWidget() is preview.message
    assert preview.message.text().startswith("⚠ The letter could not be read as a PDF")
    assert preview.page_label.text() == "No pages"


def printer_for(pages_chosen: str | None = None, copies: int = 1, collate: bool = True) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    if pages_chosen:
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setPageRanges(QPageRanges.fromString(pages_chosen))
    printer.setCopyCount(copies)
    printer.setCollateCopies(collate)
    return printer


@pytest.mark.parametrize("chosen, copies, collate, expected", [
    (None, 1, True, [0, 1, 2]),
    ("2-3", 1, True, [1, 2]),
    ("1,3", 2, True, [0, 2, 0, 2]),
    ("1,3", 2, False, [0, 0, 2, 2]),
    ("5", 1, True, []),
])
def test_the_pages_printed_follow_the_range_copies_and_collation_chosen(chosen, copies, collate, expected, qapp):
    assert pages_to_print(printer_for(chosen, copies, collate), 3, current_page=1) == expected


def test_print_current_page_prints_the_page_in_view(qapp):
    printer = printer_for()
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert pages_to_print(printer, 3, current_page=2) == [1]
