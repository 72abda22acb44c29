"""`leaddesk list` and `show` against a real database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaddesk.config import default_db_path
from tests.support.cli import Runner
from tests.support.factories import seed_small_inbox

JSON_KEYS = {"id", "message_id", "account", "received_at", "submitted_at", "name", "email",
             "phone", "company", "topic", "page_url", "post_title", "status", "is_spam",
             "is_submission", "tags", "assignee", "subject", "message", "problems"}


@pytest.fixture
def url(sqlite_url: str) -> str:
    return seed_small_inbox(sqlite_url)


def test_list_shows_the_inbox_newest_first(run: Runner, url: str) -> None:
    result = run("--db", url, "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["ID", "RECEIVED", "STATUS"]
    assert "Bob Stone" in lines[1]
    assert "Zoë Müller" in lines[2]
    assert "Spammy" not in result.out


def test_list_json_has_the_documented_fields(run: Runner, url: str) -> None:
    result = run("--db", url, "list", "--json", "--all")
    objects = [json.loads(line) for line in result.out.splitlines()]
    assert [o["name"] for o in objects] == ["Spammy", "Bob Stone", "Zoë Müller"]
    assert all(set(o) >= JSON_KEYS for o in objects)
    assert objects[0]["is_spam"] is True
    assert objects[2]["tags"] == ["hot"]


LIST_CASES = [
    (["--status", "open"], ["Bob Stone"]),
    (["--topic", "patient engagement"], ["Zoë Müller"]),  # whatever the letter case
    (["--topic", "Patient engagement"], ["Zoë Müller"]),
    (["--tag", "hot"], ["Zoë Müller"]),
    (["--assignee", "Ada"], ["Bob Stone"]),
    (["--unassigned"], ["Zoë Müller"]),
    (["-q", "white paper"], ["Zoë Müller"]),
    (["--since", "2026-03-03"], ["Bob Stone"]),
    (["--until", "2026-03-02"], ["Zoë Müller"]),
    (["--sort", "name", "--asc"], ["Bob Stone", "Zoë Müller"]),
    (["--status", "spam"], ["Spammy"]),
    (["--limit", "0"], ["Bob Stone", "Zoë Müller"]),
    (["--limit", "1", "--offset", "1"], ["Zoë Müller"]),
]


@pytest.mark.parametrize(("options", "expected"), LIST_CASES)
def test_list_filters(run: Runner, url: str, options: list[str], expected: list[str]) -> None:
    result = run("--db", url, "list", "--json", *options)
    assert result.code == 0, result.err
    assert [json.loads(line)["name"] for line in result.out.splitlines()] == expected


@pytest.mark.postgres
def test_list_on_postgresql_reads_the_same_without_a_transaction(
        run: Runner, postgres_url: str) -> None:
    url = seed_small_inbox(postgres_url)  # `list` reads in Database.reading(): autocommit
    for options, expected in LIST_CASES:
        result = run("--db", url, "list", "--json", *options)
        assert result.code == 0, result.err
        assert [json.loads(line)["name"] for line in result.out.splitlines()] == expected, options
    assert run("--db", url, "list", "--count", "--all").out.strip() == "3"
    assert run("--db", url, "list", "--count", "--status", "open").out.strip() == "1"


def test_list_count(run: Runner, url: str) -> None:
    assert run("--db", url, "list", "--count", "--all").out.strip() == "3"


def test_show_prints_fields_message_and_history(run: Runner, url: str) -> None:
    ident = json.loads(run("--db", url, "list", "--json", "--tag", "hot").out)["id"]
    result = run("--db", url, "show", str(ident))
    assert result.code == 0
    assert "Zoë Müller" in result.out
    assert "Topic: Patient engagement" in result.out
    assert "  Thanks!" in result.out
    data = json.loads(run("--db", url, "show", str(ident), "--json").out)
    assert data["fields"] == {"Your Name": "Zoë Müller", "Topic": "Patient engagement"}
    assert data["raw_size"] == len(b"From: site@example.org\r\n\r\nraw body")


@pytest.mark.parametrize(("argv", "message"), [
    (["show", "999"], "no submission 999"),
    (["list", "--status", "later"], "unknown status 'later'"),
    (["list", "--since", "yesterday"], "not a date: 'yesterday'"),
])
def test_user_errors_are_one_line_and_nonzero(run: Runner, url: str, argv: list[str],
                                              message: str) -> None:
    result = run("--db", url, *argv)
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert message in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("typed", ["speakers bureaus", "SPEAKERS BUREAUS", "Speakers bureaus"])
def test_topic_matches_whatever_the_letter_case(run: Runner, url: str, typed: str) -> None:
    result = run("--db", url, "list", "--json", "--topic", typed)
    assert result.code == 0, result.err
    assert [json.loads(line)["name"] for line in result.out.splitlines()] == ["Bob Stone"]


def test_tag_matches_whatever_the_letter_case(run: Runner, url: str) -> None:
    result = run("--db", url, "list", "--json", "--tag", "HOT")
    assert [json.loads(line)["name"] for line in result.out.splitlines()] == ["Zoë Müller"]
    assert run("--db", url, "list", "--count", "--tag", "Hot", "--topic", "patient ENGAGEMENT",
               ).out.strip() == "1"


def test_a_topic_that_matches_nothing_names_the_closest(run: Runner, url: str) -> None:
    result = run("--db", url, "list", "--topic", "speaker bureau")
    assert result.code == 1
    assert result.out == ""
    assert result.err == ('leaddesk: no topic "speaker bureau" (--topic); '
                          'did you mean "Speakers bureaus"?\n')
    far = run("--db", url, "list", "--json", "--topic", "xyz")
    assert far.code == 1
    assert far.out == ""
    assert '"Patient engagement", "Speakers bureaus"' in far.err  # the topics there are
    # "none" still means "no topic", never a name to look up.
    assert run("--db", url, "list", "--count", "--topic", "none").code == 0


def test_a_tag_that_matches_nothing_names_the_closest(run: Runner, url: str) -> None:
    result = run("--db", url, "list", "--tag", "hott")
    assert result.code == 1
    assert result.err == 'leaddesk: no tag "hott" (--tag); did you mean "hot"?\n'
    export = run("--db", url, "export", "--tag", "hott")
    assert (export.code, export.err) == (1, result.err)


def test_an_empty_default_database_says_where_the_demo_is(run: Runner, tmp_path: Path) -> None:
    # The data directory is the test's (see tests/conftest.py); no --db: the default database.
    empty = run("list")
    assert empty.code == 0
    assert empty.out.split() == ["ID", "RECEIVED", "STATUS", "NAME", "E-MAIL", "TOPIC", "OWNER",
                                 "TAGS", "SUBJECT"]  # stdout as ever
    assert empty.err.count("\n") == 1
    assert "no messages in" in empty.err
    assert "`leaddesk demo` opens demo leads, in a database of their own" in empty.err
    assert run("list", "--json").out == ""  # --json output unchanged: nothing
    assert run("demo", "--no-gui").code == 0
    demo_url = f"sqlite:///{default_db_path().parent / 'demo.db'}"
    after = run("list", "--json")
    assert after.out == ""
    assert f"`leaddesk --db {demo_url} list` lists it" in after.err
    assert "`leaddesk demo` opens it" in after.err
    # Never for a database named with --db, nor for one with messages.
    assert run("--db", demo_url, "list", "--count").err == ""
    assert run("--db", f"sqlite:///{tmp_path / 'other.db'}", "list").err == ""
