"""The CSV writer itself: every formula trigger through the code that writes files, quoting, nulls.

``cells.neutralise`` is the one formula guard; these tests go through ``CsvWriter`` so that the
guard is tested where it runs, on both of the writer's paths (plain record fields, and computed
columns). The trigger list is written out here, not imported, so a character dropped from the
guard's set fails a test.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from leaddesk.export.fields import LEAD_FIELDS, Record
from leaddesk.export.presets import Column
from leaddesk.export.writer import CsvWriter, JsonLinesWriter

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


# Phone numbers and signed numbers call nothing: exported exactly as typed, so no quote ends up in
# the CRM's phone field. Each has a payload beside it that differs by little and must be guarded.
KEPT_AS_TYPED = [
    "+46 31 555 21 80", "+1 (555) 010-2000", "+44 (0)20 7946 0958", "+1.555.010.2000",
    "+49-30-1234567", "+4930123456789", "-12.5", "+12", "-1,5", "-7",
]
STILL_GUARDED = [
    "+46+cmd|' /C calc'!A0",  # a second operator after a phone-like start
    "+1+cmd|' /C calc'!A0",
    "-2+3", "-2-3", "+2-3", "+1*2", "+1/2",  # arithmetic: too few digits for a phone
    "+46 31 555 21 80\n=1", "+46 31 555 21 80\r", "-12.5\t",  # anything after the number
    "+46 31 555 21 80 ", "+46  31 555", "+46 (31) (555) 21 80", "+46 31 555 21 80 ext 3",
    "+46 31 555 21 80 !A0", "+1 234 567 890 123 456",  # 16 digits: more than E.164 allows
    "+1 (555) 010-2000)", "-12.5e3", "-", "+", "+-1", "--1", "+٤٦٣١٥٥٥٢١٨٠",  # non-ASCII digits
    "=46 31 555 21 80", "@46 31 555 21 80", "\t+46 31 555 21 80", "\n-12.5", "\r-12.5",
    "=HYPERLINK(\"http://evil.example/\",\"+46 31 555 21 80\")",
]


@pytest.mark.parametrize("columns", [fields_columns, computed_columns])
@pytest.mark.parametrize("value", KEPT_AS_TYPED)
def test_a_phone_or_signed_number_is_written_as_typed(columns: Any, value: str) -> None:
    text = written(columns(), SimpleNamespace(name=value, company="ACME"))
    assert text == '"Name","Company"\r\n"' + value + '","ACME"\r\n'
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == [value, "ACME"]


@pytest.mark.parametrize("columns", [fields_columns, computed_columns])
@pytest.mark.parametrize("value", STILL_GUARDED)
def test_a_formula_beside_a_number_keeps_its_quote(columns: Any, value: str) -> None:
    text = written(columns(), SimpleNamespace(name=value, company="ACME"))
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == ["'" + value, "ACME"]


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
    # A negative number is a number, not a formula: written as is.
    assert text == '"Name","Company"\r\n"","-42"\r\n"","7"\r\n'


def test_a_header_is_guarded_like_any_cell() -> None:
    text = written([Column("=Name", lambda r: r.name, "name"), Column("Co", lambda r: r.company, "company")])
    assert text == '"\'=Name","Co"\r\n'


def test_a_single_column_writes_whole_values() -> None:
    text = written([Column("Name", lambda r: r.name, "name")], SimpleNamespace(name="Ada"))
    assert text == '"Name"\r\n"Ada"\r\n'


def test_no_rows_write_nothing_more_than_the_header() -> None:
    out = io.StringIO(newline="")
    writer = CsvWriter(out, fields_columns())
    writer.rows([], None)
    assert out.getvalue() == ""


def test_an_unknown_delimiter_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unsupported delimiter '\|'"):
        CsvWriter(io.StringIO(), fields_columns(), "|")


# ------------------------------------------------------------------ JSON Lines
class FullRow:
    """Stands in for query.SubmissionRow: its JSON and its name."""

    def __init__(self, id: int, name: str | None, **extra: object) -> None:
        self.id = id
        self.name = name
        self.extra = extra

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, **self.extra}


def json_lines(per_lead: bool, records: list[Record], full: list[FullRow]) -> list[dict[str, Any]]:
    out = io.StringIO()
    writer = JsonLinesWriter(out, per_lead=per_lead)
    writer.header()
    writer.rows(records, full)  # type: ignore[arg-type]
    text = out.getvalue()
    assert text == "" or text.endswith("\n")
    assert "\r" not in text
    return [json.loads(line) for line in text.splitlines()]


def test_json_lines_keep_text_as_typed_and_split_the_name() -> None:
    when = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    lines = json_lines(False, [Record(id=1), Record(id=2)],
                       [FullRow(1, "=Zoë Müller", received_at=when), FullRow(2, None)])
    assert lines == [
        {"id": 1, "name": "=Zoë Müller", "received_at": str(when), "first_name": "=Zoë",
         "last_name": "Müller"},
        {"id": 2, "name": None, "first_name": "", "last_name": ""}]


def test_json_lines_skip_a_row_deleted_between_the_reads() -> None:
    lines = json_lines(False, [Record(id=1), Record(id=2), Record(id=3)],
                       [FullRow(1, "Ada"), FullRow(3, "Bea")])
    assert [line["id"] for line in lines] == [1, 3]
    assert json_lines(False, [Record(id=9)], []) == []


def test_json_lines_per_lead_add_the_lead_fields() -> None:
    record = Record(id=1, contact_id=7, submission_count=3, first_topic="IMI")
    line = json_lines(True, [record], [FullRow(1, "Ada")])[0]
    assert {name: line[name] for name in LEAD_FIELDS} == {
        name: getattr(record, name) for name in LEAD_FIELDS}
    assert "submission_count" not in json_lines(False, [record], [FullRow(1, "Ada")])[0]


def test_json_lines_are_utf8_text_not_escapes() -> None:
    out = io.StringIO()
    JsonLinesWriter(out, per_lead=False).rows([Record(id=1)], [FullRow(1, "Zoë")])  # type: ignore[list-item]
    assert "Zoë" in out.getvalue()
