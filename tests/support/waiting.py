"""Waiting for a condition with a deadline (never a fixed sleep to synchronise)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def until(check: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Poll ``check`` every 0.1 s until it holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def finishes_within(call: Callable[[], object], seconds: float) -> tuple[bool, object, float]:
    """Run ``call`` on a thread of its own and wait at most ``seconds`` for it: (whether it
    finished, what it returned or raised, the seconds it took). A call that hangs is left
    running (a daemon thread) for the test to end by closing its server."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    took = time.monotonic() - started
    return (True, outcome[0], took) if outcome else (False, None, took)
