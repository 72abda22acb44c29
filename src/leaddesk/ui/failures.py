"""The default failure path of every operation: nothing fails silently, nothing is swallowed.

A known LeadDesk error (:class:`leaddesk.errors.LeadDeskError`: its message already says what
happened and what to do) becomes the window's banner. Anything else is a bug or a surprise: its
traceback is logged at ERROR (so ``leaddesk -v gui`` and the log file show it) and a dialog says
the action was not completed, with the details one click away.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from leaddesk.errors import LeadDeskError

from leaddesk.ui.safe_text import without_overrides

log = logging.getLogger(__name__)


def details(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)).rstrip()


class Failures(QObject):
    """Shows failures: ``banner_requested`` for known errors, a dialog for the rest."""

    banner_requested = Signal(str, str)  # text, kind ("error", "warning", "info")
    dialog_shown = Signal(object)  # the QMessageBox, for tests

    def report(self, exc: BaseException, parent: QWidget | None = None, *,
               what: str = "") -> None:
        if isinstance(exc, LeadDeskError):
            log.info("%s: %s", what or "action failed", exc)
            self.banner_requested.emit(str(exc), "error")
            return
        log.error("%s failed unexpectedly:\n%s", what or "an action", details(exc))
        box = QMessageBox(QMessageBox.Icon.Critical, "LeadDesk", without_overrides(
                          f"Something went wrong{f' ({what})' if what else ''}: {exc}\n\n"
                          f"Your data is safe; the action was not completed. The details below "
                          f"are also in the log (`leaddesk -v gui` shows them)."), parent=parent)
        box.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote a visitor's words
        box.setDetailedText(details(exc))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): a failure never blocks the event loop (or a test)
        self.dialog_shown.emit(box)

    def background(self, exc: BaseException, what: str) -> None:
        """A failure of work the user did not start (post lookups): a warning banner, never a
        dialog in the middle of their work; an unexpected one is still logged at ERROR."""
        if not isinstance(exc, LeadDeskError):
            log.error("%s failed unexpectedly:\n%s", what, details(exc))
        self.banner_requested.emit(f"{what[:1].upper()}{what[1:]} failed: {exc}. It is tried "
                                   f"again later; `leaddesk -v gui` shows the details.", "warning")
