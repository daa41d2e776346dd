"""Saving a report: choose the file (PDF or CSV), write it through report_export, say where.

The file picker is a QFileDialog object opened with ``open()`` (never the blocking static
helpers), so the idle lock can hide it with its window. A long list takes seconds to read
and lay out, so the writing runs off the window's thread with a progress dialog and
Cancel (report_export writes the file whole or not at all). The outcome is told in a
non-blocking box: where the file went, or why nothing was written.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from clinic_desktop.services.core import progress
from clinic_desktop.services.reporting import report_export
from clinic_desktop.ui.ops.op import Op

PDF_FILTER = "PDF report (*.pdf)"
CSV_FILTER = "CSV spreadsheet (*.csv)"


def choose_report_file(parent: QWidget, suggested_name: str,
                       write: Callable[[Path, str], report_export.ExportResult]) -> QFileDialog:
    """Ask where to save; ``write(path, "pdf"|"csv")`` runs once a file is chosen."""
    dialog = QFileDialog(parent, "Save report")
    dialog.setObjectName("reportFileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters([PDF_FILTER, CSV_FILTER])
    dialog.setDefaultSuffix("pdf")
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    dialog.setDirectory(folder or str(Path.home()))
    dialog.selectFile(f"{suggested_name}.pdf")
    dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix("csv" if chosen == CSV_FILTER else "pdf"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda name: save_report(parent, Path(name), _format_of(name, dialog), write))
    dialog.open()
    return dialog


def save_report(parent: QWidget, path: Path, file_format: str,
                write: Callable[[Path, str], report_export.ExportResult]) -> Op:
    """Write the report in the background and tell the user where it went (or why not).

    ``write`` runs on the op's thread: it reads the database, never a widget."""
    return (Op(parent, lambda: write(path, file_format), refusal_title="Report not saved")
            .success(lambda result: _tell_saved(parent, result))
            .in_background(f"Saving the report to {path.name}…", cancellable=True))


def _tell_saved(parent: QWidget, result: report_export.ExportResult) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "Report saved", result.message, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("reportSaved")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def list_writer(actor, title: str, columns, fetch_page) -> Callable[[Path, str], report_export.ExportResult]:
    """A ``write`` for any paged list: every row, worded as its columns show it on screen."""

    def write(path: Path, file_format: str) -> report_export.ExportResult:
        rows, offset = [], 0
        while True:
            page = fetch_page(offset, 500)
            rows += [tuple(column.text(row) for column in columns) for row in page.rows]
            offset += len(page.rows)
            if not page.rows or offset >= page.total:
                break
            progress.step(offset, page.total, f"Reading the list: {offset:,} of {page.total:,} rows…")
        return report_export.export_list(actor, path, file_format, title=title,
                                         columns=tuple(column.header for column in columns), rows=tuple(rows))

    return write


def file_stem(title: str) -> str:
    """"Overdue – 2-week review" -> "overdue-2-week-review": a name every file system takes."""
    words = "".join(character if character.isalnum() else " " for character in title.lower()).split()
    return "-".join(words) or "report"


def _format_of(name: str, dialog: QFileDialog) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".pdf", ".csv"):
        return suffix[1:]
    return "csv" if dialog.selectedNameFilter() == CSV_FILTER else "pdf"
