"""SQLite's CSV fast path writes exactly the bytes of the general export, for every layout.

The fixture database is built to be hostile: every formula trigger at the front of every kind of
cell (name, split name, company, phone, topic, tags, post title, account, assignee, message),
phone and signed numbers the guard lets through, quotes, CR, LF, CRLF, tabs, non-ASCII, NULLs,
tags with commas and in an order only a code-point sort gets right, times given in several time
zones and times stored in a form SQLite's text slicing cannot handle (the Python fallback).

Two checks, so that neither path can drift unnoticed:

* the golden files in ``data/sqlite_csv/`` were written by the general path before the fast
  path existed (regenerate deliberately: ``python -m tests.export.test_sqlite_csv DIR``);
* every preset, scope, row kind, encoding and delimiter is exported twice, through the fast path
  and through the general path, and the bytes must be equal.
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, bindparam, select, text

from leaddesk.db import Database
from leaddesk.db.models import Tag
from leaddesk.export import (
    DELIMITERS,
    ENCODINGS,
    ExportOptions,
    Per,
    csv_lines,
    export_to_file,
    presets,
    selection,
    sqlite_csv,
)
from leaddesk.export.cells import FORMULA_TRIGGERS, is_plain_number, neutralise, timestamp
from leaddesk.export.fields import FIELD_NAMES
from leaddesk.progress import Cancelled, CancelToken
from leaddesk.query import Filter, Sort
from tests.export.test_job import BOM, Recorder
from tests.support import factories

GOLDEN = Path(__file__).parent / "data" / "sqlite_csv"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TRIGGERS = sorted(FORMULA_TRIGGERS)
# Kept as typed by the guard (phone numbers, signed numbers), and near misses that are not.
NUMBERS = ["+46 31 555 21 80", "+1 (555) 010-2000", "-12.5", "+49.30.1234567", "-2+3",
           "+1+cmd|' /C calc'!A0", "+12", "+1 (555) (010) 2000"]
ODD_TEXT = ['say "hi", then; leave', "line one\r\nline two", "cr\ronly", "lf\nonly",
            "tab\tinside", "Zoë Ärger 日本 🙂 e\u0301", "", " leading space", '"', "'=quoted"]
ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30)),
         timezone(timedelta(hours=13, minutes=45))]
NAMES = ["Dr. Zoë Müller", "van der Berg, Anna", "Cher", "Dr. Müller", "Anna Maria Rossi",
         "=HYPERLINK(\"http://x\") Smith", "Anna =cmd", "@SUM(1) -2+3", "+1 555 0100 Bob",
         "Prof. Dr. med. Hans Meier, PhD", "Siobhán Ní Bhriain", None, "", "  ", "Mr -Bob",
         "García y Vega", "\tTabby Cat", "Line\nBreak"]


def hostile(i: int) -> str:
    """The i-th hostile cell value: a trigger in front, a number, or odd text, in turn."""
    pool = [t + "cmd|' /C calc'!A0" for t in TRIGGERS] + NUMBERS + ODD_TEXT
    return pool[i % len(pool)]


def build(db: Database) -> None:
    """The fixture: deterministic ids, texts and times (no factory counters)."""
    with db.session() as s:
        members = [factories.make_member(s, name) for name in ("Ada", "=Eve", "Ünal \"Q\"")]
        members[0].email = "ada@team.example"
        members[1].email = "-eve@team.example"
        accounts = [factories.make_account(s, name) for name in ("website", "@shop", "B,C")]
        posts = [factories.make_post(s, f"https://example.org/p{i}", title)
                 for i, title in enumerate(("Europe's IMI", "+Plus post", "Quote \"post\"", ""))]
        contacts = [factories.make_contact(s, f"c{i}@example.org") for i in range(4)]
        tag_names = ["hot", "Zebra", "apple", "Äpfel", "émile", "a,b", "semi; colon", "=tag",
                     "-minus", "\ttab", "Z", "z", "10", "9", "日本"]
        tags = [Tag(name=name, colour="#808080") for name in tag_names]
        s.add_all(tags)
        s.flush()
        statuses = ["new", "open", "waiting", "done", "spam"]
        for n in range(60):
            zone = ZONES[n % len(ZONES)]
            received = (START + timedelta(hours=7 * n, minutes=n, seconds=n,
                                          microseconds=1000 * n)).astimezone(zone)
            submission = factories.make_submission(
                s,
                source_key=f"fixture:{n}",
                message_id=hostile(n + 3) if n % 7 == 0 else f"<fixture-{n}@example.org>",
                received_at=received,
                submitted_at=None if n % 3 else received - timedelta(minutes=2),
                subject=None if n % 5 == 0 else f"Subject {hostile(n)}",
                body_text=None if n % 11 == 0 else f"{hostile(n)}\nBody {n}, \"quoted\"",
                visitor_name=NAMES[n % len(NAMES)],
                visitor_email=None if n % 9 == 0 else (hostile(n + 1) if n % 4 == 0
                                                      else f"v{n}@example.org"),
                visitor_phone=None if n % 6 == 0 else NUMBERS[n % len(NUMBERS)],
                visitor_company=None if n % 8 == 0 else hostile(n + 2),
                topic=None if n % 10 == 0 else hostile(n + 5),
                page_url=None if n % 4 == 1 else f"https://example.org/p{n % 4}?q=\"{n}\"",
                post_id=None if n % 5 == 1 else posts[n % len(posts)].id,
                account_id=None if n % 7 == 2 else accounts[n % len(accounts)].id,
                assignee_id=None if n % 3 == 1 else members[n % len(members)].id,
                contact_id=None if n % 4 == 3 else contacts[n % len(contacts)].id,
                status=statuses[n % len(statuses)],
                is_submission=n % 13 != 5,
                message_count=1 + n % 4,
                last_inbound_at=None if n % 2 else received + timedelta(hours=1),
                last_outbound_at=None if n % 3 == 2 else received + timedelta(hours=n % 5),
                first_answered_at=None if n % 4 == 2 else received + timedelta(minutes=30),
            )
            submission.tags = list(dict.fromkeys(tags[(n + 4 * k) % len(tags)]
                                                 for k in range(n % 5)))
        s.flush()
        # Times SQLite holds in a form other than SQLAlchemy's "YYYY-MM-DD HH:MM:SS.ffffff":
        # written by another tool, they take the general (parsing) route through cells.timestamp.
        s.execute(text("UPDATE submissions SET submitted_at = '2026-03-04T10:00:00+02:00' "
                       "WHERE source_key = 'fixture:1'"))
        s.execute(text("UPDATE submissions SET first_answered_at = '2026-03-05 11:12' "
                       "WHERE source_key = 'fixture:4'"))
        s.execute(text("UPDATE submissions SET last_inbound_at = '2026-03-06 12:00:00' "
                       "WHERE source_key = 'fixture:6'"))


def custom() -> presets.Preset:
    """A saved mapping over every field, in an order of its own, with its own headers."""
    names = list(reversed(FIELD_NAMES))
    return presets.custom_preset("every-field", [(f"=H {name}", name) for name in names])


PRESETS = {"generic": presets.GENERIC, "hubspot": presets.HUBSPOT,
           "salesforce": presets.SALESFORCE, "custom": custom()}
# Compared with the general path only (no golden file): the name parts side by side in an order
# of their own, between other cells (the fast path's sliced lines, not its general reordering).
SIDE_BY_SIDE = presets.custom_preset("names", [(f"H {name}", name) for name in (
    "id", "last_name", "salutation", "first_name", "name", "tags", "phone")])
SCOPES = {
    "all": Filter(include_spam=True, include_non_submissions=True),
    "inbox": Filter(),
    "selection": selection([3, 1, 4, 15, 9, 26, 5, 35, 59]),
    "range": Filter(received_from=START + timedelta(days=2), received_to=START + timedelta(days=9),
                    sort=Sort.RECEIVED, descending=False, include_spam=True),
}


def golden_name(preset: str, per: str, scope: str) -> str:
    return f"{preset}-{per}-{scope}.csv"


def export_bytes(db: Database, path: Path, preset: str, per: str, scope: str,
                 **options: Any) -> bytes:
    chosen = SIDE_BY_SIDE if preset == "names" else PRESETS[preset]
    export_to_file(db, SCOPES[scope], path, ExportOptions(preset=chosen, per=Per(per), **options))
    return path.read_bytes()


def built(folder: Path, sqlite_template: Path) -> Database:
    """The fixture database in ``folder``, open."""
    path = folder / "fixture.db"
    shutil.copyfile(sqlite_template, path)
    db = Database.open(f"sqlite:///{path}")
    build(db)
    return db


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
               ) -> Iterator[Database]:
    db = built(tmp_path_factory.mktemp("sqlite_csv"), sqlite_template)
    yield db
    db.close()


@pytest.mark.parametrize("scope", sorted(SCOPES))
@pytest.mark.parametrize("per", [p.value for p in Per])
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_export_matches_the_golden_file(fixture_db: Database, tmp_path: Path, preset: str,
                                        per: str, scope: str) -> None:
    golden = (GOLDEN / golden_name(preset, per, scope)).read_bytes()
    assert export_bytes(fixture_db, tmp_path / "out.csv", preset, per, scope) == golden


@pytest.fixture
def small_db(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    with db.session() as s:
        for n in range(25):
            factories.make_submission(s, source_key=f"small:{n}", visitor_name=f"Ada {n}",
                            received_at=START + timedelta(minutes=n))
    yield db
    db.close()


def text_factory(db: Database) -> Any:
    with db.session() as s:
        return s.connection().connection.dbapi_connection.text_factory  # type: ignore[union-attr]


def test_rows_come_batch_by_batch_and_the_connection_reads_text_again(
        small_db: Database, tmp_path: Path, paths_taken: list[bool]) -> None:
    reporter = Recorder()
    export_to_file(small_db, Filter(), tmp_path / "out.csv", ExportOptions(batch=10),
                   reporter=reporter)
    assert paths_taken == [True]
    progress = [e[1:] for e in reporter.events if e[0] == "progress"]
    assert progress == [(10, 25), (20, 25), (25, 25)]
    # The pooled connection read bytes for the export; whatever it serves next gets text.
    assert text_factory(small_db) is str


def test_a_cancel_stops_between_batches_and_restores_the_connection(
        small_db: Database, tmp_path: Path, paths_taken: list[bool]) -> None:
    token = CancelToken()
    reporter = Recorder(cancel_after=10, token=token)
    with pytest.raises(Cancelled):
        export_to_file(small_db, Filter(), tmp_path / "out.csv", ExportOptions(batch=10),
                       reporter=reporter, cancel=token)
    assert paths_taken == [True]
    assert [e[1:] for e in reporter.events if e[0] == "progress"] == [(10, 25)]
    assert not (tmp_path / "out.csv").exists()
    assert text_factory(small_db) is str
    with small_db.session() as s:
        assert s.execute(text("SELECT visitor_name FROM submissions LIMIT 1")).scalar() == "Ada 0"


def test_a_tag_name_holding_the_general_paths_separator_takes_the_general_path(
        small_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        paths_taken: list[bool]) -> None:
    with small_db.session() as s:
        odd = Tag(name="b\x1fa", colour="#808080")
        s.add(odd)
        s.flush()
        s.execute(text("INSERT INTO submission_tags (submission_id, tag_id) VALUES (1, :tag)"),
                  {"tag": odd.id})
    got = export_bytes(small_db, tmp_path / "out.csv", "generic", "submission", "all")
    assert paths_taken == [False]
    assert b'"a; b"' in got  # the general path's split, as before


def test_postgresql_keeps_the_general_path(db: Database) -> None:
    with db.session() as s:
        chosen = sqlite_csv.plan(s, presets.GENERIC.columns)
        assert (chosen is not None) == (s.get_bind().dialect.name == "sqlite")


def regenerate(target: Path) -> None:
    """Write the golden files with the code as it is (review the diff before committing)."""
    import tempfile
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        db = Database.open(f"sqlite:///{work}/fixture.db")
        build(db)
        for preset in PRESETS:
            for per in Per:
                for scope in SCOPES:
                    name = golden_name(preset, per.value, scope)
                    export_bytes(db, target / name, preset, per.value, scope)
        db.close()


if __name__ == "__main__":
    regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else GOLDEN)


@pytest.fixture
def paths_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, per export, whether the fast path wrote the rows."""
    taken: list[bool] = []
    real = sqlite_csv.plan

    def spy(session: Any, columns: Any) -> csv_lines.Plan | None:
        chosen = real(session, columns)
        taken.append(chosen is not None)
        return chosen

    monkeypatch.setattr(sqlite_csv, "plan", spy)
    return taken


