"""Printing a letter: its pages drawn at the printer's resolution with pypdfium2.

The stored PDF is what was signed; printing draws those very pages (not a re-rendered
letter), edge to edge, in bands so that memory stays small at any resolution.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.letters.letter_preview import PdfPages

PRINT_DPI_LIMIT = 600  # a 1200 dpi printer gets 600 dpi images, scaled by Qt: a letter, not a photograph
_BAND_ROWS = 1024  # a page is drawn in bands of this many pixel rows, so memory stays small at any dpi


class PrintFailed(ServiceError):
    """Printing could not start or carry on; the message says why, in words (and an Op shows it)."""


def prepare_printer(printer: QPrinter, pages: PdfPages) -> None:
    """The letter's own paper size and orientation, printed edge to edge (its margins are in the PDF)."""
    first = pages.sizes[0]
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(first, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if first.width() > first.height()
                               else QPageLayout.Orientation.Portrait)


def pages_to_print(printer: QPrinter, count: int, current_page: int) -> list[int]:
    """Page indexes in the order they go to the printer: range, order, copies and collation as chosen."""
    chosen = printer.printRange()
    if chosen == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current_page, 1), count) - 1]
    elif chosen == QPrinter.PrintRange.PageRange and not printer.pageRanges().isEmpty():
        ranges = printer.pageRanges()
        pages = [index for index in range(count) if ranges.contains(index + 1)]
    else:
        pages = list(range(count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)  # else the driver copies
    if printer.collateCopies():
        return pages * copies
    return [index for index in pages for _ in range(copies)]


def print_pages(pages: PdfPages, printer: QPrinter, current_page: int = 1, *,
                dpi_limit: int = PRINT_DPI_LIMIT) -> int:
    """Draw the chosen pages onto ``printer``; returns how many sheets were printed.

    A page takes ~0.4 s at 600 dpi (mostly Qt compressing the image for the print job)
    and ~0.1 s at 300 dpi: a long batch may choose the lower ``dpi_limit``.
    """
    order = pages_to_print(printer, len(pages), current_page)
    if not order:
        raise PrintFailed("none of the letter's pages is in the range chosen")
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed("the printer could not be started")
    try:
        for sheet, index in enumerate(order):
            if sheet and not printer.newPage():
                raise PrintFailed(f"the printer stopped after {sheet} page{'s' if sheet > 1 else ''}")
            _draw_for_print(painter, pages, index, printer, dpi_limit)
    finally:
        finished = painter.end()
    if not finished or printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintFailed("the printer did not accept the job")
    return len(order)


def _draw_for_print(painter: QPainter, pages: PdfPages, index: int, printer: QPrinter, dpi_limit: int) -> None:
    """One page at its real size (shrunk only to fit other paper), centred across, from the top."""
    dpi = printer.resolution()
    paper = printer.pageLayout().fullRectPixels(dpi)
    size = pages.sizes[index]
    device_per_point = dpi / 72 * min(1.0, paper.width() / (size.width() * dpi / 72),
                                      paper.height() / (size.height() * dpi / 72))
    scale = min(dpi, dpi_limit) / 72 * device_per_point / (dpi / 72)  # image pixels a point
    stretch = device_per_point / scale  # device pixels an image pixel
    left = (paper.width() - size.width() * device_per_point) / 2
    rows = math.ceil(size.height() * scale)
    for top in range(0, rows, _BAND_ROWS):
        bottom = min(top + _BAND_ROWS, rows)
        band = pages.image(index, scale, top / scale, bottom / scale)
        painter.drawImage(QRectF(left, top * stretch, band.width() * stretch, (bottom - top) * stretch), band,
                          QRectF(0, 0, band.width(), bottom - top))
