"""`leaddesk rules …`: the shapes of add, list (--json keys), edit, remove, test, run, preview,
undo, options and away; one clear line for every mistake."""

from __future__ import annotations

import json

import pytest

from leaddesk.db import Database
from tests.support.cli import Runner, show_json
from tests.support.factories import make_member, make_submission


@pytest.fixture
def url(sqlite_url: str) -> str:
    db = Database.open(sqlite_url)
    with db.session() as s:
        make_member(s, "Anna")
        make_member(s, "Ben")
        for n in range(1, 6):
            make_submission(s, id=n, topic="Speakers bureaus" if n % 2 else "Market access",
                            visitor_phone="+46 8 555 12 34" if n == 2 else None,
                            body_text="Please quote a price." if n == 3 else "Hello",
                            subject=f"Enquiry {n}")
    db.close()
    return sqlite_url


def ok(run: Runner, url: str, *argv: str) -> str:
    result = run("--db", url, *argv)
    assert result.code == 0, result.err
    return result.out


def test_add_list_edit_remove(run: Runner, url: str) -> None:
    out = ok(run, url, "rules", "add", "Speakers", "--when", "topic=Speakers bureaus",
             "--do", "assign=round-robin:Anna,Ben", "--do", "tag=speakers", "--stop")
    assert out == ("added rule Speakers (runs 1st)\n"
                   "Speakers: would change 3 of the last 5 leads\n")
    ok(run, url, "rules", "add", "Sweden", "--when", "phone-prefix=+46", "--do", "tag=se",
       "--position", "1")
    lines = [json.loads(line) for line in ok(run, url, "rules", "list", "--json").splitlines()]
    assert lines == [
        {"name": "Sweden", "position": 1, "enabled": True, "stop": False,
         "when": ["phone-prefix=+46"], "do": ["tag=se"]},
        {"name": "Speakers", "position": 2, "enabled": True, "stop": True,
         "when": ["topic=Speakers bureaus"], "do": ["assign=round-robin:Anna,Ben", "tag=speakers"],
         "round_robin": {}},
    ]
    table = ok(run, url, "rules", "list")
    assert table.splitlines()[0].split() == ["#", "NAME", "ON", "WHEN", "DO", "STOP"]
    out = ok(run, url, "rules", "edit", "sweden", "--disable", "--rename", "Nordics",
             "--when", "phone-prefix=+46,+358")
    assert out.startswith("changed rule Nordics\nNordics: would change 1 of the last 5 leads")
    assert json.loads(ok(run, url, "rules", "list", "--json").splitlines()[0])["enabled"] is False
    assert ok(run, url, "rules", "remove", "Nordics") == "removed rule Nordics\n"
    assert ok(run, url, "rules", "preview", "Speakers") == \
        "Speakers: would change 3 of the last 5 leads\n"
    assert ok(run, url, "rules", "add", "x", "--when", "words=quote", "--do", "tag=q",
              "--preview") == "x: would change 1 of the last 5 leads\n"
    assert "x" not in ok(run, url, "rules", "list")


@pytest.mark.parametrize(("argv", "message"), [
    (["rules", "add", "r", "--when", "topc=x", "--do", "tag=a"], "did you mean topic?"),
    (["rules", "add", "r", "--do", "asign=Anna"], "did you mean assign"),
    (["rules", "add", "r", "--do", "assign=Ana"], "unknown team member 'Ana'; did you mean Anna?"),
    (["rules", "add", "r", "--do", "acknowledge=thanks"], "no template 'thanks'"),
    (["rules", "edit", "nope", "--enable"], "no rule 'nope'"),
    (["rules", "test", "nope", "--on", "1"], "no rule 'nope'"),
    (["rules", "options", "--timezone", "Mars/Base"], "unknown time zone"),
    (["rules", "away", "Cleo"], "unknown team member 'Cleo'"),
])
def test_mistakes_are_one_clear_line(run: Runner, url: str, argv: list[str], message: str) -> None:
    result = run("--db", url, *argv)
    assert result.code == 1
    assert result.err.startswith("leaddesk: ")
    assert message in result.err
    assert result.err.count("\n") == 1


def test_do_is_required_when_adding(run: Runner, url: str) -> None:
    result = run("--db", url, "rules", "add", "r", "--when", "topic=x")
    assert result.code == 2
    assert "--do" in result.err


def test_test_run_and_undo(run: Runner, url: str) -> None:
    ok(run, url, "rules", "add", "pricing", "--when", "words=price,quote",
       "--when", "topic=Speakers bureaus", "--do", "assign=Anna", "--do", "status=open")
    out = ok(run, url, "rules", "test", "pricing", "--on", "3")
    assert out.splitlines() == [
        "rule pricing on submission 3: matches",
        "  yes  words=price,quote  (the lead: Enquiry 3)",
        "  yes  topic=Speakers bureaus  (the lead: Speakers bureaus)",
        "  would change: owner → Anna",
        "  would change: status → open",
    ]
    data = json.loads(ok(run, url, "rules", "test", "pricing", "--on", "1", "--json"))
    assert set(data) == {"rule", "id", "matches", "conditions", "would_change", "note"}
    assert data["matches"] is False

    assert ok(run, url, "rules", "run", "--dry-run") == (
        "3: pricing: owner → Anna; pricing: status → open\nwould change 1 of 5 leads\n")
    assert show_json(run, url, 3)["assignee"] is None
    changed = [json.loads(line) for line in ok(run, url, "rules", "run", "--json").splitlines()]
    assert changed == [{"id": 3, "changes": ["pricing: owner → Anna", "pricing: status → open"]}]
    lead = show_json(run, url, 3)
    assert (lead["assignee"], lead["status"]) == ("Anna", "open")
    history = lead["history"]
    assert isinstance(history, list)
    assert {h["actor"] for h in history} == {"rule: pricing"}
    assert ok(run, url, "rules", "run") == "changed 0 of 5 leads\n"

    assert ok(run, url, "rules", "undo", "3") == "undid 2 changes on submission 3\n"
    lead = show_json(run, url, 3)
    assert (lead["assignee"], lead["status"]) == (None, "new")
    # The undo was a person's change: rules leave the lead alone from now on.
    assert ok(run, url, "rules", "run") == "changed 0 of 5 leads; 1 left alone (a person " \
                                           "changed them)\n"


def test_options_and_away(run: Runner, url: str) -> None:
    assert ok(run, url, "rules", "options") == (
        "timezone: this computer's\nacknowledgements: off\nacknowledge-account: the only one\n")
    ok(run, url, "business-hours", "set", "--time-zone", "America/Chicago")
    assert ok(run, url, "rules", "options").startswith(
        "timezone: the team's business hours (America/Chicago)\n")
    data = json.loads(ok(run, url, "rules", "options", "--timezone", "Europe/Stockholm",
                         "--acknowledgements", "on", "--json"))
    assert data == {"timezone": "Europe/Stockholm", "acknowledgements": "on",
                    "acknowledge-account": ""}
    assert ok(run, url, "rules", "away", "anna") == "Anna is away\n"
    ok(run, url, "rules", "add", "rr", "--do", "assign=round-robin:Anna,Ben")
    ok(run, url, "rules", "run")
    assert json.loads(ok(run, url, "rules", "list", "--json"))["round_robin"] == {"Ben": 5,
                                                                                 "Anna": 5}
    assert ok(run, url, "rules", "back", "Anna") == "Anna is back\n"
