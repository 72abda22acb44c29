"""CSV lines from rows of finished cells: the part of SQLite's fast path that needs no SQLAlchemy.

:mod:`~leaddesk.export.sqlite_csv` has SQLite select every cell as the bytes the general path
would write; this module turns such rows into lines (every cell quoted, RFC 4180 and OWASP, see
:mod:`~leaddesk.export.writer`), puts the split name's parts in place, and registers on a
connection the Python functions the cells' SQL calls. It imports only the standard library and
the cell rules (:mod:`~leaddesk.export.cells`, :mod:`~leaddesk.export.names`), so that the
helper process of a large export (:mod:`~leaddesk.export.sqlite_part`) starts without SQLAlchemy.

Python per row: the split name (a cache per distinct name), one ``join``, one ``count`` of the
double quotes; only a line with more quotes than its separators has its cells' quotes doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from leaddesk.export.cells import neutralise, timestamp
from leaddesk.export.names import split_name

LINE_END = "\r\n"
# SQL functions registered on the connection for the export (prefixed: nothing else defines them).
GUARD, TIME = "leaddesk_neutralise", "leaddesk_timestamp"
# The split name's parts are cells Python writes (name_cells), in this order.
NAME_PARTS = ("first_name", "last_name", "salutation")
RAW_NAME = "raw name"  # selected after the other cells when a layout has a name part
_LINE_END = LINE_END.encode()


@lru_cache(maxsize=8192)  # visitors write again and again, like names.split_name's own cache
def name_cells(name: bytes) -> tuple[bytes, ...]:
    """The name's NAME_PARTS as cells ready to write: guarded, inner quotes doubled, UTF-8."""
    parts = split_name(name.decode())
    return tuple(neutralise(part).replace('"', '""').encode()
                 for part in (parts.first, parts.last, parts.salutation))


def register(connection: Any) -> None:
    """The Python the cells' SQL calls: the one guard and the one timestamp format."""
    functions: dict[str, Callable[[Any], str]] = {
        GUARD: neutralise, TIME: lambda raw: neutralise(timestamp(raw))}
    for sql_name, function in functions.items():
        connection.create_function(sql_name, 1, function, deterministic=True)


@dataclass(frozen=True)
class Plan:
    """How to read an export's rows as finished cells: ``selected`` are the fields SQLite writes,
    in the layout's order, then (when the layout has any of NAME_PARTS) the raw name. ``order``
    puts a row's quoted cells plus its three name cells into the layout's order (None: the
    selected cells are the row as it is)."""

    selected: tuple[str, ...]
    order: Callable[[Sequence[bytes]], Sequence[bytes]] | None
    width: int  # cells in a line
    # When the layout's name parts sit side by side (the generic preset): where they go among
    # the selected cells, and which of name_cells' parts, in order. Two slices and a cached
    # tuple per row cost less than ``order`` over every cell.
    cut: int | None = None
    parts: tuple[int, ...] = ()
    fields: tuple[str, ...] = ()  # the layout's fields, what layout() was given


def layout(fields: tuple[str, ...]) -> Plan:
    """The plan for a layout made only of these fields."""
    selected = tuple(f for f in fields if f not in NAME_PARTS)
    if len(selected) == len(fields):
        return Plan(selected, None, len(fields), fields=fields)
    # A row's cells: the selected ones, the raw name, then name_cells(raw name).
    at = {field: i for i, field in enumerate(selected)}
    at.update((part, len(selected) + 1 + k) for k, part in enumerate(NAME_PARTS))
    indexes = [at[field] for field in fields]
    named = [i for i, field in enumerate(fields) if field in NAME_PARTS]
    side_by_side = named == list(range(named[0], named[0] + len(named)))
    cut = named[0] if side_by_side else None
    parts = tuple(NAME_PARTS.index(fields[i]) for i in named)
    if len(indexes) == 1:  # itemgetter of one index returns the item, not a tuple
        return Plan((*selected, RAW_NAME), lambda cells: (cells[indexes[0]],), 1, cut, parts,
                    fields)
    return Plan((*selected, RAW_NAME), itemgetter(*indexes), len(fields), cut, parts, fields)


def _line_maker(chosen: Plan, between: bytes) -> Callable[[Sequence[Any]], list[bytes]]:
    """A batch's rows joined into lines (each cell as SQLite wrote it, quotes not yet doubled)."""
    order, cut, parts = chosen.order, chosen.cut, chosen.parts
    join = between.join
    if order is None:
        return lambda rows: [join(row) for row in rows]
    if cut is None:
        return lambda rows: [join(order(row + name_cells(row[-1]))) for row in rows]

    @lru_cache(maxsize=8192)
    def named(name: bytes) -> tuple[bytes, ...]:
        every = name_cells(name)
        return tuple(every[k] for k in parts)

    return lambda rows: [join(row[:cut] + named(row[-1]) + row[cut:-1]) for row in rows]


def write_lines(fetch: Callable[[int], Sequence[Any]], write: Callable[[bytes], object],
                chosen: Plan, delimiter: str, batch: int,
                after: Callable[[int], None]) -> int:
    """Write the rows ``fetch(batch)`` hands out (lists of cells as UTF-8 bytes) as CSV lines,
    until it hands out none; ``after(rows so far)`` is called after each batch is written (and
    may raise to stop). The rows written."""
    # Every cell quoted: a line is '"' + the cells joined by '","' + '"' and CRLF (RFC 4180).
    between = ('"' + delimiter + '"').encode()
    next_line, first, last = b'"' + _LINE_END + b'"', b'"', b'"' + _LINE_END
    order = chosen.order
    # The quotes of a line whose cells hold none: those of the separators.
    plain = 2 * (chosen.width - 1)
    lines_of = _line_maker(chosen, between)
    done = 0
    while rows := fetch(batch):
        lines = lines_of(rows)
        for i, line in enumerate(lines):
            if line.count(b'"') != plain:
                # A cell holds a double quote (most rows hold none): double each one.
                row = rows[i]
                cells = tuple(c.replace(b'"', b'""') for c in row)
                lines[i] = between.join(cells if order is None
                                        else order(cells + name_cells(row[-1])))
        write(first)
        write(next_line.join(lines))
        write(last)
        done += len(rows)
        after(done)
    return done
