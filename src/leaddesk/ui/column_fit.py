"""Columns that fit their table: no horizontal scrollbar, widths the user chose kept and remembered.

One column takes the slack (Qt's Stretch mode). The others keep the width the user gave them;
when the table is too narrow for all of them, they shrink for the moment in proportion, never
below a minimum that keeps a date or a badge whole, and the least needed columns step aside
when even that does not fit. What the user dragged ("preferred") is what is saved and restored,
never a squeezed width, so a narrow moment does not shrink the columns for good.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

SAVE_AFTER_MS = 400  # one write after a drag, not one per pixel


class ColumnFit(QObject):
    def __init__(self, view: QTableView, *, stretch: int, preferred: Sequence[int],
                 minimums: Sequence[int], optional: Sequence[tuple[int, int]] = (),
                 save: Callable[[list[int]], None] | None = None) -> None:
        """``optional``: (column, room) pairs, in the order they step aside: a column stays
        only while the minimums of those shown leave it ``room`` pixels to spare. The stretching
        column may be the last of them; the first column then takes the slack."""
        super().__init__(view)
        self.view = view
        self.header: QHeaderView = view.horizontalHeader()
        self.stretch = stretch
        self.minimums = list(minimums)
        self.preferred = [max(w, m) for w, m in zip(preferred, self.minimums, strict=True)]
        self.optional = list(optional)
        self.stepped_aside: set[int] = set()
        self._fitting = False
        self._save = save
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self.save_now)
        self.header.setStretchLastSection(False)
        self.header.setMinimumSectionSize(min(self.minimums))
        for column in range(len(self.preferred)):
            mode = (QHeaderView.ResizeMode.Stretch if column == stretch
                    else QHeaderView.ResizeMode.Interactive)
            self.header.setSectionResizeMode(column, mode)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header.sectionResized.connect(self._resized)
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting or column == self.stretch:
            return
        self.preferred[column] = max(new, self.minimums[column])  # the user dragged it
        if self._save is not None:
            self._save_timer.start()
        QTimer.singleShot(0, self.fit)  # a drag past the edge gives way again

    def save_now(self) -> None:
        self._save_timer.stop()
        if self._save is not None:
            self._save(list(self.preferred))

    def widths(self, available: int) -> dict[int, int]:
        """The width of each shown column but the stretching one, for ``available`` pixels."""
        shown = [c for c in range(len(self.preferred))
                 if c != self.stretch and c not in self.stepped_aside]
        stretching = self.stretch not in self.stepped_aside
        stretch_least = self.minimums[self.stretch] if stretching else 0
        room = available - stretch_least
        want = sum(self.preferred[c] for c in shown)
        if want <= room:
            widths = {c: self.preferred[c] for c in shown}
            if not stretching and shown:  # the first column takes the slack in its place
                widths[shown[0]] += room - want
            return widths
        floor = sum(self.minimums[c] for c in shown)
        if floor > room:
            # Narrower than every minimum: all shrink alike and elide, rather than run off the
            # right edge where nobody sees them.
            scale = max(room, 0) / (floor + stretch_least) if floor else 0.0
            return {c: max(int(self.minimums[c] * scale), 16) for c in shown}
        spare = sum(self.preferred[c] - self.minimums[c] for c in shown)
        share = (room - floor) / spare if spare else 0.0
        return {c: self.minimums[c] + int((self.preferred[c] - self.minimums[c]) * share)
                for c in shown}

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            available = self.view.viewport().width()
            self._step_aside(available)
            for column, width in self.widths(available).items():
                if self.header.sectionSize(column) != width:
                    self.header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _step_aside(self, available: int) -> None:
        """Hide the optional columns the minimums leave no room for; bring them back when
        there is room again."""
        aside: set[int] = set()
        needed = sum(self.minimums)
        for column, room in self.optional:
            if needed + room <= available:
                break
            aside.add(column)
            needed -= self.minimums[column]
        for column in aside ^ self.stepped_aside:
            self.view.setColumnHidden(column, column in aside)
        self.stepped_aside = aside
