"""A letter's PDF shown as its pages, drawn by pdfium at the zoom in use, and printed the same way.

QtPdf's QPdfView froze for seconds in its fit-to-width zoom modes, so the pages are drawn
here: pypdfium2 renders a page to a QImage at the exact scale on screen (a 1–3 page
letter takes a few milliseconds a page), only when the page is painted, and the image is
kept for that page and scale. Fit-to-width is worked out from the viewport width.

Building a letter's PDF takes 40–50 ms warm and about 240 ms the first time in a session
(reportlab and its fonts loading), so ``draw()`` builds it off the window's thread and
shows it when it arrives; only the latest request is shown.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Callable

from PySide6.QtCore import QEvent, QRect, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.page_stacks import name_pages

SCREEN_PIXELS_PER_POINT = 96 / 72  # 100 %: the paper's real size on a 96 dpi screen
ZOOM_STEPS = (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
MARGIN = 12  # around and between the pages, in screen pixels
_SHARPEST = 5.5  # image pixels a point at most (~400 dpi): ~70 ms and ~60 MB an A4 page; beyond, Qt scales up
_CACHE_BYTES = 128 * 1024 * 1024  # page images kept, least recently painted dropped first
_FIT_LIMITS = (0.25, ZOOM_STEPS[-1])


class LetterNotReadable(ValueError):
    """The bytes are not a PDF pdfium can open."""


class PdfPages:
    """An open PDF: the size of each page in points, and a page drawn to a QImage."""

    def __init__(self, pdf: bytes):
        import pypdfium2 as pdfium  # loaded with the first letter shown, not with the window

        try:
            self._document = pdfium.PdfDocument(bytes(pdf))
        except pdfium.PdfiumError:
            raise LetterNotReadable("The letter could not be read as a PDF.") from None
        self.sizes = tuple(QSizeF(*self._document.get_page_size(index)) for index in range(len(self._document)))

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, scale: float, top: float = 0.0, bottom: float | None = None) -> QImage:
        """Page ``index`` at ``scale`` pixels a point; ``top``/``bottom`` (points from the top) give a band."""
        height = self.sizes[index].height()
        bottom = height if bottom is None else bottom
        page = self._document[index]
        try:
            bitmap = page.render(scale=scale, crop=(0, max(height - bottom, 0), 0, max(top, 0)),
                                 may_draw_forms=False, prefer_bgrx=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB32).copy()  # our own copy: the bitmap is freed next
            bitmap.close()
        finally:
            page.close()
        return image

    def text(self, index: int) -> str:
        """The words on page ``index``, for screen readers (the page itself is a picture)."""
        page = self._document[index]
        textpage = page.get_textpage()
        try:
            return textpage.get_text_bounded()
        finally:
            textpage.close()
            page.close()

    def close(self) -> None:
        self._document.close()


class _PageCanvas(QWidget):
    """The pages one above the other, each drawn when it is first painted at a scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pages: PdfPages | None = None
        self.scale = SCREEN_PIXELS_PER_POINT  # screen pixels a point
        self.rects: list[QRect] = []
        self._images: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._cached_bytes = 0
        self.rendered = 0  # pages drawn by pdfium so far (tests see the laziness)

    def show_pages(self, pages: PdfPages | None, scale: float) -> None:
        self.pages = pages
        self._images.clear()
        self._cached_bytes = 0
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.rects = []
        y = MARGIN
        sizes = self.pages.sizes if self.pages else ()
        widest = max((math.ceil(size.width() * scale) for size in sizes), default=0)
        for size in sizes:
            width, height = math.ceil(size.width() * scale), math.ceil(size.height() * scale)
            self.rects.append(QRect(MARGIN + (widest - width) // 2, y, width, height))
            y += height + MARGIN
        self.setFixedSize(widest + 2 * MARGIN, y)
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Mid))
        edge = self.palette().color(QPalette.ColorRole.Shadow)
        for index, rect in enumerate(self.rects):
            if rect.intersects(event.rect()):
                painter.setPen(edge)
                painter.drawRect(rect.adjusted(-1, -1, 0, 0))
                painter.drawImage(rect.topLeft(), self._image(index))
        painter.end()

    def _image(self, index: int) -> QImage:
        key = (index, round(min(self.scale * self.devicePixelRatioF(), _SHARPEST), 4))
        image = self._images.get(key)
        if image is None:
            image = self.pages.image(index, key[1])
            image.setDevicePixelRatio(key[1] / self.scale)  # drawn at the page's size on screen
            self.rendered += 1
            self._images[key] = image
            self._cached_bytes += image.sizeInBytes()
            while self._cached_bytes > _CACHE_BYTES and len(self._images) > 1:
                self._cached_bytes -= self._images.popitem(last=False)[1].sizeInBytes()
        self._images.move_to_end(key)
        return image


