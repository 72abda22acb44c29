"""What one CSV cell may contain: formula neutralisation, joined values, timestamps, lengths.

Formula injection (OWASP, "CSV Injection"): a spreadsheet runs any cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and tab, carriage return and line feed in front are skipped
over to reach one. Visitors type these cells themselves (name, company, message), so every CSV
cell that begins with one of those characters gets a single quote in front, which spreadsheets
take as "this is text". OWASP's other half, cell separators and quotes inside a value that could
start a new cell, is handled by the writer quoting every cell (RFC 4180 2.5–2.7, see
:mod:`leaddesk.export.writer`).

The price: a legitimate value such as a phone number "+49 30 1234567" or a message "-- sent from
my phone" is exported as "'+49 30 1234567". OWASP's rule names no exceptions, and a "looks like a
phone number" exception is exactly what an attacker would aim for ("+1+cmd|..."), so there is
none. JSON Lines output is for scripts, not spreadsheets, and is never altered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

# OWASP's list: equals, plus, minus, at, tab (0x09), carriage return (0x0D), line feed (0x0A).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
MULTI_VALUE_SEPARATOR = "; "

Cell = str | int | None
# A moment as the database hands it over without conversion: SQLite's text, PostgreSQL's datetime.
Moment = datetime | str


def neutralise(value: Cell) -> str:
    """The value as a safe CSV cell's text: ``None`` empty, a would-be formula behind a quote."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def join_values(values: Iterable[str]) -> str:
    """Several values in one cell, the way CRMs import multi-select properties."""
    return MULTI_VALUE_SEPARATOR.join(values)


def as_datetime(moment: Moment) -> datetime:
    """An aware UTC datetime from either form of :data:`Moment`."""
    if isinstance(moment, str):
        parsed = datetime.fromisoformat(moment)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return moment.astimezone(UTC)


def timestamp(moment: Moment | None) -> str | None:
    """ISO 8601 in UTC with its offset, to the second: "2026-03-02T09:00:00+00:00"."""
    if moment is None:
        return None
    if type(moment) is str and len(moment) >= 19 and moment[10] == " ":
        # SQLite keeps naive UTC as "YYYY-MM-DD HH:MM:SS.ffffff" (leaddesk.db.types). Slicing that
        # text costs less than parsing it, or than SQLite's strftime(): at a million rows, twice
        # per row, that is seconds.
        return moment[:10] + "T" + moment[11:19] + "+00:00"
    return as_datetime(moment).isoformat(timespec="seconds")


def truncate(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters, with "…" at the end when it was longer."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
