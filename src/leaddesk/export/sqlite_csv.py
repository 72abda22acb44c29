"""SQLite's fast CSV path: the database writes every cell's text, Python only quotes and joins.

The general export (:mod:`~leaddesk.export.source` and :mod:`~leaddesk.export.writer`) builds a
:class:`~leaddesk.export.fields.Record` per row and a string per cell in Python; at a million rows
that per-row and per-cell Python was two thirds of the export's time. For a layout made only of
fields (the generic preset, saved mappings) on SQLite, this module selects each cell already as
the text the general path would write, and reads the rows as UTF-8 bytes, which go to the file
as they are (the database's text is UTF-8, and so is every export encoding):

* times are sliced in SQL exactly as :func:`~leaddesk.export.cells.timestamp` slices SQLite's
  stored text; any other form goes to that function itself;
* tags are joined in a correlated subquery in code-point order (SQLite's BINARY collation
  compares UTF-8 bytes, which orders like Python's ``sorted``), separated by "; ";
* NULL is "", numbers are cast to text;
* the formula guard stays :func:`~leaddesk.export.cells.neutralise`, the one guard: it is
  registered on the connection and called for exactly the cells it could change, those whose
  first character is one of its ``FORMULA_TRIGGERS`` (the list is read from there, never retyped);
* names are split by :func:`~leaddesk.export.names.split_name` in Python, once per distinct
  name (a cache), the raw name being selected last: calling Python from SQL costs about 1.3 µs
  a call, two calls a row were a fifth of the export.

Lines are joined in Python by :mod:`~leaddesk.export.csv_lines`, every cell quoted (RFC 4180 and
OWASP, see :mod:`~leaddesk.export.writer`). A line's double quotes are counted once; only a line
with more than its separators' has its cells' quotes doubled. Measured against this: SQLite's
``replace()`` and ``||`` per cell (slower: each allocates and copies), the csv module's writer
(about six times slower per row), and doubling quotes in every cell (1.6 µs a row). A large
export is written by two processes (:mod:`~leaddesk.export.sqlite_split`), each running this
module's statement over its part of the rows.

:func:`plan` says whether an export can take this path; anything it cannot express (the HubSpot
and Salesforce layouts, PostgreSQL, a tag name holding the general path's separator) goes the
general way. tests/export/test_sqlite_csv.py holds both paths to the same bytes, and to golden
files the general path wrote before this one existed.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from sqlalchemy import (
    ColumnElement,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session

from leaddesk.db.models import Submission, Tag, submission_tags
from leaddesk.export import source
from leaddesk.export.cells import (
    FORMULA_TRIGGERS,
    MULTI_VALUE_SEPARATOR,
    PHONE_DIGITS,
)
from leaddesk.export.csv_lines import (
    GUARD,
    RAW_NAME,
    TIME,
    Plan,
    layout,
    register,
    write_lines,
)
from leaddesk.export.fields import FIELDS, SELECTED
from leaddesk.export.presets import Column
from leaddesk.progress import CancelToken
from leaddesk.query import Filter

Expr = ColumnElement[Any]

# What leads_statement selects after Record's selected fields (source.SELECTED).
_LEAD_EXTRA = ("submission_count", "first_contact_raw", "first_topic", "first_post_title",
               "first_page_url")
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


def constant(value: str | int) -> Expr:
    """A constant written into the SQL. Not a bound parameter: each parameter is a value of its
    own to SQLite, so three mentions of group_concat(name, ?) would be three aggregates."""
    if isinstance(value, int):
        return literal_column(str(value))
    return literal_column("'" + value.replace("'", "''") + "'", String)


# What SQLite's unicode() returns for a cell the guard may change: its first code point.
_TRIGGER_CODES: tuple[Expr, ...] = tuple(constant(ord(t)) for t in sorted(FORMULA_TRIGGERS))


def _text(expr: Any) -> Expr:
    return type_coerce(expr, String)


def _concat(*parts: Any) -> Expr:
    result = _text(parts[0])
    for part in parts[1:]:
        result = _text(result.op("||")(part))
    return result


def _guarded(cell: Any) -> Expr:
    """The cell's text (NULL as ""), through the guard when its first character is a trigger.

    ``cell`` is evaluated several times: pass columns and cheap expressions, not subqueries.
    Most cells are told apart from a trigger by comparisons alone (VM opcodes, no function call):
    text at or above the first character after the largest trigger, or starting with a digit,
    cannot begin with one. A phone number of the common "+" digits-and-spaces form is recognised
    in SQL too (:func:`_plain_phone`); only what is left calls ``unicode()`` and maybe the guard.
    """
    binary = cell.collate("BINARY")  # code-point order whatever the column's collation
    above, digits_from, digits_to = _SAFE_STARTS
    whens: list[tuple[Expr, Expr]] = [(binary >= above, cell)]
    if digits_from is not None and digits_to is not None:
        whens.append((and_(binary >= digits_from, binary < digits_to), cell))
    whens += [(cell.is_(None), constant("")),
              (_plain_phone(cell), cell),
              (func.unicode(cell).in_(_TRIGGER_CODES), getattr(func, GUARD)(cell))]
    return case(*whens, else_=cell)


def _safe_starts() -> tuple[Expr, Expr | None, Expr | None]:
    """Bounds that tell a cell cannot begin with a trigger, from FORMULA_TRIGGERS: ``text >=
    above`` (its first code point is above every trigger's; UTF-8 in BINARY order compares as
    code points), and ``from <= text < to`` for the gap between triggers that holds the digits
    (None if a digit were a trigger). The empty string is below both, as it should be."""
    codes = sorted(ord(t) for t in FORMULA_TRIGGERS)
    above = constant(chr(codes[-1] + 1))
    below = [c for c in codes if c < ord("0")]
    over = [c for c in codes if c > ord("9")]
    if any(ord("0") <= c <= ord("9") for c in codes) or not below or not over:
        return above, None, None
    return above, constant(chr(below[-1] + 1)), constant(chr(over[0]))


_SAFE_STARTS = _safe_starts()


def _plain_phone(cell: Any) -> Expr:
    """True for text :func:`~leaddesk.export.cells.is_plain_number` keeps that has the common
    form of a phone number: "+", ASCII digits and single spaces, a digit at each end, no NUL, and
    (with a space, so that only the phone rule admits it) PHONE_DIGITS digits. False does not
    mean "a formula": the guard itself decides then. Saves calling Python for most phone
    numbers (tests/export/test_sqlite_csv.py holds it to is_plain_number)."""
    if "+" not in FORMULA_TRIGGERS:
        return literal_column("0") == literal_column("1")
    def glob(pattern: str) -> Expr:
        matched: Expr = cell.op("GLOB", is_comparison=True)(constant(pattern))
        return matched

    digits = func.length(func.replace(cell, constant(" "), constant(""))) - constant(1)
    # GLOB and length() stop at a NUL character; instr() reads the whole text.
    return and_(glob("+[0-9]*[0-9]"), ~glob("?*[^0-9 ]*"), ~glob("*  *"),
                func.instr(cell, func.char(constant(0))) == constant(0),
                or_(func.instr(cell, constant(" ")) == constant(0),
                    digits.between(constant(PHONE_DIGITS.start),
                                   constant(PHONE_DIGITS.stop - 1))))


def _number(cell: Any) -> Expr:
    # An integer's text never starts with a trigger but "-"; "-5" is a plain number the guard
    # keeps. The guard still sees the cell: SQLite would keep text in an integer column.
    return _guarded(cast(cell, Text))


# What cells.timestamp slices (19 characters or more, a space at the 11th), starting with a digit
# (no trigger, so the guard keeps it; see the assertion): one GLOB, cheaper than three tests.
_SLICED_MOMENT = "[0-9]????????? ????????*"
assert not FORMULA_TRIGGERS & set("0123456789"), "_time's SQL slicing assumes digits are safe"


def _time(raw: Any) -> Expr:
    """cells.timestamp's ISO 8601 text, through the guard: SQLite's stored text is sliced here
    exactly as timestamp() slices it (printf's "!" counts characters, as Python's slices do);
    anything else goes to timestamp() itself."""
    return case(
        (raw.is_(None), constant("")),
        (raw.op("GLOB", is_comparison=True)(constant(_SLICED_MOMENT)),
         func.printf(constant("%!.10sT%!.8s+00:00"), raw, func.substr(raw, constant(12)))),
        else_=getattr(func, TIME)(raw))


def _tags() -> Expr:
    """The submission's tag names in code-point order joined by "; ", through the guard."""
    names = (select(Tag.name.label("name"))
             .select_from(submission_tags)
             .join(Tag, Tag.id == submission_tags.c.tag_id)
             .where(submission_tags.c.submission_id == Submission.id)
             .order_by(Tag.name)
             .correlate(Submission)
             .subquery("export_tag_names"))
    # Three mentions of one aggregate: SQLite computes an aggregate once however often it appears.
    joined = func.group_concat(names.c.name, constant(MULTI_VALUE_SEPARATOR))
    tagged = exists().where(submission_tags.c.submission_id == Submission.id).correlate(Submission)
    # Most submissions have no tag: one index probe instead of the sorted subquery (a sorter
    # opened and closed per row).
    return case((tagged, select(_guarded(joined)).select_from(names).scalar_subquery()),
                else_=constant(""))


