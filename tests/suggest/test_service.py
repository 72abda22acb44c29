"""Suggesting, accepting and rejecting on a seeded team history (tests/support/suggest_history)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from leaddesk import suggest, triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission, SuggestFeedback, submission_tags
from leaddesk.errors import ConflictError, ValidationError
from tests.support.suggest_history import PERSON, speaker_lead


def _trained(db: Database) -> None:
    with db.session() as s:
        suggest.retrain(s)


def test_clear_cases_are_suggested_right_with_reasons(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        speaker = suggest.suggest(s, 13)
        billing = suggest.suggest(s, 14)
    assert speaker.topic is not None
    assert speaker.topic.value == "Speakers"
    assert speaker.owner is not None
    assert speaker.owner.value == "Anna"
    assert [t.value for t in speaker.tags] == ["event"]
    assert billing.topic is not None
    assert billing.topic.value == "Billing"
    assert billing.owner is not None
    assert billing.owner.value == "Ben"
    assert [t.value for t in billing.tags] == ["invoice"]
    assert speaker.topic.confidence > 0.6
    assert speaker.topic.percent == "99\u00a0%"  # a guess is never shown as certain
    # The reasons name the words, post or domain that weigh most, and earlier leads like it.
    kinds = {(r.kind, r.value) for r in speaker.topic.reasons}
    assert len(speaker.topic.reasons) == 3
    assert kinds & {("word", "keynote"), ("word", "speaker"), ("word", "conference"),
                    ("post", "blog.example.org/speakers")}
    assert speaker.topic.leads
    assert set(speaker.topic.leads) <= {1, 2, 3, 4}
    assert all(r.weight > 0 for r in speaker.topic.reasons)
    assert "the word" in speaker.topic.because() or "the post" in speaker.topic.because()
    assert billing.owner.reasons
    assert billing.owner.leads


def test_suggesting_changes_nothing(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        before = (s.scalar(select(func.count()).select_from(AuditEvent)),
                  s.execute(select(Submission.id, Submission.version, Submission.topic,
                                   Submission.assignee_id).order_by(Submission.id)).all(),
                  s.scalar(select(func.count()).select_from(submission_tags)))
    with team.session() as s:
        for sid in (13, 14, 15):
            suggest.suggest(s, sid)
    with team.session() as s:
        after = (s.scalar(select(func.count()).select_from(AuditEvent)),
                 s.execute(select(Submission.id, Submission.version, Submission.topic,
                                  Submission.assignee_id).order_by(Submission.id)).all(),
                 s.scalar(select(func.count()).select_from(submission_tags)))
        assert s.scalar(select(func.count()).select_from(SuggestFeedback)) == 0
    assert after == before


def test_triaged_leads_and_filled_targets_get_no_suggestion(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        assert suggest.suggest(s, 1).as_json() is None  # done: triaged
        triage.assign(s, 13, "Ben", actor=PERSON)
    with team.session() as s:
        found = suggest.suggest(s, 13)
    assert found.owner is None  # already has one
    assert found.topic is not None


def test_rule_made_changes_are_not_learnt(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        webinar = suggest.suggest(s, 15)
        model = suggest.load(s)
    assert model is not None
    assert "Webinars" not in model.targets[suggest.TOPIC].labels
    assert webinar.topic is None or webinar.topic.value != "Webinars"


def test_a_model_not_trained_yet_says_so(team: Database) -> None:
    with team.session() as s:
        found = suggest.suggest(s, 13)
    assert found.as_json() == {"topic": None, "tags": [], "owner": None, "trained": False}


def test_accept_applies_through_triage_as_the_person_and_is_undoable(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        accepted = suggest.accept(s, 13, actor="Bea")
    with team.session() as s:
        lead = s.get(Submission, 13)
        assert lead is not None
        assert (lead.topic, lead.assignee.name if lead.assignee else None,
                [t.name for t in lead.tags]) == ("Speakers", "Anna", ["event"])
        events = s.execute(select(AuditEvent.actor, AuditEvent.action)
                           .where(AuditEvent.entity == "submission",
                                  AuditEvent.entity_id == 13)).all()
        assert events == [("Bea", "edit"), ("Bea", "tag.add"), ("Bea", "assign")]
        feedback = s.execute(select(SuggestFeedback.target, SuggestFeedback.verdict,
                                    SuggestFeedback.actor)).all()
        assert sorted(feedback) == [("owner", "accept", "Bea"), ("tags", "accept", "Bea"),
                                    ("topic", "accept", "Bea")]
    with team.session() as s:
        suggest.undo_accept(s, accepted, actor="Bea")
    with team.session() as s:
        lead = s.get(Submission, 13)
        assert lead is not None
        assert (lead.topic, lead.assignee_id, lead.tags) == (None, None, [])


def test_undo_of_an_accept_after_a_colleagues_change_is_a_conflict(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        accepted = suggest.accept(s, 13, ["owner"], actor="Bea")
    with team.session() as s:
        triage.set_status(s, 13, "open", actor="Carl")
    with team.session() as s, pytest.raises(ConflictError):
        suggest.undo_accept(s, accepted, actor="Bea")


def test_accepted_triage_is_learnt_as_the_team_s_own(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        suggest.accept(s, 13, actor="Bea")
        triage.set_status(s, 13, "done", actor="Bea")
    with team.session() as s:
        trained = suggest.update(s)
        model = suggest.load(s)
    assert trained.changed == 1
    assert model is not None
    assert model.targets[suggest.TOPIC].labels["Speakers"] == 5


def test_accept_without_a_suggestion_is_a_clear_error(team: Database) -> None:
    with team.session() as s, pytest.raises(ValidationError, match="no topic suggestion"):
        suggest.accept(s, 13, ["topic"], actor="Bea")
    with team.session() as s, pytest.raises(ValidationError, match="not a suggestion"):
        suggest.accept(s, 13, ["colour"], actor="Bea")


def test_reject_changes_later_suggestions(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        speaker_lead(s, 16)
    with team.session() as s:
        first = suggest.suggest(s, 16).owner
        suggest.reject(s, 13, ["owner"], actor="Bea")
    assert first is not None
    assert first.value == "Anna"
    with team.session() as s:
        # The rejected lead never gets that value again, even before the model learns.
        again = suggest.suggest(s, 13).owner
        assert again is None or again.value != "Anna"
        lead = s.get(Submission, 13)
        assert lead is not None
        assert lead.assignee_id is None
        suggest.update(s)
    with team.session() as s:
        later = suggest.suggest(s, 16).owner
    assert later is not None
    assert later.value != "Anna" or later.confidence < first.confidence


def test_inactive_members_are_never_suggested(team: Database) -> None:
    _trained(team)
    with team.session() as s:
        triage.remove_member(s, "Anna", actor=PERSON)
    with team.session() as s:
        owner = suggest.suggest(s, 13).owner
    assert owner is None or owner.value != "Anna"
