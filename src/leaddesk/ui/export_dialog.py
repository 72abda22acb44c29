"""The Export dialog: exactly the current filter (or the selected messages) to a CSV the CRM takes.

The export streams in a worker with a progress bar and a Cancel button; the file appears only
when it is complete. Each page builds the dialog for what it shows (:func:`run_export` opens it
and reports where the file went in the window's status bar).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QWidget,
)

from leaddesk import export
from leaddesk.export import ExportOptions, ExportResult, Format, Per, PresetStore, presets
from leaddesk.progress import CancelToken
from leaddesk.query import Filter

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import NetOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.sync_controller import SignalReporter


class ExportDialog(QDialog):
    def __init__(self, ctx: AppContext, flt: Filter, *, what: str,
                 count: int | None, per_lead: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.flt = flt
        self.cancel_token: CancelToken | None = None
        self.outcome: ExportResult | None = None
        self.setWindowTitle("Export to CSV")
        form = QFormLayout(self)
        counted = f"{count:,} " if count is not None else ""
        form.addRow(PlainLabel(f"Exports {counted}{what}, exactly as the page filters them."))
        self.preset = QComboBox()
        names = [*presets.BUILTIN, *(p.name for p in PresetStore().all())]
        for name in dict.fromkeys(names):
            self.preset.addItem(name)
        self.preset.setCurrentText("generic")
        form.addRow("Preset", self.preset)
        self.per = QComboBox()
        self.per.addItem("One row per message", Per.SUBMISSION)
        self.per.addItem("One row per lead (contact)", Per.LEAD)
        form.addRow("Rows", self.per)
        if per_lead:
            self.per.setCurrentIndex(1)
        self.format = QComboBox()
        self.format.addItem("CSV for Excel (UTF-8 with BOM)", (Format.CSV, "utf-8-sig"))
        self.format.addItem("CSV, plain UTF-8", (Format.CSV, "utf-8"))
        self.format.addItem("JSON Lines (for scripts)", (Format.JSONL, "utf-8"))
        form.addRow("Format", self.format)
        self.delimiter = QComboBox()
        self.delimiter.addItem("Comma ,", ",")
        self.delimiter.addItem("Semicolon ; (European Excel)", ";")
        form.addRow("Delimiter", self.delimiter)
        self.preset.currentTextChanged.connect(self._preset_chosen)
        path_row = QHBoxLayout()
        self.path = QLineEdit(str(Path.home() / "leads.csv"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("File", path_row)
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = PlainLabel()
        self.status.setWordWrap(True)
        form.addRow(self.progress)
        form.addRow(self.status)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self._cancel_or_close)
        form.addRow(self.buttons)

    def _preset_chosen(self, name: str) -> None:
        """Offer the encoding the preset's CRM reads (Salesforce's importers take no BOM)."""
        wanted = presets.resolve(name).encoding or "utf-8-sig"
        for index in range(self.format.count()):
            if self.format.itemData(index) == (Format.CSV, wanted):
                self.format.setCurrentIndex(index)

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                              "CSV (*.csv);;JSON Lines (*.jsonl);;All files (*)")
        if name:
            self.path.setText(name)

    def options(self) -> ExportOptions:
        fmt, encoding = self.format.currentData()
        return ExportOptions(preset=presets.resolve(self.preset.currentText()),
                             per=self.per.currentData(),
                             format=fmt, encoding=encoding, delimiter=self.delimiter.currentData())

    def start(self) -> None:
        token = CancelToken()
        self.cancel_token = token
        reporter = SignalReporter()
        reporter.advanced.connect(self._advanced)
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Exporting…")
        target, options, flt, db = self.path.text(), self.options(), self.flt, self.ctx.db
        # Network pool: a long read streamed to a file must not hold up the database worker.
        (NetOp(self.ctx, lambda: export.export_to_file(db, flt, target, options,
                                                        reporter=reporter, cancel=token),
               parent=self, what="export")
         .success(self._done).failure(self._failed).run_in_background())

    def _advanced(self, done: int, total: object) -> None:
        if isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(f"Exported {done:,} rows…")

    def _done(self, result: ExportResult) -> None:
        self.cancel_token = None
        self.outcome = result
        self.status.setText(f"Exported {result.rows:,} rows to {result.path}.")
        self.accept()

    def _failed(self, exc: BaseException) -> bool:
        self.cancel_token = None
        self.export_button.setEnabled(True)
        self.progress.hide()
        self.status.setText("The export failed; nothing was written.")
        return bool(known_error_in(self.status.setText)(exc))

    def _cancel_or_close(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()  # the worker stops between batches; no partial file stays
        else:
            self.reject()


def run_export(dialog: ExportDialog) -> ExportResult | None:
    """Open ``dialog``; once the file is written, say where in the window's status bar."""
    if not dialog.exec() or dialog.outcome is None:
        return None
    parent = dialog.parentWidget()
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(
            f"Exported {dialog.outcome.rows:,} rows to {dialog.outcome.path}", 8000)
    return dialog.outcome
