"""Latency samples and their percentiles."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    """Latencies of one measured operation, in milliseconds."""

    samples: tuple[float, ...]

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile (p in 0..100): p95 of 30 runs is the 29th fastest."""
        ordered = sorted(self.samples)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def worst(self) -> float:
        return max(self.samples)


@dataclass(frozen=True)
class Measured:
    """Two passes over the same variants: the first meets cold caches, the second is timed."""

    first: Stats
    warm: Stats


def _timed(run: Callable[[int], object], i: int) -> float:
    started = time.perf_counter()
    run(i)
    return (time.perf_counter() - started) * 1000


def measure(run: Callable[[int], object], runs: int) -> Measured:
    """Call ``run(i)`` for i in 0..runs-1 twice; wall-clock milliseconds of each call.

    The first pass warms the caches for every variant (its times are kept as ``first``); the
    second pass gives the figures the report leads with.
    """
    first = tuple(_timed(run, i) for i in range(runs))
    return Measured(first=Stats(first), warm=Stats(tuple(_timed(run, i) for i in range(runs))))
