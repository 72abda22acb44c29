"""The command line on response times: `list --overdue`, `show --json`'s first answer, time to
first answer and overdue, export's "first_answered_at" column, `business-hours` and
`insights response-times`."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from leaddesk import response_times
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import Incoming, store_batch
from leaddesk.response_times import ResponsePolicy
from tests.support.cli import Runner, show_json
from tests.support.conversation import WHEN, our_reply
from tests.support.mail import notification

REPLY = "<reply-1@example-agency.com>"


@pytest.fixture
def url(db_url: str) -> Iterator[str]:
    """Nadia's lead (Mon 2 March 09:01 UTC), answered 10:00 UTC; Omar's, never answered."""
    db = Database.open(db_url)
    for n, name in ((1, "Nadia Benali"), (2, "Omar Haddad")):
        raw = notification(n, name=name, email=f"{name.split()[0].lower()}@example.net")
        store_batch(db, [Incoming(f"k:{n}", raw, parse_message(raw))], account_id=None)
    with db.session() as s:
        lead = s.execute(select(Submission).where(
            Submission.visitor_email == "nadia@example.net")).scalar_one()
        our_reply(s, lead, message_id=REPLY, when=WHEN)  # Tuesday 3 March 10:00 UTC
    db.close()
    yield db_url
    response_times.activate(ResponsePolicy())


def ids(run: Runner, url: str, *options: str) -> list[int]:
    result = run("--db", url, "list", "--json", *options)
    assert result.code == 0, result.err
    return [json.loads(line)["id"] for line in result.out.splitlines()]


def test_list_overdue_and_show_json(run: Runner, url: str) -> None:
    assert ids(run, url, "--overdue") == [2]  # months old and never answered
    assert run("--db", url, "list", "--overdue", "--count").out == "1\n"
    assert run("--db", url, "business-hours", "set", "--time-zone", "Europe/Stockholm",
               "--week", "mon-fri 09:00-17:00", "--target-hours", "8").code == 0
    nadia = show_json(run, url, 1)
    assert nadia["first_answered_at"] == WHEN.isoformat()
    # Mon 2 March 10:01 to Tue 3 March 11:00 in Stockholm: 6 h 59 min + 2 h.
    assert nadia["time_to_first_answer_s"] == 8 * 3600 + 59 * 60
    assert (nadia["overdue"], nadia["done_at"], nadia["time_to_done_s"]) == (False, None, None)
    omar = show_json(run, url, 2)
    assert (omar["first_answered_at"], omar["time_to_first_answer_s"], omar["overdue"]) == (
        None, None, True)
    rows = [json.loads(line) for line in run("--db", url, "list", "--json", "--asc").out.splitlines()]
    assert [r["first_answered_at"] for r in rows] == [WHEN.isoformat(), None]
    # Done leads are not overdue, and their time to done is measured.
    assert run("--db", url, "status", "2", "done").code == 0
    assert ids(run, url, "--overdue") == []
    done = show_json(run, url, 2)
    assert isinstance(done["time_to_done_s"], int)
    assert done["time_to_done_s"] > 0


def test_export_has_first_answered_at(run: Runner, url: str) -> None:
    result = run("--db", url, "export", "--asc", "--per", "submission")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(result.out.lstrip("\ufeff").splitlines()))
    assert [r["first_answered_at"] for r in rows] == [WHEN.isoformat(), ""]
    assert ids(run, url, "--overdue") == [2]
    overdue = run("--db", url, "export", "--overdue", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in overdue.out.splitlines()] == [2]


def test_business_hours_show_set_and_mistakes(run: Runner, url: str) -> None:
    result = run("--db", url, "business-hours", "set", "--time-zone", "America/New_York",
                 "--week", "mon-thu 08:00-16:00; fri 08:00-12:00", "--holidays", "2026-07-03",
                 "--target-hours", "4")
    assert result.code == 0, result.err
    data = json.loads(run("--db", url, "business-hours", "show", "--json").out)
    assert data == {"time_zone": "America/New_York", "week": "mon-thu 08:00-16:00; fri 08:00-12:00",
                    "holidays": ["2026-07-03"], "target_hours": 4.0}
    assert run("--db", url, "business-hours", "set", "--holidays", "").code == 0
    shown = run("--db", url, "business-hours").out
    assert "America/New_York" in shown  # the rest was kept
    assert "holidays:   none" in shown
    for args, says in ((("--time-zone", "Mars/Base"), "unknown time zone"),
                       (("--week", "mon 17:00-09:00"), "must start before"),
                       (("--target-hours", "0"), "response target")):
        bad = run("--db", url, "business-hours", "set", *args)
        assert (bad.code, bad.err.count("\n")) == (1, 1)
        assert says in bad.err
    assert json.loads(run("--db", url, "business-hours", "show", "--json").out)["target_hours"] == 4


def test_insights_response_times(run: Runner, url: str) -> None:
    run("--db", url, "business-hours", "set", "--time-zone", "UTC", "--week", "mon-fri 09:00-17:00")
    result = run("--db", url, "insights", "response-times", "--json", "--by", "week")
    assert result.code == 0, result.err
    (week,) = [json.loads(line) for line in result.out.splitlines()]
    # Mon 09:01 to Tue 10:00 UTC: 7 h 59 min + 1 h.
    assert week == {"by": "week", "group": "2026-03-02", "answered": 1, "waiting": 1,
                    "overdue": 1, "median_s": 8 * 3600 + 59 * 60, "p90_s": 8 * 3600 + 59 * 60}
    text = run("--db", url, "insights", "response-times")
    for part in ("per owner", "(no owner)", "9.0 h"):
        assert part in text.out
    assert "mon-fri 09:00-17:00, UTC; overdue after 8 h" in text.out
    only_omar = run("--db", url, "insights", "response-times", "--json", "--by", "owner",
                    "--not-replied")
    assert [json.loads(line)["waiting"] for line in only_omar.out.splitlines()] == [1]