def general_bytes(db: Database, path: Path, monkeypatch: pytest.MonkeyPatch, *args: Any,
                  **options: Any) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(sqlite_csv, "plan", lambda session, columns: None)
        return export_bytes(db, path, *args, **options)


@pytest.mark.parametrize("scope", sorted(SCOPES))
@pytest.mark.parametrize("per", [p.value for p in Per])
@pytest.mark.parametrize("preset", ["generic", "custom", "names"])
def test_the_fast_path_writes_the_general_paths_bytes(
        fixture_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        paths_taken: list[bool], preset: str, per: str, scope: str) -> None:
    for encoding in (None, *ENCODINGS):
        for delimiter in DELIMITERS:
            options = {"encoding": encoding, "delimiter": delimiter, "batch": 7}
            fast = export_bytes(fixture_db, tmp_path / "fast.csv", preset, per, scope, **options)
            assert paths_taken.pop() is True
            general = general_bytes(fixture_db, tmp_path / "general.csv", monkeypatch, preset,
                                    per, scope, **options)
            assert fast == general, (encoding, delimiter)
            assert fast.startswith(BOM) == (encoding != "utf-8")


@pytest.mark.parametrize("preset", ["hubspot", "salesforce"])
def test_computed_columns_take_the_general_path(fixture_db: Database, tmp_path: Path,
                                                paths_taken: list[bool], preset: str) -> None:
    export_bytes(fixture_db, tmp_path / "out.csv", preset, "submission", "all")
    assert paths_taken == [False]


