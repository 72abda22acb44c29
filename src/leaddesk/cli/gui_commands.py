"""`leaddesk` / `leaddesk gui`: open the desktop window (Qt is imported only here, lazily)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TYPE_CHECKING

from leaddesk.cli.context import Context
from leaddesk.errors import LeadDeskError

if TYPE_CHECKING:
    from leaddesk.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gui", help="open the desktop window (the default command)")
    p.set_defaults(handler=run_gui)


def check_display() -> None:
    """Qt aborts the process without a display; say so in one line instead."""
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            or os.environ.get("QT_QPA_PLATFORM")):
        raise LeadDeskError("no display to open the window on (DISPLAY is not set); run LeadDesk "
                            "in a desktop session, or use the command line: `leaddesk list`")


def open_window(db: Database, *, title_suffix: str = "") -> int:
    check_display()
    from leaddesk.ui.app import run  # the only place the CLI reaches into the UI
    return run(db, title_suffix=title_suffix)


def run_gui(args: argparse.Namespace, ctx: Context) -> int:
    check_display()
    # No cyclic garbage collection while the app imports and builds its window: its passes over
    # the growing heap (SQLAlchemy, Qt, the UI) cost 90-190 ms of the start, and little of what
    # is made then is garbage. ``leaddesk.ui.app.show_window`` turns it back on.
    gc.disable()
    try:
        return open_window(ctx.database())
    finally:
        gc.enable()
