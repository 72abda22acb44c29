"""`leaddesk edit`, `reparse`, `labels` and `status ID new` bringing a hidden lead back."""

from __future__ import annotations

import json

import pytest

from leaddesk.db import Database
from tests.support.cli import Runner, show_json
from tests.support.correction_mail import SENDER, SITE, lead, spam
from tests.support.factories import make_contact, make_submission


@pytest.fixture
def url(sqlite_url: str) -> str:
    db = Database.open(sqlite_url)
    with db.session() as s:
        jane = make_contact(s, "jane@acme.example")
        make_contact(s, "jane.roe@acme.example")
        make_submission(s, id=1, raw=lead(), visitor_name="Area of work", page_url=None,
                        visitor_email="jane@acme.example", contact_id=jane.id, parser_version=0)
        make_submission(s, id=2, raw=spam(), status="spam", spam_reason="4 links in the message",
                        message_id="<spam-1@example-pharma.com>")
        make_submission(s, id=3, is_submission=False,
                        not_submission_reason="auto-reply", problems=["not a form submission: "
                                                                      "auto-reply"])
    db.close()
    return sqlite_url


show = show_json


def test_edit_sets_fields_and_show_says_who(run: Runner, url: str) -> None:
    result = run("--db", url, "--as", "Ada", "edit", "1", "--name", "Jane Roe", "--topic",
                 "Oncology", "--page-url", f"{SITE}/blog/x/")
    assert result.code == 0, result.err
    assert "#1 changed: edited name, topic, page_url (version 2)" in result.out
    data = show(run, url, 1)
    assert (data["name"], data["topic"], data["page_url"]) == (
        "Jane Roe", "Oncology", f"{SITE}/blog/x/")
    edited = data["edited_fields"]
    assert isinstance(edited, dict)
    assert edited["name"]["by"] == "Ada"
    text = run("--db", url, "show", "1").out
    assert "Edited:" in text
    assert "name by Ada" in text


def test_edit_refuses_a_bad_email_and_a_stale_version(run: Runner, url: str) -> None:
    bad = run("--db", url, "edit", "1", "--email", "jane at acme")
    assert bad.code == 1
    assert "invalid e-mail address" in bad.err
    assert bad.err[-1] == "\n"
    assert run("--db", url, "status", "1", "open").code == 0
    stale = run("--db", url, "edit", "1", "--name", "X", "--expect-version", "1")
    assert stale.code == 1
    assert "changed by" in stale.err
    assert run("--db", url, "edit", "1").code == 1  # nothing to edit


def test_edit_offers_and_makes_a_contact_merge(run: Runner, url: str) -> None:
    offered = run("--db", url, "edit", "1", "--email", "jane.roe@acme.example")
    assert "leaddesk contacts merge 2 1" in offered.out
    run("--db", url, "edit", "1", "--email", "jane@acme.example")
    merged = run("--db", url, "edit", "1", "--email", "jane.roe@acme.example", "--merge-contact")
    assert "merged contact 1 into 2" in merged.out


def test_hidden_messages_say_why_and_status_new_brings_them_back(run: Runner, url: str) -> None:
    assert show(run, url, 2)["spam_reason"] == "4 links in the message"
    data = show(run, url, 3)
    assert (data["is_submission"], data["not_submission_reason"]) == (False, "auto-reply")
    assert "status ID new" in run("--db", url, "show", "3").out
    result = run("--db", url, "status", "2,3", "new")
    assert result.code == 0
    assert "2 of 2 submissions changed" in result.out
    back = [json.loads(line)["id"] for line in run("--db", url, "list", "--json").out.splitlines()]
    assert {2, 3} <= set(back)


def test_reparse_dry_run_then_for_real(run: Runner, url: str) -> None:
    dry = run("--db", url, "reparse", "--dry-run")
    assert dry.code == 0, dry.err
    assert "name" in dry.out
    assert "#1 name: Area of work → Jane Roe" in dry.out
    assert "Nothing was written" in dry.out
    assert show(run, url, 1)["name"] == "Area of work"
    real = run("--db", url, "reparse", "--json")
    report = json.loads(real.out)
    assert report["counts"]["name"] == 2
    assert not report["dry_run"]
    assert show(run, url, 1)["name"] == "Jane Roe"
    assert show(run, url, 2)["status"] == "spam"  # still spam: the parser agrees


def test_reparse_takes_the_list_filters(run: Runner, url: str) -> None:
    report = json.loads(run("--db", url, "reparse", "--json", "-q", "nobody-matches").out)
    assert report["examined"] == 0


def test_labels_map_list_remove_and_reparse(run: Runner, url: str) -> None:
    taught = run("--db", url, "--as", "Ada", "labels", "map", "Area of work", "topic",
                 "--form", SENDER)
    assert taught.code == 0
    assert "is topic on " + SENDER in taught.out
    listed = [json.loads(line) for line in run("--db", url, "labels", "list", "--json")
              .out.splitlines()]
    assert [(r["form"], r["label"], r["field"], r["created_by"]) for r in listed] == [
        (SENDER, "Area of work", "topic", "Ada")]
    assert run("--db", url, "reparse").code == 0
    assert show(run, url, 1)["topic"] == "Oncology"
    assert run("--db", url, "labels", "remove", "Area of work", "--form", SENDER).code == 0
    assert run("--db", url, "labels", "list").err.startswith("no labels taught yet")
    missing = run("--db", url, "labels", "remove", "Area of work")
    assert missing.code == 1
    assert "no taught label" in missing.err


def test_labels_map_refuses_an_unknown_field(run: Runner, url: str) -> None:
    result = run("--db", url, "labels", "map", "Area", "favourite colour")
    assert result.code == 1
    assert "unknown field" in result.err
    assert run("--db", url, "labels", "map", "Where", "page").code == 0