def _last_contact() -> Expr:
    """source._last_contact's choice, each side formatted (the condition is read once)."""
    inbound, outbound = Submission.last_inbound_at, Submission.last_outbound_at
    newer = and_(outbound.is_not(None), or_(inbound.is_(None), outbound > inbound))
    return case((newer, _time(_text(outbound))), else_=_time(_text(inbound)))


def _cells(selected: dict[str, Expr], per_lead: bool) -> dict[str, Expr]:
    """Every field's cell as SQL, from the columns the general path selects (by field name)."""
    received = _time(selected["received_raw"])
    cells: dict[str, Expr] = {
        "id": _number(selected["id"]),
        "received_at": received,
        "submitted_at": _time(selected["submitted_raw"]),
        "tags": _tags(),
        "contact_id": _number(selected["contact_id"]),
        "messages": _number(selected["messages"]),
        "last_contact": _last_contact(),
        "first_answered_at": _time(selected["first_answered_raw"]),
        "last_contact_at": received,
    }
    for field in ("message_id", "account", "name", "email", "phone", "company", "topic",
                  "page_url", "post_title", "status", "assignee", "assignee_email", "subject",
                  "message"):
        cells[field] = _guarded(selected[field])
    if per_lead:
        cells["submission_count"] = _number(selected["submission_count"])
        cells["first_contact_at"] = _time(selected["first_contact_raw"])
        for field in ("first_topic", "first_post_title", "first_page_url"):
            cells[field] = _guarded(selected[field])
    else:  # a submission on its own is a lead of one
        cells["submission_count"] = constant("1")
        cells["first_contact_at"] = received
        for field, same in (("first_topic", "topic"), ("first_post_title", "post_title"),
                            ("first_page_url", "page_url")):
            cells[field] = cells[same]
    return cells


