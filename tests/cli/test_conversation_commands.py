"""The command line on a conversation: list --needs-reply / --unread, show prints it, show --json
carries `messages` (the submission first), export's "messages" and "last_contact" columns."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Account, Submission
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import Incoming, store_batch
from tests.support.cli import Runner
from tests.support.conversation import WHEN, answer, mail, our_reply
from tests.support.mail import notification

REPLY = "<reply-1@example-agency.com>"


def put(db: Database, raw: bytes, key: str) -> None:
    store_batch(db, [Incoming(key, raw, parse_message(raw))], account_id=None)


@pytest.fixture
def url(db_url: str) -> str:
    """Two leads: Nadia's, answered and answered back; Omar's, untouched."""
    db = Database.open(db_url)
    put(db, notification(1, name="Nadia Benali", email="nadia@example.net"), "k:1")
    put(db, notification(2, name="Omar Haddad", email="omar@example.net"), "k:2")
    with db.session() as s:
        lead = s.execute(select(Submission).where(
            Submission.visitor_email == "nadia@example.net")).scalar_one()
        our_reply(s, lead, message_id=REPLY)
    put(db, answer(1, to_message=REPLY), "k:3")
    db.close()
    return db_url


def ids(run: Runner, url: str, *options: str) -> list[int]:
    result = run("--db", url, "list", "--json", *options)
    assert result.code == 0, result.err
    return [json.loads(line)["id"] for line in result.out.splitlines()]


def test_needs_reply_and_unread(run: Runner, url: str) -> None:
    assert ids(run, url, "--needs-reply") == [2, 1]  # Omar's is not answered yet
    assert ids(run, url, "--unread") == [1]
    row = json.loads(run("--db", url, "list", "--json", "--unread").out)
    assert (row["unread"], row["message_count"], row["needs_reply"]) == (True, 3, True)
    assert row["last_contact"] == (WHEN + timedelta(hours=1)).isoformat()
    # A colleague's reply from another mail program takes the lead out of "needs reply".
    db = Database.open(url)
    raw = mail(sender="Bob <bob@example-agency.com>", to="nadia@example.net",
               subject="Re: Patient engagement", message_id="<bob-1@example-agency.com>",
               body="Bob here.", in_reply_to="<answer-1@example.net>",
               when=WHEN + timedelta(hours=2))
    with db.session() as s:
        s.add(Account(name="me", kind="smtp", settings={"from_address": "bob@example-agency.com"}))
    put(db, raw, "k:4")
    db.close()
    assert ids(run, url, "--needs-reply") == [2]


def test_show_prints_the_conversation(run: Runner, url: str) -> None:
    result = run("--db", url, "show", "1")
    assert result.code == 0, result.err
    out = result.out
    assert "Conversation (3 messages, the submission first):" in out
    assert "→ to the visitor  Ada <team@example-agency.com> (sent by Ada from LeadDesk)" in out
    assert "← from the visitor  Nadia Benali <nadia@example.net>" in out
    assert "Yes please, send it to my colleague too." in out
    assert "[… 2 quoted lines folded]" in out
    assert "> Thanks for reading!" not in out
    assert "Attention:  unread answer, needs reply" in out


def test_show_json_carries_the_messages_in_time_order(run: Runner, url: str) -> None:
    data = json.loads(run("--db", url, "show", "1", "--json").out)
    messages = data["messages"]
    assert [m["direction"] for m in messages] == ["in", "out", "in"]
    assert messages[0]["kind"] == "submission"
    assert messages[0]["message_id"] == "<notification-1@example-pharma-agency.com>"
    assert [m["message_id"] for m in messages[1:]] == [REPLY, "<answer-1@example.net>"]
    for m in messages:
        assert {"direction", "from", "date", "subject", "text", "message_id"} <= set(m)
    assert messages[2]["from"] == "Nadia Benali <nadia@example.net>"
    assert messages[2]["text"].startswith("Yes please")
    assert [m["date"] for m in messages] == sorted(m["date"] for m in messages)


def test_export_has_messages_and_last_contact(run: Runner, url: str) -> None:
    result = run("--db", url, "export", "--asc")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(result.out.lstrip("\ufeff").splitlines()))
    assert [(r["messages"], r["last_contact"]) for r in rows] == [
        ("3", (WHEN + timedelta(hours=1)).isoformat()), ("1", rows[1]["received_at"])]


def test_activity_sort_puts_the_latest_answer_first(run: Runner, url: str) -> None:
    # Omar's lead arrived after Nadia's, but Nadia answered since.
    assert ids(run, url, "--sort", "activity") == [1, 2]
