"""`leaddesk accounts add api …`, `sync NAME` and `list --json` against the loopback form API."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from leaddesk import secrets
from tests.ingest.api.server import FormApiServer, Generic, Netlify
from tests.support.cli import Runner
from tests.support.keyrings import MemoryKeyring

TOKEN = "nfp_T0ken-for-the-cli-test"
FORM = "5f1e2d3c4b5a697887766554"


@pytest.fixture
def server() -> Iterator[FormApiServer]:
    instance = FormApiServer()
    yield instance
    instance.close()


def with_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def test_add_sync_list(run: Runner, sqlite_url: str, server: FormApiServer,
                       memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    Netlify(server)
    with_stdin(monkeypatch, TOKEN)
    added = run("--db", sqlite_url, "accounts", "add", "api", "site", "--preset", "netlify",
                "--base-url", server.url + "/api/v1", "--form", FORM, "--token-stdin")
    assert added.code == 0, added.err
    assert added.out == f"added Netlify Forms account site (form {FORM}); run `leaddesk sync site`\n"
    assert memory_keyring.store[("LeadDesk", secrets.secret_ref("site"))] == TOKEN
    assert TOKEN not in added.out + added.err

    synced = run("--db", sqlite_url, "sync", "site")
    assert synced.code == 0, synced.err
    assert synced.out == "site: 7 new, 0 already there\n"
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"

    listed = run("--db", sqlite_url, "list", "--json")
    rows = [json.loads(line) for line in listed.out.splitlines()]
    assert len(rows) == 7
    assert "henrik.nielsen@nordicure.example" in listed.out

    again = run("--db", sqlite_url, "sync")  # every enabled account, API ones included
    assert (again.code, again.out) == (0, "site: 0 new, 0 already there\n")


def test_generic_with_a_config_file(run: Runner, sqlite_url: str, server: FormApiServer,
                                    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path) -> None:
    Generic(server)
    config = tmp_path / "leads-api.json"
    config.write_text(json.dumps({
        "url": "{base_url}/v1/leads", "records": "data", "order": "oldest_first",
        "auth": {"type": "header", "name": "X-API-Key"},
        "pagination": {"style": "cursor", "cursor_path": "meta.next_cursor",
                       "size_param": "limit", "size": 2},
        "fields": {"id": "uuid", "name": "contact.full_name", "email": "contact.email",
                   "message": "text", "submitted_at": "created"}}))
    with_stdin(monkeypatch, TOKEN)
    added = run("--db", sqlite_url, "accounts", "add", "api", "leads", "--preset", "generic",
                "--base-url", server.url, "--config", str(config), "--token-stdin")
    assert added.code == 0, added.err
    synced = run("--db", sqlite_url, "sync", "leads")
    assert synced.out == "leads: 7 new, 0 already there\n"
    assert {s.query.get("cursor") for s in server.requests} == {None, "2", "4", "6"}
    assert all(s.headers["x-api-key"] == TOKEN for s in server.requests)


@pytest.mark.parametrize(("args", "message"), [
    (["--preset", "netlify", "--token-stdin"], "needs --form FORM_ID"),
    (["--preset", "gravityforms", "--form", "3", "--token-stdin"], "needs --base-url"),
    (["--preset", "hubspot", "--form", "g", "--base-url", "http://example.com", "--token-stdin"],
     "plain http is only allowed to this machine"),
    (["--preset", "hubspot", "--form", "g"], "give the token with --token-stdin"),
    (["--preset", "generic", "--token-stdin"], "needs --config FILE"),
    (["--preset", "generic", "--config", "/nonexistent.json", "--token-stdin"],
     "cannot read the configuration /nonexistent.json"),
])
def test_add_refuses_with_one_line(run: Runner, sqlite_url: str, memory_keyring: MemoryKeyring,
                                   monkeypatch: pytest.MonkeyPatch, args: list[str],
                                   message: str) -> None:
    with_stdin(monkeypatch, TOKEN)
    result = run("--db", sqlite_url, "accounts", "add", "api", "x", *args)
    assert result.code == 1
    assert message in result.err
    assert result.err.count("\n") == 1
    assert TOKEN not in result.err
    assert memory_keyring.store == {}


def test_rejected_token_is_one_line(run: Runner, sqlite_url: str, server: FormApiServer,
                                    memory_keyring: MemoryKeyring,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ingest.api.server import Reply

    Netlify(server)
    with_stdin(monkeypatch, TOKEN)
    run("--db", sqlite_url, "accounts", "add", "api", "site", "--preset", "netlify",
        "--base-url", server.url + "/api/v1", "--form", FORM, "--token-stdin")
    server.inject(Reply(401, {"message": "Access Denied"}), times=9)
    result = run("--db", sqlite_url, "sync", "site")
    assert result.code == 1
    assert result.err.startswith("leaddesk: the Netlify Forms API (127.0.0.1:")
    assert "rejected the token (HTTP 401 Unauthorized)" in result.err
    assert TOKEN not in result.err
    assert "Traceback" not in result.err


def test_a_sync_that_could_not_read_a_page_stores_the_rest_and_exits_1(
        run: Runner, sqlite_url: str, server: FormApiServer, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.ingest.api.server import Reply

    Netlify(server)
    config = tmp_path / "netlify.json"
    config.write_text('{"per_page": 3}')
    with_stdin(monkeypatch, TOKEN)
    run("--db", sqlite_url, "accounts", "add", "api", "site", "--preset", "netlify",
        "--base-url", server.url + "/api/v1", "--form", FORM, "--config", str(config),
        "--token-stdin")
    server.inject(Reply(200, b'[{"id": "cut-sh'), when=lambda seen: seen.query.get("page") == "2")
    synced = run("--db", sqlite_url, "sync", "site")
    assert synced.code == 1
    assert synced.out == "site: 4 new, 0 already there\n"  # pages 1 and 3
    assert "leaddesk: site page 2: the Netlify Forms API sent a page that is not valid JSON" \
        in synced.err
    assert synced.err.endswith("leaddesk: site: 1 page(s) or record(s) could not be read (named "
                               "above); the next sync asks for the pages again\n")
    again = run("--db", sqlite_url, "sync", "site")
    assert (again.code, again.out) == (0, "site: 3 new, 1 already there\n")


@pytest.mark.parametrize(("kind", "said"), [("device", "is not a file"),
                                            ("binary", "is not UTF-8 text")])
def test_a_config_that_is_no_text_file_is_one_line(run: Runner, sqlite_url: str, tmp_path: Path,
                                                  memory_keyring: MemoryKeyring,
                                                  monkeypatch: pytest.MonkeyPatch, kind: str,
                                                  said: str) -> None:
    path = Path("/dev/zero") if kind == "device" else tmp_path / "api.json"
    if kind == "binary":
        path.write_bytes(b'{"url": "\xff\xfe"}')
    with_stdin(monkeypatch, TOKEN)
    result = run("--db", sqlite_url, "accounts", "add", "api", "site", "--preset", "generic",
                 "--base-url", "https://api.example.org", "--config", str(path), "--token-stdin")
    assert result.code == 1
    assert result.err == f"leaddesk: the configuration {path} {said}\n"
    assert memory_keyring.store == {}
