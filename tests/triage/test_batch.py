"""apply_steps writes what the single-action calls write, one after the other: the same fields, tags
and audit events (so undo reverses them alike), with one version bump per changed submission."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission
from leaddesk.errors import ConflictError, NotFoundError, ValidationError
from leaddesk.rules import service
from leaddesk.triage import ASSIGN, EDIT, STATUS, TAG_ADD, Step, batch, versions
from tests.support.factories import make_member, make_submission
from tests.support.kept_counts import assert_exact

RULE_A, RULE_B = "rule: a", "rule: b"
# Per lead (by its place in the list of leads): the steps, in order, as rules would plan them.
STEPS: tuple[tuple[int, Step], ...] = (
    (0, Step(RULE_A, ASSIGN, "Anna")),
    (1, Step(RULE_A, ASSIGN, "anna")),      # a member's name in another letter case
    (2, Step(RULE_A, ASSIGN, "Anna")),      # already Anna's: nothing written
    (0, Step(RULE_A, TAG_ADD, "Hot")),
    (1, Step(RULE_A, TAG_ADD, "hot")),      # the catalogue's spelling wins
    (3, Step(RULE_A, TAG_ADD, "brand new")),
    (4, Step(RULE_A, TAG_ADD, "Brand New")),  # a tag created by this batch, spelt as first seen
    (0, Step(RULE_A, STATUS, "open")),
    (3, Step(RULE_A, STATUS, "open")),      # not a submission: brought back
    (1, Step(RULE_B, STATUS, "spam", reason=RULE_B)),
    (2, Step(RULE_B, EDIT, "Publications")),
    (4, Step(RULE_B, EDIT, "Publications")),  # already that topic: nothing written
    (0, Step(RULE_B, ASSIGN, "Ben")),       # a later rule overrides an earlier one
    (0, Step(RULE_B, TAG_ADD, "second")),
)


def _one_by_one(s: Any, steps: Sequence[tuple[int, Step]]) -> None:
    for lead, step in steps:
        if step.action == ASSIGN:
            triage.bulk_assign(s, [lead], step.value, actor=step.actor)
        elif step.action == TAG_ADD:
            triage.bulk_add_tag(s, [lead], step.value, actor=step.actor)
        elif step.action == STATUS:
            triage.bulk_set_status(s, [lead], step.value, actor=step.actor, reason=step.reason)
        else:
            triage.edit_submission(s, lead, {"topic": step.value}, actor=step.actor)


def _mask(value: Any) -> Any:
    # The time a field was marked edited differs between the two runs.
    if isinstance(value, dict):
        return {k: "<at>" if k == "at" else _mask(v) for k, v in value.items()}
    return value


def _state(db: Database, lead: int) -> tuple[Any, ...]:
    with db.session() as s:
        row = s.get(Submission, lead)
        assert row is not None
        events = [(who, action, _mask(before), _mask(after)) for who, action, before, after in
                  s.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.before,
                                   AuditEvent.after)
                            .where(AuditEvent.entity == "submission", AuditEvent.entity_id == lead)
                            .order_by(AuditEvent.id))]
        return (row.status, row.is_submission, row.status_set_by, row.verdict_by,
                row.spam_reason, row.assignee.name if row.assignee else None, row.topic,
                row.topic_source, _mask(row.edited_fields), sorted(t.name for t in row.tags),
                events)


def _versions(db: Database, leads: Sequence[int]) -> list[int]:
    with db.session() as s:
        return [int(s.scalar(select(Submission.version).where(Submission.id == i)) or 0)
                for i in leads]


@pytest.fixture
def two_sets(db: Database) -> tuple[list[int], list[int]]:
    with db.session() as s:
        anna = make_member(s, "Anna")
        make_member(s, "Ben")
        triage.create_tag(s, "Hot", actor="Ada")

        def five() -> list[int]:
            return [make_submission(s).id, make_submission(s).id,
                    make_submission(s, assignee_id=anna.id).id,
                    make_submission(s, is_submission=False, status="new").id,
                    make_submission(s, topic="Publications").id]
        return five(), five()


def test_the_same_changes_and_audit_as_one_action_at_a_time_with_one_version_bump(
        db: Database, two_sets: tuple[list[int], list[int]]) -> None:
    slow, fast = two_sets
    before = _versions(db, fast)
    with db.session() as s:
        _one_by_one(s, [(slow[i], step) for i, step in STEPS])
    with db.session() as s:
        changes = triage.apply_steps(s, [(fast[i], step) for i, step in STEPS])
    for one, other in zip(slow, fast, strict=True):
        assert _state(db, one) == _state(db, other)
    assert_exact(db)  # the facet count tables followed every write
    assert _versions(db, fast) == [v + 1 for v in before]  # one bump each, however many steps
    assert {i for c in changes for i in c.ids or ()} == set(fast)
    assert {a for c in changes for a in c.fields or ()} >= {"assignee", "tags", "status", "topic"}


def test_each_change_is_undone_like_one_made_one_at_a_time(
        db: Database, two_sets: tuple[list[int], list[int]]) -> None:
    slow, fast = two_sets
    # As they were, but who set the status: an undo is a person's decision (actions._undo_status).
    original = [_state(db, lead)[:2] + _state(db, lead)[3:10] for lead in fast]
    with db.session() as s:
        _one_by_one(s, [(slow[i], step) for i, step in STEPS])
        triage.apply_steps(s, [(fast[i], step) for i, step in STEPS])
    for one, other in zip(slow, fast, strict=True):
        for lead in (one, other):
            with db.session() as s:
                service.undo_rule(s, lead, actor="Ada")
        assert _state(db, one) == _state(db, other)
    assert [_state(db, lead)[:2] + _state(db, lead)[3:10] for lead in fast] == original
    assert_exact(db)


def test_an_invalid_step_writes_nothing(db: Database,
                                        two_sets: tuple[list[int], list[int]]) -> None:
    _, fast = two_sets
    before = [_state(db, lead) for lead in fast]
    with pytest.raises(NotFoundError), db.session() as s:
        triage.apply_steps(s, [(fast[0], Step(RULE_A, TAG_ADD, "x")),
                               (fast[1], Step(RULE_A, ASSIGN, "Nobody"))])
    with pytest.raises(ValidationError), db.session() as s:
        triage.apply_steps(s, [(fast[0], Step(RULE_A, STATUS, "later"))])
    assert [_state(db, lead) for lead in fast] == before


def test_a_row_changed_since_it_was_read_is_a_conflict_naming_who_changed_it(
        db: Database, two_sets: tuple[list[int], list[int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, fast = two_sets
    with db.session() as s:
        triage.add_note(s, fast[1], "called back", actor="Ben")  # version 1 → 2
    fresh_read = versions.read_many

    def read_before_ben(session: Any, ids: Sequence[int]) -> dict[int, Any]:
        # As if the rows were read just before Ben's note landed.
        return {sid: replace(c, version=c.version - 1) if sid == fast[1] else c
                for sid, c in fresh_read(session, ids).items()}

    monkeypatch.setattr(batch, "read_many", read_before_ben)
    before = [_state(db, lead) for lead in fast]
    with pytest.raises(ConflictError, match="changed by Ben"), db.session() as s:
        triage.apply_steps(s, [(fast[0], Step(RULE_A, TAG_ADD, "x")),
                               (fast[1], Step(RULE_A, TAG_ADD, "x"))])
    assert [_state(db, lead) for lead in fast] == before


def test_new_rows_are_played_alike_only_when_they_start_alike(db: Database) -> None:
    # play_on_new plays each group of rows that start in the same state with the same steps
    # once: every column that state is made of must tell rows apart.
    start = {"status": "new", "is_submission": True, "spam_reason": None, "topic": None,
             "topic_source": None}
    rows = [start, {**start, "status": "open"}, {**start, "is_submission": False},
            {**start, "status": "spam", "spam_reason": "a rule"},
            {**start, "spam_reason": "spam once, then taken out of it"},
            {**start, "topic": "Market access", "topic_source": "field"},
            {**start, "topic": "Market access", "topic_source": "mapping"},
            {**start, "version": 3}, start]
    per_row = (Step(RULE_A, STATUS, "open"), Step(RULE_A, EDIT, "Publications"),
               Step(RULE_A, TAG_ADD, "hot"), Step(RULE_B, STATUS, "spam", reason=RULE_B),
               Step(RULE_B, ASSIGN, "Anna"))

    def outcome(new: batch.NewLeads, played: list[dict[str, Any]], place: int) -> list[Any]:
        mine = [change and tuple(_mask(c) for c in change) for (lead, _), (_, change) in
                zip(new.played.steps, new.played.outcomes, strict=True) if lead == place]
        return [{k: _mask(v) for k, v in played[place].items() if k != "updated_at"}, mine]

    with db.session() as s:
        make_member(s, "Anna")
        together = [dict(row) for row in rows]
        new = batch.play_on_new(s, together, [(place, step) for step in per_row
                                              for place in range(len(rows))])
        for place, row in enumerate(rows):
            alone = [dict(row)]
            by_itself = batch.play_on_new(s, alone, [(0, step) for step in per_row])
            assert outcome(new, together, place) == outcome(by_itself, alone, 0)
        assert len({repr(outcome(new, together, p)) for p in range(len(rows))}) == len(rows) - 1