class LetterPreview(QWidget):
    """PDF pages to read on screen: scroll, page x of y, zoom in and out, fit to width.

    Keys: Page Up / Page Down (a page), Ctrl+= and Ctrl+- (zoom), Ctrl+0 (fit width).
    ``keys_everywhere`` makes them work anywhere in the window (a dialog whose other
    fields do not use those keys), else only while the preview has the focus.
    """

    page_changed = Signal(int, int)  # the page in view (from 1) and the number of pages

    def __init__(self, parent=None, *, keys_everywhere: bool = False):
        super().__init__(parent)
        self.setAccessibleName("Letter preview")
        self._pages: PdfPages | None = None
        self._zoom = 1.0
        self._fit = True
        self._current = 0
        self._moving = False
        self._drawing = LatestOp(self, "Drawing the letter…")
        self.canvas = _PageCanvas()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # a steady width to fit
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll.setAccessibleName("Letter pages")
        self.scroll.setBackgroundRole(QPalette.ColorRole.Mid)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.scroll.viewport().installEventFilter(self)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setAccessibleDescription("Why the letter is not shown")
        self.stack = QStackedWidget()
        name_pages(self.stack, "The letter, or why it is not shown")
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.message)
        self.page_label = QLabel()
        self.page_label.setAccessibleDescription("Page in view")
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleDescription("Zoom")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("300 %  "))
        context = (Qt.ShortcutContext.WindowShortcut if keys_everywhere
                   else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.buttons = {}
        for name, text, tip, keys, slot in (
                ("previous", "◀", "Previous page (Page Up)", ["PgUp"], self.previous_page),
                ("next", "▶", "Next page (Page Down)", ["PgDown"], self.next_page),
                ("zoom_out", "−", "Zoom out (Ctrl+-)", ["Ctrl+-"], self.zoom_out),
                ("zoom_in", "+", "Zoom in (Ctrl+=)", ["Ctrl+=", "Ctrl++"], self.zoom_in),
                ("fit_width", "Fit width", "Fit the page to the width (Ctrl+0)", ["Ctrl+0"], self.fit_width)):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.clicked.connect(slot)
            button.setCheckable(name == "fit_width")  # shows whether the width is being followed
            self.buttons[name] = button
            shortcut = QShortcut(self)
            shortcut.setContext(context)
            shortcut.setKeys([QKeySequence(key) for key in keys])
            shortcut.activated.connect(slot)
            if name == "next":
                bar.addWidget(self.page_label)
                bar.addWidget(button)
                bar.addStretch(1)
            else:
                bar.addWidget(button)
            if name == "fit_width":
                bar.addWidget(self.zoom_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        chain = [*self.buttons.values(), self.scroll]  # Tab reads the controls above, then the pages
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.buttons["fit_width"].setChecked(True)
        self.set_pdf(None)

    # --- what is shown ---------------------------------------------------------------------

    def set_pdf(self, pdf: bytes | None, message: str = "No letter to show.") -> None:
        """Show the pages of ``pdf`` (the first page at the top); None shows ``message`` instead."""
        if self._pages is not None:
            closing, self._pages = self._pages, None
            self.canvas.show_pages(None, self._scale())
            closing.close()
        if pdf is not None:
            try:
                self._pages = PdfPages(pdf)
                self._current = 0
            except LetterNotReadable as error:
                message = f"⚠ {error}"
        if self._pages is None or not len(self._pages):
            self.show_message(message)
            return
        self.canvas.show_pages(self._pages, self._scale())
        self.stack.setCurrentWidget(self.scroll)
        if self._fit:
            self._apply_fit()
        self.scroll.verticalScrollBar().setValue(0)
        self._set_current(0)

    def draw(self, build: Callable[[], bytes], show: Callable[[bytes], None] | None = None) -> Op:
        """Build a letter off the window's thread, then show it (or ``show(pdf)`` it).

        Until it arrives the pages shown stay (or "Drawing the letter…" when there are none);
        a build asked for later supersedes this one. Why it failed is said in place of the pages.
        """
        if self._pages is None:
            self.show_message("Drawing the letter…")
        return self._drawing.run(build, show or self.set_pdf, lambda text: self.show_message(f"⚠ {sentence(text)}"))

    def wait_until_drawn(self) -> None:
        """Block until the letter asked for is built (a screenshot); it is shown when the event loop next runs."""
        self._drawing.wait()

    def is_drawing(self) -> bool:
        """A letter asked for is still being built: what is shown is not it yet."""
        return self._drawing.is_running()

    def show_message(self, text: str) -> None:
        """A sentence instead of pages (nothing to show, or why the letter could not be shown)."""
        if self._pages is not None:
            self.set_pdf(None, text)
            return
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._set_current(0)

    def page_count(self) -> int:
        return len(self._pages) if self._pages else 0

    def current_page(self) -> int:
        """The page in view, counted from 1 (0 when nothing is shown)."""
        return self._current + 1 if self._pages else 0

    def current_pages(self) -> PdfPages | None:
        return self._pages

    # --- moving between pages --------------------------------------------------------------

    def go_to_page(self, number: int) -> None:
        """Bring page ``number`` (from 1) to the top of the view."""
        if not self._pages:
            return
        index = min(max(number, 1), self.page_count()) - 1
        self._moving = True
        self.scroll.verticalScrollBar().setValue(self.canvas.rects[index].top() - MARGIN)
        self._moving = False
        self._set_current(index)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _scrolled(self, value: int) -> None:
        if self._moving or not self._pages or len(self.canvas.rects) != len(self._pages):
            return  # moved by us, or the pages are being replaced
        top, bottom = value, value + self.scroll.viewport().height()
        shown = [min(rect.bottom(), bottom) - max(rect.top(), top) for rect in self.canvas.rects]
        self._set_current(shown.index(max(shown)))

    def _set_current(self, index: int) -> None:
        self._current = index
        count = self.page_count()
        self.page_label.setText(f"Page {index + 1} of {count}" if count else "No pages")
        self.scroll.setAccessibleDescription(self._pages.text(index) if count else "")
        self.buttons["previous"].setEnabled(count > 0 and index > 0)
        self.buttons["next"].setEnabled(index + 1 < count)
        self.page_changed.emit(self.current_page(), count)

    # --- zoom ------------------------------------------------------------------------------

    def zoom(self) -> float:
        """1.0 is the paper's real size on a 96 dpi screen."""
        return self._zoom

    def fits_width(self) -> bool:
        return self._fit

    def set_zoom(self, zoom: float) -> None:
        self._fit = False
        self._rescale(min(max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS[-1]))

    def zoom_in(self) -> None:
        self.set_zoom(next((step for step in ZOOM_STEPS if step > self._zoom + 0.005), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((step for step in reversed(ZOOM_STEPS) if step < self._zoom - 0.005), ZOOM_STEPS[0]))

    def fit_width(self) -> None:
        self._fit = True
        self.buttons["fit_width"].setChecked(True)
        self._apply_fit()

    def _apply_fit(self) -> None:
        if not self._pages:
            return
        widest = max(size.width() for size in self._pages.sizes)
        room = self.scroll.viewport().width() - 2 * MARGIN - 1  # - 1: pages are whole pixels, rounded up
        zoom = math.floor(room / (widest * SCREEN_PIXELS_PER_POINT) * 1000) / 1000
        self._rescale(min(max(zoom, _FIT_LIMITS[0]), _FIT_LIMITS[1]))

    def _scale(self) -> float:
        return self._zoom * SCREEN_PIXELS_PER_POINT

    def _rescale(self, zoom: float) -> None:
        """Zoom, keeping the same place of the same page at the top of the view."""
        self._zoom = zoom
        self.buttons["fit_width"].setChecked(self._fit)
        self.zoom_label.setText(f"{round(zoom * 100)} %")
        self.buttons["zoom_out"].setEnabled(zoom > ZOOM_STEPS[0] + 0.005)
        self.buttons["zoom_in"].setEnabled(zoom < ZOOM_STEPS[-1] - 0.005)
        if not self._pages or len(self.canvas.rects) != len(self._pages):
            return
        bar = self.scroll.verticalScrollBar()
        old = self.canvas.rects[self._current]
        within = (bar.value() - old.top() + MARGIN) / max(old.height(), 1)
        self.canvas.set_scale(self._scale())
        new = self.canvas.rects[self._current]
        self._moving = True
        bar.setValue(new.top() - MARGIN + round(within * new.height()))
        self._moving = False

    def eventFilter(self, watched, event) -> bool:
        # Nothing may raise in here: PySide ends the process on an exception inside an event filter.
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize and self._fit:
            self._apply_fit()
        return False

    def sizeHint(self) -> QSize:
        return QSize(round(595 * SCREEN_PIXELS_PER_POINT) + 2 * MARGIN + 24, 720)

    def minimumSizeHint(self) -> QSize:
        return QSize(280, 240)
