"""The workaround for PySide6's Signal.emit() reference bug keeps a long session alive."""

from __future__ import annotations

import subprocess
import sys


def test_thousands_of_emits_do_not_abort_the_interpreter() -> None:
    # A fresh interpreter: the bug shows as an abort (bool_dealloc), at the latest at shutdown.
    code = ("import leaddesk.ui\n"
            "from PySide6.QtCore import QCoreApplication, QObject, Signal\n"
            "class Emitter(QObject):\n"
            "    fired = Signal(str)\n"
            "app = QCoreApplication([])\n"
            "emitter = Emitter()\n"
            "for _ in range(20_000):\n"
            "    emitter.fired.emit('x')\n"
            "print('alive')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "alive"
