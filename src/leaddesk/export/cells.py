"""What one CSV cell may contain: formula neutralisation, joined values, timestamps, lengths.

Formula injection (OWASP, "CSV Injection"): a spreadsheet runs any cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and tab, carriage return and line feed in front are skipped
over to reach one. Visitors type these cells themselves (name, company, message), so every CSV
cell that begins with one of those characters gets a single quote in front, which spreadsheets
take as "this is text". OWASP's other half, cell separators and quotes inside a value that could
start a new cell, is handled by the writer quoting every cell (RFC 4180 2.5–2.7, see
:mod:`leaddesk.export.writer`).

Two kinds of value are exported exactly as typed although they begin with ``+`` or ``-``,
because a quote in front of them ends up inside the CRM's field ("'+46 31 555 21 80"): a plain
phone number ("+46 31 555 21 80", "+1 (555) 010-2000") and a plain signed number ("-12.5").
Both are recognised by a whole-cell match that admits only digits, single separators (space,
dot, hyphen, slash), one bracketed group and, for a phone, one leading ``+``: nothing that
names a function, a reference, a DDE command or a second operator. "+1+cmd|..." and "-2+3" fail
the match and get their quote; cells starting with ``=``, ``@``, tab or a line break always do.
JSON Lines output is for scripts, not spreadsheets, and is never altered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

# OWASP's list: equals, plus, minus, at, tab (0x09), carriage return (0x0D), line feed (0x0A).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
MULTI_VALUE_SEPARATOR = "; "
# Exported as typed despite a leading + or -: a phone number ("+" then digit groups with single
# separators, at most one "(…)" group; 7 to 15 digits as E.164 allows) or a signed decimal number.
# ASCII digits only; fullmatch, so nothing may follow (a "$" would let a trailing newline through).
_PHONE = re.compile(r"\+\d{1,4}(?:[ ./-]?(?:\(\d{1,5}\)|\d{1,14}))*", re.ASCII)
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?", re.ASCII)
PHONE_DIGITS = range(7, 16)
_PHONE_PUNCTUATION = "+ ./-()"  # every non-digit _PHONE admits
_DROP_PHONE_PUNCTUATION = str.maketrans("", "", _PHONE_PUNCTUATION)

Cell = str | int | None
# A moment as the database hands it over without conversion: SQLite's text, PostgreSQL's datetime.
Moment = datetime | str


def neutralise(value: Cell) -> str:
    """The value as a safe CSV cell's text: ``None`` empty, a would-be formula behind a quote."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if text and text[0] in FORMULA_TRIGGERS and not is_plain_number(text):
        return "'" + text
    return text


def is_plain_number(text: str) -> bool:
    """A phone number or a signed number, which calls nothing: exported as typed."""
    if _SIGNED_NUMBER.fullmatch(text):
        return True
    # After the ASCII fullmatch, every character is a digit or one of _PHONE_PUNCTUATION: the
    # digits are what deleting those leaves (one C call, where a generator over the characters
    # cost a second per million phone numbers).
    return (_PHONE.fullmatch(text) is not None
            and text.count("(") <= 1
            and len(text.translate(_DROP_PHONE_PUNCTUATION)) in PHONE_DIGITS)


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