# The SQL cell expressions one value at a time, against the Python they stand in for. The golden
# files cover the values a database holds; these cover the shortcuts' edges: every first
# character around the triggers' code points, phone numbers just inside and just outside the
# rule, and moments just inside and outside what timestamp() slices.
PHONE_ALPHABET = "+0123456789 ()-./x"


def guard_values() -> list[str | None]:
    rng = random.Random(2026)
    firsts = [chr(c) for c in range(0x80)] + ["é", "日", "🙂", "\u00a0", "\u2212", "＝"]
    values: list[str | None] = [None, "", *firsts, *(f + "rest" for f in firsts), *NUMBERS,
                                "+46 31 555 21 80", "+46  31 555 21 80", "+46 31 555 21 80 ",
                                " +46 31 555 21 80", "+1 2", "+12", "+1", "+", "+ 1", "+123456",
                                "+1 23456", "+1 234567", "+1 2345678901234", "+1 23456789012345",
                                "+12345678901234567890", "+١٢٣ ٤٥٦ ٧٨٩", "+1\u00a0234 5678",
                                "+1 234 5678\n", "+1 234 5678\x00", "+1 234 5678\x00=cmd"]
    values += ["".join(rng.choice(PHONE_ALPHABET) for _ in range(rng.randint(0, 18)))
               for _ in range(3000)]
    values += ["+" + "".join(rng.choice("0123456789 ") for _ in range(rng.randint(1, 20)))
               for _ in range(3000)]
    return values


