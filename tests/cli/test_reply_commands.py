"""`leaddesk reply` and `leaddesk templates` against a real aiosmtpd server."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from leaddesk import accounts, secrets
from leaddesk.db import Database
from tests.support import smtp as smtp_support
from tests.support.cli import Runner
from tests.support.factories import make_post, make_submission
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import free_port
from tests.support.smtp import ServerFactory, SmtpServer

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def url(sqlite_url: str) -> str:
    db = Database.open(sqlite_url)
    with db.session() as s:
        post = make_post(s, "https://example-agency.com/blog/imi/", "Europe's IMI Sets Pace")
        make_submission(s, id=7, visitor_name="Zoë Müller", visitor_email="zoe@example.net",
                        message_id="<n7@example-agency.com>",
                        subject="New message from Send Us A Message",
                        fields={"Your Subject": "Website enquiry"},
                        body_text="Please send the white paper.", topic="Patient engagement",
                        post_id=post.id)
    db.close()
    return sqlite_url


def add_account(url: str, server: SmtpServer, name: str = "replies", port: int | None = None) -> None:
    db = Database.open(url)
    with db.session() as s:
        accounts.add_account(s, name, "smtp", {
            "host": "127.0.0.1", "port": port or server.port, "security": server.mode,
            "user": smtp_support.USER, "from_address": "team@example-agency.com",
            "from_name": "Ada Lovelace"}, actor="tester")
    db.close()
    secrets.set_secret(secrets.secret_ref(name), smtp_support.PASSWORD)


def show(run: Runner, url: str) -> dict[str, Any]:
    result = run("--db", url, "show", "7", "--json")
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def test_templates_crud(run: Runner, url: str, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("Hi {first_name},\n\nthanks for reading {post_title}.\n\n{my_name}\n")
    added = run("--db", url, "templates", "add", "white paper", "--body-file", str(body),
                "--subject", "Your white paper, {first_name}")
    assert added.code == 0, added.err
    bad = tmp_path / "bad.txt"
    bad.write_text("Hi {firstname}")
    refused = run("--db", url, "templates", "add", "bad", "--body-file", str(bad))
    assert refused.code == 1
    assert "unknown placeholder {firstname}" in refused.err
    listed = run("--db", url, "templates", "list", "--json")
    assert [json.loads(line)["name"] for line in listed.out.splitlines()] == ["white paper"]
    assert run("--db", url, "templates", "edit", "white paper", "--rename", "wp").code == 0
    shown = run("--db", url, "templates", "show", "wp")
    assert "Subject: Your white paper, {first_name}" in shown.out
    assert run("--db", url, "templates", "remove", "wp").code == 0
    assert "no templates yet" in run("--db", url, "templates").err


def test_reply_with_a_template(run: Runner, url: str, tmp_path: Path,
                               memory_keyring: MemoryKeyring, smtp_server: ServerFactory) -> None:
    server = smtp_server("starttls")
    add_account(url, server)
    body = tmp_path / "body.txt"
    body.write_text("Hi {first_name},\n\nthanks for reading {post_title}.\n\n{my_name}\n")
    assert run("--db", url, "templates", "add", "wp", "--body-file", str(body)).code == 0
    assert run("--db", url, "accounts", "edit", "replies", "--ca-file", str(server.cert)).code == 0

    result = run("--db", url, "--as", "Ada", "reply", "7", "--template", "wp", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["to"], data["status"], data["copied_to"]) == (["zoe@example.net"], "waiting", None)
    (got,) = server.received
    msg = got.message
    assert msg["Message-ID"] == data["message_id"]
    assert msg["Subject"] == "Re: Website enquiry"
    assert msg["In-Reply-To"] == "<n7@example-agency.com>"
    text = msg.get_content().replace("\r\n", "\n")
    assert text.startswith("Hi Zoë,\n\nthanks for reading Europe's IMI Sets Pace.\n\nAda Lovelace\n")
    assert "> Please send the white paper." in text
    shown = show(run, url)
    assert shown["status"] == "waiting"
    replies = shown["replies"]
    assert isinstance(replies, list)
    assert replies[0]["state"] == "sent"


def test_reply_with_a_body_file_and_overrides(run: Runner, url: str, tmp_path: Path,
                                              memory_keyring: MemoryKeyring,
                                              smtp_server: ServerFactory) -> None:
    server = smtp_server("plain")
    add_account(url, server)
    body = tmp_path / "reply.txt"
    body.write_text("Dear Zoë,\nhere it is.\n")
    result = run("--db", url, "reply", "7", "--body-file", str(body), "--to", "z@example.org",
                 "--cc", "boss@example-agency.com", "--subject", "The paper", "--no-quote",
                 "--keep-status")
    assert result.code == 0, result.err
    assert "sent reply to z@example.org, boss@example-agency.com via replies" in result.out
    (got,) = server.received
    assert got.rcpt_tos == ["z@example.org", "boss@example-agency.com"]
    assert got.message["Subject"] == "The paper"
    assert got.message.get_content().replace("\r\n", "\n") == "Dear Zoë,\nhere it is.\n"
    assert show(run, url)["status"] == "new"


@pytest.mark.parametrize("char", ["\r", "\n", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
                                  "\u2028", "\u2029"])
def test_any_line_break_in_the_subject_is_one_line_refusal(run: Runner, url: str, tmp_path: Path,
                                                          memory_keyring: MemoryKeyring,
                                                          smtp_server: ServerFactory, char: str) -> None:
    server = smtp_server("plain")
    add_account(url, server)
    body = tmp_path / "reply.txt"
    body.write_text("Dear Zoë")
    result = run("--db", url, "reply", "7", "--body-file", str(body),
                 "--subject", f"The paper{char}Bcc: victim@example.org")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err.strip().count("\n") == 0
    assert "the subject contains a line break" in result.err
    assert server.received == []


def test_a_failed_reply_keeps_the_draft_and_marks_nothing(run: Runner, url: str, tmp_path: Path,
                                                          memory_keyring: MemoryKeyring,
                                                          smtp_server: ServerFactory) -> None:
    server = smtp_server("plain")
    add_account(url, server, port=free_port())
    body = tmp_path / "reply.txt"
    body.write_text("Dear Zoë")
    failed = run("--db", url, "reply", "7", "--body-file", str(body))
    assert failed.code == 1
    assert "refused the connection" in failed.err
    shown = show(run, url)
    assert shown["status"] == "new"
    (reply,) = shown["replies"]
    assert reply["state"] == "failed"
    assert run("--db", url, "list", "--replied", "--count").out.strip() == "0"
    # Fixed, the next attempt continues the same draft.
    assert run("--db", url, "accounts", "edit", "replies", "--port", str(server.port)).code == 0
    assert run("--db", url, "reply", "7", "--body-file", str(body)).code == 0
    (reply,) = show(run, url)["replies"]
    assert reply["state"] == "sent"


def test_which_account(run: Runner, url: str, tmp_path: Path, memory_keyring: MemoryKeyring,
                       smtp_server: ServerFactory) -> None:
    body = tmp_path / "b.txt"
    body.write_text("x")
    none = run("--db", url, "reply", "7", "--body-file", str(body))
    assert (none.code, "no SMTP account" in none.err) == (1, True)
    server = smtp_server("plain")
    add_account(url, server, "one")
    add_account(url, server, "two")
    both = run("--db", url, "reply", "7", "--body-file", str(body))
    assert (both.code, "choose one with --account (one, two)" in both.err) == (1, True)
    assert run("--db", url, "reply", "7", "--body-file", str(body), "--account", "two").code == 0
    neither = run("--db", url, "reply", "7")
    assert neither.code == 2  # --template or --body-file is required


@pytest.mark.parametrize("kind", ["folder", "pipe", "device", "binary"])
def test_a_body_file_that_is_no_text_file_is_one_line(run: Runner, url: str, tmp_path: Path,
                                                     kind: str) -> None:
    path = {"folder": tmp_path, "pipe": tmp_path / "pipe", "device": Path("/dev/zero"),
            "binary": tmp_path / "cv.pdf"}[kind]
    if kind == "pipe":
        os.mkfifo(path)  # read, it would wait for a writer for ever
    if kind == "binary":
        path.write_bytes(b"%PDF-1.7\n\xe2\x28\xa1\xff")
    result = run("--db", url, "templates", "add", "odd", "--body-file", str(path))
    assert result.code == 1
    said = "is not UTF-8 text" if kind == "binary" else "is not a text file"
    assert result.err == f"leaddesk: {path} {said}\n"
