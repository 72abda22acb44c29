"""Turning records into bytes: CSV for spreadsheets and CRMs, JSON Lines for scripts.

CSV follows RFC 4180: CRLF line ends, a header line always (even with no rows), every cell in
double quotes with inner double quotes doubled (2.5–2.7). Quoting every cell, not only those that
need it, is OWASP's advice against formula injection: a separator or quote inside a visitor's
text can never start a new cell, even when a spreadsheet guesses a different separator than the
file uses. Text is UTF-8, with a byte order mark by default so that Excel reads it as UTF-8.

JSON Lines: one UTF-8 JSON object per line ending in LF, the keys of ``leaddesk list --json``
plus the split name (and, per lead, the lead's counts and first touch). Never a BOM.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, Protocol, TextIO, cast

from leaddesk.export.cells import FORMULA_TRIGGERS, Cell, neutralise
from leaddesk.export.csv_lines import LINE_END
from leaddesk.export.fields import LEAD_FIELDS, Record
from leaddesk.export.names import split_name
from leaddesk.export.presets import Column
from leaddesk.query import SubmissionRow

DELIMITERS = (",", ";")


class Writer(Protocol):
    """Writes one export: the header, then batch after batch, keeping none of them."""

    needs_full_rows: bool  # True: rows() also wants the batch's query.SubmissionRow objects

    def header(self) -> None: ...

    def rows(self, records: Sequence[Record], full: Sequence[SubmissionRow] | None) -> None: ...


class CsvWriter:
    """The preset's columns, each cell through :func:`~leaddesk.export.cells.neutralise`.

    Lines are built here rather than by the csv module: with every cell quoted, RFC 4180 comes
    down to doubling the double quotes, and str.replace does that three times faster than the csv
    module's character loop, which dominated the export's time. Tests read files back with csv.
    """

    needs_full_rows = False

    def __init__(self, out: TextIO, columns: Sequence[Column], delimiter: str = ",") -> None:
        if delimiter not in DELIMITERS:
            raise ValueError(f"unsupported delimiter {delimiter!r}")
        self._out = out
        self._columns = tuple(columns)
        self._between = '"' + delimiter + '"'
        self._next_line = '"' + LINE_END + '"'
        fields = [c.field for c in self._columns]
        self._values: Callable[[Record], Iterable[Cell]]
        if len(fields) > 1 and all(fields):
            # Fields are plain attributes of a record: one C call fetches the whole row.
            self._values = attrgetter(*cast(list[str], fields))
        else:
            getters = tuple(c.get for c in self._columns)
            self._values = lambda r: [get(r) for get in getters]

    def _inner(self, values: Iterable[Cell]) -> str:
        """A line without its outer quotes and line end: cells joined by '","'.

        Every cell the formula guard could change goes through
        :func:`~leaddesk.export.cells.neutralise`, the one guard (a second inlined copy of it once
        lost a trigger unnoticed); the test here only decides whether to call it, with the guard's
        own FORMULA_TRIGGERS. Names are bound locally: this runs for every cell of every row. The
        outer quotes are added once per batch (see _lines), saving three copies of every line.
        """
        cells: list[str] = []
        append, guard, triggers = cells.append, neutralise, FORMULA_TRIGGERS
        for value in values:
            # The guard can change only a cell that is not text or begins with a trigger; for
            # the rest (most cells) it would return the same string, so it is not called.
            if type(value) is not str or value[:1] in triggers:
                value = guard(value)
            append(value.replace('"', '""') if '"' in value else value)
        return self._between.join(cells)

    def _lines(self, inner: list[str]) -> str:
        return '"' + self._next_line.join(inner) + '"' + LINE_END

    def header(self) -> None:
        self._out.write(self._lines([self._inner(c.header for c in self._columns)]))

    def rows(self, records: Sequence[Record], full: Sequence[SubmissionRow] | None) -> None:
        if records:
            values, inner = self._values, self._inner
            self._out.write(self._lines([inner(values(r)) for r in records]))


class JsonLinesWriter:
    """One object per record: ``SubmissionRow.as_json()`` (what ``list --json`` prints) plus more.

    It needs the full query rows, which the caller fetches per batch with ``query.rows_by_ids``.
    """

    needs_full_rows = True

    def __init__(self, out: TextIO, *, per_lead: bool) -> None:
        self._out = out
        self._per_lead = per_lead

    def header(self) -> None:
        pass

    def rows(self, records: Sequence[Record], full: Sequence[SubmissionRow] | None) -> None:
        by_id = {row.id: row for row in full or ()}
        lines = []
        for record in records:
            row = by_id.get(record.id)
            if row is None:  # deleted between the two reads of this batch
                continue
            lines.append(json.dumps(self._object(record, row), ensure_ascii=False, default=str))
        if lines:
            self._out.write("\n".join(lines) + "\n")

    def _object(self, record: Record, row: SubmissionRow) -> dict[str, Any]:
        obj = row.as_json()
        parts = split_name(row.name)
        obj["first_name"] = parts.first
        obj["last_name"] = parts.last
        if self._per_lead:
            for name in LEAD_FIELDS:
                obj[name] = getattr(record, name)
        return obj


__all__ = ["DELIMITERS", "LINE_END", "CsvWriter", "JsonLinesWriter", "Writer"]
