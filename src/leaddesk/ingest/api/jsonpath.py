"""A tiny path resolver for the generic JSON source: ``data.items``, ``contact.email``,
``answers[0].text``, ``links.next``.

A library (jsonpath-ng and friends) would bring a parser generator for filters and wildcards that a
field mapping never needs; dotted keys with list indexes cover every documented form API, and a
path that resolves to nothing gives None rather than an exception, because untrusted records are
often incomplete.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from leaddesk.errors import ValidationError

_STEP = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]")


@lru_cache(maxsize=512)
def compile_path(path: str) -> tuple[str | int, ...]:
    """The steps of ``path``: keys (str) and list indexes (int). ``""`` or ``"$"`` is the root."""
    text = path.strip()
    if text in ("", "$"):
        return ()
    text = text.removeprefix("$.").removeprefix("$")
    steps: list[str | int] = []
    position = 0
    while position < len(text):
        if text[position] == "." and steps:
            position += 1
        match = _STEP.match(text, position)
        if match is None:
            raise ValidationError(f"cannot read the JSON path {path!r} at character {position + 1}: "
                                  f"use keys with dots and [n] for list items, like data.items[0].email")
        key, index, quoted, single = match.groups()
        steps.append(int(index) if index is not None else (key or quoted or single or ""))
        position = match.end()
    return tuple(steps)


def resolve(document: Any, path: str) -> Any:
    """The value at ``path`` in ``document``, or None when any step is missing."""
    current = document
    for step in compile_path(path):
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return None
            current = current[step]
        elif isinstance(current, dict):
            current = current.get(step)
        else:
            return None
        if current is None:
            return None
    return current
