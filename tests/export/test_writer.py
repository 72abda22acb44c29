"""The CSV writer itself: every formula trigger through the code that writes files, quoting, nulls.

``cells.neutralise`` is the one formula guard; these tests go through ``CsvWriter`` so that the
guard is tested where it runs, on both of the writer's paths (plain record fields, and computed
columns). The trigger list is written out here, not imported, so a character dropped from the
guard's set fails a test.
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest

from leaddesk.export.presets import Column
from leaddesk.export.writer import CsvWriter

# OWASP's CSV injection triggers, leading line breaks and tab included.
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n"]


def fields_columns() -> list[Column]:
    """Columns backed by record fields: the writer fetches them with one attrgetter."""
    return [Column("Name", lambda r: r.name, "name"), Column("Company", lambda r: r.company, "company")]


def computed_columns() -> list[Column]:
    """A column without a field: the writer calls each getter."""
    return [Column("Name", lambda r: r.name), Column("Company", lambda r: r.company)]


def written(columns: list[Column], *records: Any, delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    writer = CsvWriter(out, columns, delimiter)
    writer.header()
    writer.rows(list(records), None)
    return out.getvalue()


@pytest.mark.parametrize("columns", [fields_columns, computed_columns])
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_trigger_gets_a_quote_in_front(columns: Any, trigger: str) -> None:
    value = trigger + "cmd|' /C calc'!A0"
    text = written(columns(), SimpleNamespace(name=value, company="ACME"))
    assert text == ('"Name","Company"\r\n'
                    + '"\'' + trigger + "cmd|' /C calc'!A0\",\"ACME\"\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["'" + value, "ACME"]


@pytest.mark.parametrize("value", ["a=1", " =1", "'quoted", "Zoë", "1+1", "x\n=1"])
def test_a_trigger_after_the_first_character_is_left_alone(value: str) -> None:
    text = written(fields_columns(), SimpleNamespace(name=value, company=value))
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == [value, value]


def test_every_cell_is_quoted_and_quotes_are_doubled() -> None:
    record = SimpleNamespace(name='Ada "The Countess"', company='=1+2";=1+2')
    text = written(fields_columns(), record, delimiter=";")
    assert text == '"Name";"Company"\r\n"Ada ""The Countess""";"\'=1+2"";=1+2"\r\n'


def test_empty_and_numeric_cells() -> None:
    text = written(fields_columns(), SimpleNamespace(name=None, company=-42),
                   SimpleNamespace(name="", company=7))
    assert text == '"Name","Company"\r\n"","\'-42"\r\n"","7"\r\n'


def test_a_header_is_guarded_like_any_cell() -> None:
    text = written([Column("=Name", lambda r: r.name, "name"), Column("Co", lambda r: r.company, "company")])
    assert text == '"\'=Name","Co"\r\n'


def test_no_rows_write_nothing_more_than_the_header() -> None:
    out = io.StringIO(newline="")
    writer = CsvWriter(out, fields_columns())
    writer.rows([], None)
    assert out.getvalue() == ""


def test_an_unknown_delimiter_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unsupported delimiter '\|'"):
        CsvWriter(io.StringIO(), fields_columns(), "|")