def plan(session: Session, columns: Sequence[Column]) -> Plan | None:
    """The fast path for these columns on this database, or None for the general path."""
    if session.get_bind().dialect.name != "sqlite" or not columns:
        return None
    fields = tuple(c.field for c in columns)
    if not all(c.field is not None and c.get is FIELDS[c.field] for c in columns):
        return None  # a computed column (HubSpot, Salesforce): only Python knows it
    # The general path joins tag names with "\x1f" and splits them again: a name holding that
    # character becomes two there. Such a name is no real tag; the general path handles it.
    odd_tag = session.execute(select(Tag.id).where(func.instr(Tag.name, "\x1f") > 0).limit(1))
    if odd_tag.first() is not None:
        return None
    return layout(tuple(f for f in fields if f is not None))


def _statement(session: Session, flt: Filter, per_lead: bool, fields: Sequence[str],
               ordered: bool = False) -> Any:
    general = (source.leads_statement(session, flt) if per_lead
               else source.submissions_statement(session, flt, ordered=ordered))
    columns = list(general.selected_columns)
    names = list(SELECTED) + (list(_LEAD_EXTRA) if per_lead else [])
    selected = dict(zip(names, columns, strict=True))
    cells = _cells(selected, per_lead)
    # Same FROM, WHERE and ORDER BY as the general path: the same rows in the same order.
    # split_name(None) is split_name(""): "" keeps every cell bytes.
    cells[RAW_NAME] = func.coalesce(selected["name"], constant(""))
    return general.with_only_columns(*(cells[f] for f in fields))


def byte_writer(out: TextIO) -> Callable[[bytes], object]:
    """Write UTF-8 bytes to ``out``: to its byte stream when it has one, else decoded."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or encoding is None or codecs.lookup(encoding).name not in _UTF8:
        return lambda data: out.write(data.decode("utf-8"))
    out.flush()  # the header (and a BOM) went through the text layer first
    return buffer.write  # type: ignore[no-any-return]


@contextmanager
def rows_as_bytes(connection: Connection, stmt: Any) -> Iterator[CursorResult[Any]]:
    """``stmt`` executed, its rows read as UTF-8 bytes from the driver's own cursor: the cells as
    SQLite holds them, never decoded. The connection reads text again afterwards, before the
    pool hands it to anything else."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    result = connection.execute(stmt)
    text_factory = raw.text_factory
    raw.text_factory = bytes
    try:
        yield result
    finally:
        raw.text_factory = text_factory
        result.close()


def statement(session: Session, flt: Filter, per_lead: bool, chosen: Plan, *,
              ordered: bool = False) -> Any:
    """The statement of finished cells, with the SQL functions it calls registered on the
    session's connection (``ordered``: see source.submissions_statement)."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    register(raw)
    return _statement(session, flt, per_lead, chosen.selected, ordered)


def write_rows(session: Session, flt: Filter, per_lead: bool, chosen: Plan, out: TextIO,
               delimiter: str, batch: int, cancel: CancelToken,
               progress: Callable[[int], None]) -> int:
    """Write the rows (the header is the caller's) as CSV lines, ``batch`` rows at a time,
    checking ``cancel`` after each batch and calling ``progress(rows so far)``."""
    stmt = statement(session, flt, per_lead, chosen)
    write = byte_writer(out)

    def after(done: int) -> None:
        cancel.raise_if_cancelled()
        progress(done)

    with rows_as_bytes(session.connection(), stmt) as result:
        return write_lines(result.cursor.fetchmany, write, chosen, delimiter, batch, after)
