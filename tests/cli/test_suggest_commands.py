"""`leaddesk suggest` and the `suggestions` key of `show --json`, on the seeded team history."""

from __future__ import annotations

import json

import pytest

from leaddesk.db import Database
from tests.support.cli import Runner, show_json
from tests.support.suggest_history import seed


@pytest.fixture
def url(sqlite_url: str) -> str:
    db = Database.open(sqlite_url)
    with db.session() as s:
        seed(s)
    db.close()
    return sqlite_url


def test_show_json_carries_suggestions_for_untriaged_leads(run: Runner, url: str) -> None:
    before = show_json(run, url, 13)
    assert before["suggestions"] == {"topic": None, "tags": [], "owner": None, "trained": False}
    assert run("--db", url, "suggest", "retrain").code == 0
    data = show_json(run, url, 13)
    suggestions = data["suggestions"]
    assert isinstance(suggestions, dict)
    assert suggestions["topic"]["value"] == "Speakers"
    assert suggestions["owner"]["value"] == "Anna"
    assert [t["value"] for t in suggestions["tags"]] == ["event"]
    assert suggestions["topic"]["reasons"][0]["kind"] in ("word", "post", "domain", "field")
    assert 0 < suggestions["topic"]["confidence"] <= 1
    assert data["topic"] is None  # shown, not applied
    assert show_json(run, url, 1)["suggestions"] is None  # triaged


def test_suggest_one_lead_and_the_newest_untriaged(run: Runner, url: str) -> None:
    result = run("--db", url, "suggest", "13")
    assert result.code == 0, result.err
    assert "Speakers" in result.out
    assert "because" in result.out.lower() or "BECAUSE" in result.out
    listed = run("--db", url, "suggest", "--json", "--limit", "3")
    rows = [json.loads(line) for line in listed.out.splitlines()]
    assert [r["id"] for r in rows] == [15, 14, 13]  # the rule-topic webinars 9-12 come next
    assert rows[1]["suggestions"]["owner"]["value"] == "Ben"


def test_accept_applies_as_the_person_and_reject_records(run: Runner, url: str) -> None:
    run("--db", url, "suggest", "retrain")
    result = run("--db", url, "--as", "Bea", "suggest", "accept", "13", "topic", "owner")
    assert result.code == 0, result.err
    data = show_json(run, url, 13)
    assert (data["topic"], data["assignee"], data["tags"]) == ("Speakers", "Anna", [])
    history = data["history"]
    assert isinstance(history, list)
    assert {h["actor"] for h in history} == {"Bea"}
    rejected = run("--db", url, "--as", "Bea", "suggest", "reject", "14", "owner", "--json")
    assert json.loads(rejected.out) == {"id": 14, "rejected": [{"target": "owner",
                                                                "value": "Ben"}]}
    assert show_json(run, url, 14)["assignee"] is None
    again = show_json(run, url, 14)["suggestions"]
    assert isinstance(again, dict)
    assert again["owner"] is None or again["owner"]["value"] != "Ben"


def test_retrain_reports_and_bad_calls_are_one_line(run: Runner, url: str) -> None:
    full = run("--db", url, "suggest", "retrain", "--full", "--json")
    assert json.loads(full.out)["examples"] == 8
    for argv, message in ((("suggest", "accept"), "which lead?"),
                          (("suggest", "zebra"), "not a lead id"),
                          (("suggest", "accept", "13", "colour"), "not a suggestion")):
        result = run("--db", url, *argv)
        assert result.code == 1
        assert message in result.err
        assert len(result.err.strip().splitlines()) == 1
