"""What the parser works out once per value that repeats from message to message.

A site's notifications repeat their labels, From and To headers and home page in every message:
a value's reading is kept (bounded, least recently used dropped) and reused. Longer values are
read each time and never kept, so a line of prose or a hostile header cannot fill the memory.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _CacheInfo, lru_cache, wraps
from typing import Protocol, TypeVar, cast

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class PerValue(Protocol[T_co]):
    """A function of one string whose answers are kept per value up to ``longest`` characters."""

    longest: int

    def __call__(self, value: str, /) -> T_co: ...

    def cache_info(self) -> _CacheInfo: ...


def per_value(longest: int, maxsize: int = 4096) -> Callable[[Callable[[str], T]], PerValue[T]]:
    """Keep the decorated function's answer per value (at most ``maxsize`` values, each of at
    most ``longest`` characters); callers must not change an answer (a tuple, a string, a bool)."""
    def wrap(function: Callable[[str], T]) -> PerValue[T]:
        kept = lru_cache(maxsize=maxsize)(function)

        # A plain function, not an object's __call__: it runs several times per message.
        @wraps(function)
        def read(value: str) -> T:
            return kept(value) if len(value) <= longest else function(value)
        read.longest = longest  # type: ignore[attr-defined]
        read.cache_info = kept.cache_info  # type: ignore[attr-defined]
        return cast("PerValue[T]", read)
    return wrap