def moment_values() -> list[str | None]:
    """Stored moments timestamp() can read: sliced ones (a trigger or a non-digit first, other
    characters in the date, NUL inside or after the 19) and ones it parses."""
    return [None, "2026-03-02 09:00:00.123456", "2026-03-02 09:00:00", "2026-03-02 09:00",
            "2026-03-02T09:00:00+02:00", "2026-03-02 09:00:00+02:00", "=026-03-02 09:00:00",
            "-026-03-02 09:00:00.5", "+026-03-02 09:00:00", "\t026-03-02 09:00:00",
            "x026-03-02 09:00:00", "2ä26-03-02 09:00:00.5", "2026-03-0ä 09:0ö:00xyz",
            "1234567890 12345678", "2026-03-02 09:00:00\x00.5",
            "2026-03-02 09:\x0000:00.5"]


def sql_cells(expression: Any, values: Sequence[str | None]) -> list[Any]:
    db = Database.open("sqlite://")
    try:
        with db.session() as s:
            connection = s.connection()
            csv_lines.register(connection.connection.dbapi_connection)
            value = bindparam("value", type_=String)
            stmt = select(expression(value))
            return [connection.execute(stmt, {"value": v}).scalar_one() for v in values]
    finally:
        db.close()


def test_the_sql_guard_is_neutralise() -> None:
    values = guard_values()
    assert sql_cells(sqlite_csv._guarded, values) == [neutralise(v) for v in values]


def test_the_sql_phone_shortcut_admits_only_what_the_guard_keeps() -> None:
    values = guard_values()
    admitted = sql_cells(sqlite_csv._plain_phone, values)
    assert all(v is not None and is_plain_number(v)
               for v, yes in zip(values, admitted, strict=True) if yes)
    # ... and it admits the common form, so that Python is not called for it.
    common = ["+46 31 555 21 80", "+353 1 8887 55852", "+12", "+1 234567", "+1 23456789012345"]
    assert all(sql_cells(sqlite_csv._plain_phone, common))
    assert not any(sql_cells(sqlite_csv._plain_phone, ["+1 23456", "+1 234567890123456",
                                                       "+46  31", "+46 31 ", "+46 31 5x"]))


def test_the_sql_time_is_timestamp_through_the_guard() -> None:
    values = moment_values()
    assert sql_cells(sqlite_csv._time, values) == [neutralise(timestamp(v)) for v in values]


def test_name_parts_side_by_side_are_sliced_in_and_others_reordered() -> None:
    assert csv_lines.layout(tuple(c.field or "" for c in SIDE_BY_SIDE.columns)).cut == 1
    assert csv_lines.layout(tuple(c.field or "" for c in presets.GENERIC.columns)).cut == 5
    assert csv_lines.layout(tuple(c.field or "" for c in custom().columns)).cut is None
