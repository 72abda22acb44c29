"""A terminal progress bar that implements the core's Reporter protocol.

Drawn on stderr only when it is a terminal and the job lasts long enough to be worth it (about half
a second), so scripts and cron jobs get clean output; failures are always printed, one line each.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

SHOW_AFTER_SECONDS = 0.5
REDRAW_EVERY_SECONDS = 0.1


class ProgressBar:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self.stream.isatty()
        self.what = ""
        self.started_at = 0.0
        self.last_draw = 0.0
        self.drawn = False
        self.failures = 0

    def started(self, what: str, total: int | None) -> None:
        self.what = what
        self.started_at = time.monotonic()

    def progress(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.interactive or now - self.started_at < SHOW_AFTER_SECONDS:
            return
        if now - self.last_draw < REDRAW_EVERY_SECONDS and done != total:
            return
        self.last_draw = now
        self.drawn = True
        self.stream.write("\r" + self.render(done, total, now - self.started_at))
        self.stream.flush()

    def render(self, done: int, total: int | None, elapsed: float) -> str:
        width = shutil.get_terminal_size((80, 20)).columns
        rate = done / elapsed if elapsed > 0 else 0.0
        if total:
            fraction = min(done / total, 1.0)
            label = f" {done:,}/{total:,} ({rate:,.0f}/s)"
            bar_width = max(10, width - len(self.what) - len(label) - 4)
            filled = int(bar_width * fraction)
            return f"{self.what} [{'#' * filled}{'.' * (bar_width - filled)}]{label}"[:width - 1]
        return f"{self.what} {done:,} ({rate:,.0f}/s)"[:width - 1]

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.drawn = False

    def item_failed(self, item: str, reason: str) -> None:
        self.failures += 1
        self._clear()
        self.stream.write(f"leaddesk: {item}: {reason}\n")

    def finished(self, summary: str) -> None:
        self._clear()
        self.stream.write(summary + "\n")
        self.stream.flush()
