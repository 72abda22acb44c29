"""Triage from the command line: status, tag, assign, note, tags, members and contacts."""

from __future__ import annotations

import json

import pytest

from leaddesk.db import Database
from tests.support.cli import Runner, show_json
from tests.support.factories import make_contact, make_submission


@pytest.fixture
def url(sqlite_url: str) -> str:
    db = Database.open(sqlite_url)
    with db.session() as s:
        zoe = make_contact(s, "zoe@pharma.example", name="Zoë")
        other = make_contact(s, "zoe.mueller@private.example")
        for n in range(1, 4):
            make_submission(s, id=n, visitor_name=f"Lead {n}", contact_id=zoe.id,
                            visitor_email="zoe@pharma.example")
        make_submission(s, id=4, visitor_name="Lead 4", contact_id=other.id,
                        visitor_email="zoe.mueller@private.example")
    db.close()
    return sqlite_url


show = show_json


def test_status_changes_and_is_audited_with_the_actor(run: Runner, url: str) -> None:
    result = run("--db", url, "--as", "Ada", "status", "1", "done")
    assert result.code == 0, result.err
    assert "#1 changed" in result.out
    data = show(run, url, 1)
    assert data["status"] == "done"
    history = data["history"]
    assert isinstance(history, list)
    assert history[-1]["actor"] == "Ada"
    assert history[-1]["after"] == {"status": "done"}


def test_bulk_status_over_a_range(run: Runner, url: str) -> None:
    result = run("--db", url, "status", "1-3", "open")
    assert result.out.strip() == "3 of 3 submissions changed"
    assert [show(run, url, i)["status"] for i in (1, 2, 3, 4)] == ["open", "open", "open", "new"]


def test_stale_version_is_a_conflict_naming_who_changed_it(run: Runner, url: str) -> None:
    assert run("--db", url, "--as", "Ada", "status", "1", "open").code == 0
    result = run("--db", url, "--as", "Bob", "status", "1", "done", "--expect-version", "1")
    assert result.code == 1
    assert "Ada" in result.err
    assert show(run, url, 1)["status"] == "open"


def test_tags_assign_and_notes(run: Runner, url: str) -> None:
    assert run("--db", url, "tag", "1,2", "hot").code == 0
    assert run("--db", url, "tag", "2", "hot", "--remove").code == 0
    assert run("--db", url, "tags", "recolour", "hot", "red").code == 0
    listing = run("--db", url, "tags").out
    assert "hot" in listing
    assert "#ff0000" in listing
    assert run("--db", url, "members", "add", "Ada").code == 0
    assert run("--db", url, "assign", "1", "Ada").code == 0
    assert run("--db", url, "note", "1", "Called back, wants a quote").code == 0
    data = show(run, url, 1)
    assert data["tags"] == ["hot"]
    assert data["assignee"] == "Ada"
    notes = data["notes"]
    assert isinstance(notes, list)
    assert notes[0]["body"] == "Called back, wants a quote"
    assert show(run, url, 2)["tags"] == []
    assert run("--db", url, "assign", "1", "none").code == 0
    assert show(run, url, 1)["assignee"] is None


@pytest.mark.parametrize(("argv", "message"), [
    (["status", "1", "later"], "unknown status 'later'"),
    (["status", "99", "done"], "no submission 99"),
    (["status", "x", "done"], "not a submission id"),
    (["assign", "1", "Nobody"], "leaddesk members add"),
    (["tags", "create", "vip", "--colour", "sparkly"], "invalid colour"),
    (["note", "1", "   "], "empty"),
    (["contacts", "erase", "zoe@pharma.example"], "--yes"),
])
def test_triage_errors_are_one_clear_line(run: Runner, url: str, argv: list[str],
                                          message: str) -> None:
    result = run("--db", url, *argv)
    assert result.code == 1
    assert message in result.err
    assert result.err.count("\n") == 1


def test_contacts_merge_and_erase(run: Runner, url: str) -> None:
    keep = json.loads(run("--db", url, "contacts", "show", "zoe@pharma.example", "--json").out)
    drop = json.loads(run("--db", url, "contacts", "show", "zoe.mueller@private.example",
                          "--json").out)
    merged = run("--db", url, "contacts", "merge", str(keep["id"]), str(drop["id"]))
    assert "1 submissions moved" in merged.out
    after = json.loads(run("--db", url, "contacts", "show", str(keep["id"]), "--json").out)
    assert after["submissions"] == 4
    assert after["aliases"] == ["zoe.mueller@private.example"]
    erased = run("--db", url, "contacts", "erase", "zoe@pharma.example", "--yes")
    assert erased.code == 0, erased.err
    assert "4 submissions" in erased.out
    assert run("--db", url, "list", "--count", "--all").out.strip() == "0"


def test_tag_messages_name_the_tag(run: Runner, url: str) -> None:
    assert run("--db", url, "tag", "1", "vip").out.startswith('#1 changed: tagged "vip" (version')
    again = run("--db", url, "tag", "1", "VIP")
    assert again.code == 0
    assert again.out.startswith('#1 unchanged: already tagged "vip" (version')
    assert run("--db", url, "tag", "1,2", "vip").out.strip() == \
        '1 of 2 submissions changed (tagged "vip")'
    assert run("--db", url, "tag", "1", "vip", "--remove").out.startswith(
        '#1 changed: tag "vip" removed')
    assert run("--db", url, "tag", "1", "vip", "--remove").out.startswith(
        '#1 unchanged: not tagged "vip"')


def test_members_list_shows_who_is_away_as_text_and_json(run: Runner, url: str) -> None:
    for name in ("Ada", "Bob"):
        assert run("--db", url, "members", "add", name).code == 0
    assert run("--db", url, "rules", "away", "bob").code == 0
    lines = run("--db", url, "members", "list").out.splitlines()
    assert lines[0].split() == ["NAME", "E-MAIL", "ACTIVE", "ASSIGNED", "AWAY"]
    assert [(line.split()[0], line.split()[-1]) for line in lines[1:]] == [("Ada", "no"),
                                                                            ("Bob", "yes")]
    for argv in (["members", "list", "--json"], ["members", "--json"],
                 ["members", "--json", "list"]):
        rows = [json.loads(line) for line in run("--db", url, *argv).out.splitlines()]
        assert {r["name"]: r["away"] for r in rows} == {"Ada": False, "Bob": True}, argv
        # Added beside the keys a member already had, none renamed.
        assert {"name", "email", "active", "assigned"} <= set(rows[0])
    assert run("--db", url, "rules", "back", "Bob").code == 0
    rows = [json.loads(line) for line in run("--db", url, "members", "--json").out.splitlines()]
    assert not any(r["away"] for r in rows)
