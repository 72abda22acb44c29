"""The worker's suggestion upkeep: an update after a round with new leads or new triage, at most
every interval, nothing before the first training, and a failure logged, never raised."""

from __future__ import annotations

import logging

import pytest

from leaddesk import suggest
from leaddesk.db import Database
from leaddesk.ingest.store import BatchResult
from leaddesk.suggest import store
from leaddesk.team.suggestions import SuggestionUpkeep
from tests.support.suggest_history import seed, triage_as


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def team(db: Database) -> Database:
    with db.session() as s:
        seed(s)
    return db


def revision(db: Database) -> tuple[int, int] | None:
    with db.session() as s:
        return store.stored_revision(s)


def test_nothing_before_the_first_training(team: Database) -> None:
    upkeep = SuggestionUpkeep(team, 0.0)
    assert upkeep.after_round(BatchResult(added=3)) is None
    assert revision(team) is None  # the first (full) training is the window's or the CLI's


def test_triage_since_the_last_update_is_folded_in_at_most_every_interval(
        team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
    clock = Clock()
    upkeep = SuggestionUpkeep(team, 120.0, clock=clock)
    assert upkeep.after_round(BatchResult()) is None  # nothing new: two small queries
    before = revision(team)
    with team.session() as s:  # a colleague triages in their window: lead 13 goes to Ben
        for sid in (13, 5, 6):
            triage_as(s, sid, "Speakers", "Ben", "event")
    trained = upkeep.after_round(BatchResult())
    assert trained is not None
    assert trained.changed == 3
    after = revision(team)
    assert after is not None
    assert before is not None
    assert after[0] > before[0]
    with team.session() as s:
        triage_as(s, 14, "Billing", "Anna", "invoice")
    clock.now += 119  # within the interval: the round is not held up by it
    assert upkeep.after_round(BatchResult()) is None
    assert revision(team) == after
    clock.now += 1
    trained = upkeep.after_round(BatchResult())
    assert trained is not None
    assert trained.changed == 1


def test_new_leads_seen_in_a_throttled_round_still_bring_an_update(
        team: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with team.session() as s:
        suggest.retrain(s)
    calls: list[int] = []
    real = store.update

    def counting(session: object) -> store.Trained:
        calls.append(1)
        return real(session)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "update", counting)
    clock = Clock()
    upkeep = SuggestionUpkeep(team, 60.0, clock=clock)
    assert upkeep.after_round(BatchResult(added=1)) is not None
    assert len(calls) == 1
    clock.now += 10
    assert upkeep.after_round(BatchResult(added=2)) is None  # throttled
    clock.now += 60
    assert upkeep.after_round(BatchResult()) is not None  # the leads of the throttled round
    assert len(calls) == 2
    clock.now += 60
    assert upkeep.after_round(BatchResult()) is None  # and not again
    assert len(calls) == 2


def test_a_failure_is_logged_and_never_raised(team: Database, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with team.session() as s:
        suggest.retrain(s)

    def broken(session: object) -> store.Trained:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "update", broken)
    clock = Clock()
    upkeep = SuggestionUpkeep(team, 30.0, clock=clock)
    with caplog.at_level(logging.INFO, logger="leaddesk.worker"):
        assert upkeep.after_round(BatchResult(added=1)) is None
    failed = [r for r in caplog.records if getattr(r, "event", "") == "suggest.failed"]
    assert len(failed) == 1
    assert "disk full" in failed[0].getMessage()
    monkeypatch.undo()
    clock.now += 30  # tried again after the interval, the new leads not forgotten
    assert upkeep.after_round(BatchResult()) is not None


def test_never_when_switched_off(team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
        triage_as(s, 13, "Speakers", "Ben", "event")
    assert SuggestionUpkeep(team, None).after_round(BatchResult(added=5)) is None
