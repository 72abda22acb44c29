"""The stored model: full retraining, the incremental update equal to it, and its guard."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from leaddesk import contacts, suggest, triage
from leaddesk.db import Database
from leaddesk.db.models import SuggestExample, SuggestFeedback, SuggestState
from leaddesk.errors import ConflictError
from leaddesk.suggest import store
from leaddesk.suggest.history import latest_event_id
from tests.support.factories import make_submission
from tests.support.suggest_history import (
    PERSON,
    SPEAKERS_POST,
    billing_lead,
    speaker_lead,
    triage_as,
)


def _full_counts(db: Database) -> suggest.Model:
    with db.session() as s:
        return store.compute(s).model


def test_incremental_update_equals_a_full_retrain(team: Database) -> None:
    with team.session() as s:
        first = suggest.update(s)  # the first update is a full training
    assert first.full
    assert first.examples == 8
    with team.session() as s:
        speaker_lead(s, 20)
        billing_lead(s, 21)
        triage_as(s, 20, "Speakers", "Anna", "event")
        triage_as(s, 21, "Billing", "Ben", "invoice")
        # A relabelled lead: its old counts must be taken back, not doubled.
        triage.edit_submission(s, 1, {"topic": "Keynotes"}, actor=PERSON)
        triage.remove_tag(s, 2, "event", actor=PERSON)
        triage.assign(s, 3, None, actor=PERSON)
    with team.session() as s:
        suggest.reject(s, 13, ["owner"], actor=PERSON)
    with team.session() as s:
        updated = suggest.update(s)
        stored = suggest.load(s)
    assert updated.changed == 5
    assert updated.rejections == 1
    assert not updated.full
    assert stored is not None
    assert stored.same_counts(_full_counts(team))
    assert stored.targets[suggest.TOPIC].labels == {"Speakers": 4, "Billing": 5, "Keynotes": 1}
    # Nothing new: nothing written, the revision stays.
    with team.session() as s:
        revision = store.stored_revision(s)
        again = suggest.update(s)
        assert again.changed == 0
        assert store.stored_revision(s) == revision


def test_rejections_are_counted_once(team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
        suggest.reject(s, 13, ["topic"], actor=PERSON)
    with team.session() as s:
        suggest.update(s)
        suggest.update(s)
        model = suggest.load(s)
        assert s.scalars(select(SuggestFeedback.counted)).all() == [True]
    assert model is not None
    assert model.targets[suggest.TOPIC].rejections == {"Speakers": 1}
    with team.session() as s:
        suggest.retrain(s)
        model = suggest.load(s)
    assert model is not None
    assert model.targets[suggest.TOPIC].rejections == {"Speakers": 1}


def test_examples_keep_what_was_counted(team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
        rows = {e.submission_id: e for e in s.scalars(select(SuggestExample))}
    assert sorted(rows) == list(range(1, 9))  # the rule-made webinar topics are not examples
    assert (rows[1].topic, rows[1].owner, rows[1].tags) == ("Speakers", "Anna", ["event"])
    assert "w:keynote" in rows[1].features


def test_a_concurrent_update_is_a_conflict_not_a_lost_count(team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
    with team.session() as s:
        stale = store.stored_revision(s)
        assert stale is not None
        suggest.retrain(s)
    with team.session() as s, pytest.raises(ConflictError, match="updated by someone else"):
        store.save(s, store.compute(s), revision=stale[0])


def test_other_events_move_the_watermark_but_keep_the_model(team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
        before = store.stored_revision(s)
    with team.session() as s:
        triage.add_note(s, 13, "called them back", actor=PERSON)
    with team.session() as s:
        assert suggest.update(s).changed == 0
        after = store.stored_revision(s)
    assert before is not None
    assert after is not None
    assert after[0] == before[0]
    assert after[1] > before[1]


def test_an_event_committed_late_behind_the_watermark_is_still_counted(team: Database) -> None:
    """On PostgreSQL a transaction can commit an older event id after a newer one was counted."""
    with team.session() as s:
        suggest.retrain(s)
    with team.session() as s:
        triage_as(s, 13, "Speakers", "Anna", "event")
        # As if the watermark had already moved past these events before they were committed.
        s.execute(sql_update(SuggestState).values(audit_id=latest_event_id(s)))
    with team.session() as s:
        triage.add_note(s, 14, "later work moves the log on", actor=PERSON)
    with team.session() as s:
        assert suggest.update(s).changed == 1
        assert s.get(SuggestExample, 13) is not None


# ------------------------------------------------------------------ erasure

UNIQUE = "Our choir from Zanzibarville would love a keynote about harmonies."


def _private_lead(s: Session, sid: int) -> None:
    make_submission(s, id=sid, subject="Keynote request", body_text=UNIQUE,
                    page_url=SPEAKERS_POST, visitor_email="singer@zanzibarville.example")


def _features_in(model: suggest.Model) -> set[str]:
    found: set[str] = set()
    for counts in model.targets.values():
        found.update(counts.features)
        for table in (*counts.by_label.values(), *counts.rejected.values()):
            found.update(table)
    return found


def test_erasing_a_contact_takes_their_words_out_of_the_model(team: Database) -> None:
    with team.session() as s:
        _private_lead(s, 30)
        triage_as(s, 30, "Speakers", "Anna", "event")
        _private_lead(s, 31)
        suggest.retrain(s)
    with team.session() as s:
        suggest.reject(s, 31, ["owner"], actor=PERSON)  # their second lead's rejection is counted
        suggest.update(s)
        before = suggest.load(s)
    assert before is not None
    assert {"w:zanzibarville", "d:zanzibarville.example"} <= _features_in(before)
    with team.session() as s:
        erased = contacts.erase_contact(s, "singer@zanzibarville.example", actor=PERSON)
    assert erased.submissions_erased == 2
    with team.session() as s:
        after = suggest.load(s)
    assert after is not None
    assert not {f for f in _features_in(after) if "zanzibar" in f}
    assert after.same_counts(_full_counts(team))  # as if never counted


def _erase_then_refuse(team: Database, counted: store.Trained) -> None:
    with team.session() as s:
        contacts.erase_contact(s, "singer@zanzibarville.example", actor=PERSON)
    with team.session() as s, pytest.raises(ConflictError):
        store.save(s, counted, revision=None)
    with team.session() as s:
        model = suggest.load(s)
    assert model is not None
    assert not {f for f in _features_in(model) if "zanzibar" in f}


def test_a_retrain_counted_before_an_erasure_is_not_stored(team: Database) -> None:
    """The window counts apart and stores with the revision current at saving time, so only the
    erased lead's own traces can tell that the counts are stale."""
    with team.session() as s:
        _private_lead(s, 30)
        triage_as(s, 30, "Speakers", "Anna", "event")
        suggest.retrain(s)
    counted = store.compute_apart(team)  # what a background retrain counted a moment earlier
    _erase_then_refuse(team, counted)


def test_a_rejection_counted_before_an_erasure_is_not_stored(team: Database) -> None:
    with team.session() as s:
        suggest.retrain(s)
        _private_lead(s, 31)  # untriaged: only the rejection counts their words
    with team.session() as s:
        suggest.reject(s, 31, ["owner"], actor=PERSON)
    counted = store.compute_apart(team)
    assert counted.rejections == 1
    _erase_then_refuse(team, counted)
