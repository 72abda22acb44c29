"""Workarounds for bugs of the Qt binding, applied once when the UI package is imported.

PySide6 6.12's ``Signal.emit()`` hands back ``True`` without a reference of its own, so every
emit made from Python drops one reference to ``True``. On Python 3.12 and later ``True`` and
``False`` are immortal and nothing happens; on Python 3.11 a session that emits a few hundred
signals (every finished task, every change on the bus, every repainted page) aborts with
"Fatal Python error: bool_dealloc", at the latest when the interpreter shuts down. Giving the two
singletons a reference count no session can use up makes them immortal the way 3.12 does.
"""

from __future__ import annotations

import ctypes
import sys

# Far more emits than any session makes, far below the counter's limit.
_RESERVE = 1 << 40


def immortal_booleans() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for value in (True, False):
        count = ctypes.c_ssize_t.from_address(id(value))  # ob_refcnt: the first field
        if count.value < _RESERVE:
            count.value += _RESERVE
