"""Triage services: status, tags, assignment, notes, members, bulk changes, undo and conflicts,
on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Note, Submission, Tag, TeamMember, submission_tags
from leaddesk.errors import ConflictError, NotFoundError, ValidationError
from leaddesk.triage import Edit, actions, versions
from tests.support.factories import make_member, make_submission

MISSING = 987_654


# ------------------------------------------------------------------ helpers

@pytest.fixture
def sid(db: Database) -> int:
    with db.session() as s:
        return make_submission(s).id


@pytest.fixture
def three(db: Database) -> list[int]:
    with db.session() as s:
        return [make_submission(s).id for _ in range(3)]


def row(db: Database, submission_id: int) -> Any:
    with db.session() as s:
        return s.execute(select(Submission.status, Submission.version, Submission.updated_at,
                                Submission.assignee_id)
                         .where(Submission.id == submission_id)).one()


def version(db: Database, submission_id: int) -> int:
    return int(row(db, submission_id).version)


def tags_of(db: Database, submission_id: int) -> list[str]:
    with db.session() as s:
        return sorted(s.scalars(select(Tag.name).join(submission_tags)
                                .where(submission_tags.c.submission_id == submission_id)))


def events(db: Database, entity: str = "submission", entity_id: int | None = None,
           ) -> list[AuditEvent]:
    with db.session() as s:
        q = select(AuditEvent).where(AuditEvent.entity == entity)
        if entity_id is not None:
            q = q.where(AuditEvent.entity_id == entity_id)
        return list(s.scalars(q.order_by(AuditEvent.id)))


def audit_tuple(e: AuditEvent) -> tuple[Any, ...]:
    return (e.actor, e.action, e.entity, e.entity_id, e.before, e.after)


# ------------------------------------------------------------------ status

def test_set_status_changes_status_bumps_version_and_writes_an_audit_event(
        db: Database, sid: int) -> None:
    created = row(db, sid).updated_at
    with db.session() as s:
        change = triage.set_status(s, sid, "done", actor="Ada")
    assert change == Edit(sid, "status", {"status": "new"}, {"status": "done"}, version=2)
    after = row(db, sid)
    assert (after.status, after.version) == ("done", 2)
    assert after.updated_at > created
    [e] = events(db, entity_id=sid)
    assert audit_tuple(e) == ("Ada", "status", "submission", sid, {"status": "new"},
                              {"status": "done"})
    assert abs(e.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_setting_the_same_status_writes_nothing(db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.set_status(s, sid, " NEW ", actor="Ada")  # normalised, and unchanged
    assert not change.changed
    assert change.version == 1
    assert version(db, sid) == 1
    assert events(db) == []


def test_an_unknown_status_lists_the_valid_ones(db: Database, sid: int) -> None:
    with pytest.raises(ValidationError) as info, db.session() as s:
        triage.set_status(s, sid, "later", actor="Ada")
    assert str(info.value) == "unknown status 'later'; use one of new, open, waiting, done, spam"
    assert row(db, sid).status == "new"


@pytest.mark.parametrize("actor", ["", "   ", "x" * 121])
def test_an_actor_is_required(db: Database, sid: int, actor: str) -> None:
    with pytest.raises(ValidationError, match="actor name"), db.session() as s:
        triage.set_status(s, sid, "done", actor=actor)
    assert events(db) == []


# ------------------------------------------------------------------ not found

@pytest.mark.parametrize("operation", [
    lambda s: triage.set_status(s, MISSING, "done", actor="Ada"),
    lambda s: triage.add_tag(s, MISSING, "hot", actor="Ada"),
    lambda s: triage.remove_tag(s, MISSING, "hot", actor="Ada"),
    lambda s: triage.assign(s, MISSING, "Ada", actor="Ada"),
    lambda s: triage.assign(s, MISSING, None, actor="Ada"),
    lambda s: triage.add_note(s, MISSING, "call back", actor="Ada"),
], ids=["status", "add_tag", "remove_tag", "assign", "unassign", "note"])
def test_an_unknown_submission_is_not_found(db: Database,
                                            operation: Callable[[Session], object]) -> None:
    with db.session() as s:
        make_member(s, "Ada")
        s.add(Tag(name="hot"))
    with pytest.raises(NotFoundError, match=f"^no submission {MISSING};"), db.session() as s:
        operation(s)
    assert events(db) == []


# ------------------------------------------------------------------ tags on submissions

def test_add_tag_creates_the_tag_on_the_fly_with_the_default_colour(db: Database,
                                                                     sid: int) -> None:
    with db.session() as s:
        change = triage.add_tag(s, sid, "  Hot lead ", actor="Ada")
    assert change == Edit(sid, "tag.add", {"tags": []}, {"tags": ["Hot lead"]}, version=2)
    assert tags_of(db, sid) == ["Hot lead"]
    with db.session() as s:
        tag = s.scalars(select(Tag)).one()
    assert (tag.name, tag.colour) == ("Hot lead", "#808080")
    [e] = events(db, entity_id=sid)
    assert audit_tuple(e) == ("Ada", "tag.add", "submission", sid, {"tags": []},
                              {"tags": ["Hot lead"]})
    [created] = events(db, "tag")
    assert audit_tuple(created) == ("Ada", "tag.create", "tag", tag.id, None,
                                    {"name": "Hot lead", "colour": "#808080"})


def test_add_tag_reuses_a_tag_in_any_letter_case_and_only_once(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.create_tag(s, "urgent", "red", actor="Ada")
        first = triage.add_tag(s, sid, "URGENT", actor="Ada")
        again = triage.add_tag(s, sid, "Urgent", actor="Bob")
    assert first.after == {"tags": ["urgent"]}
    assert not again.changed
    assert again.version == first.version == 2
    assert tags_of(db, sid) == ["urgent"]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 1
    assert len(events(db, entity_id=sid)) == 1


def test_remove_tag_takes_it_off_and_keeps_the_tag(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.add_tag(s, sid, "hot", actor="Ada")
        triage.add_tag(s, sid, "cold", actor="Ada")
        change = triage.remove_tag(s, sid, "HOT", actor="Bob")
        again = triage.remove_tag(s, sid, "hot", actor="Bob")
    assert change == Edit(sid, "tag.remove", {"tags": ["cold", "hot"]}, {"tags": ["cold"]},
                            version=4)
    assert not again.changed
    assert tags_of(db, sid) == ["cold"]
    assert version(db, sid) == 4
    last = events(db, entity_id=sid)[-1]
    assert audit_tuple(last) == ("Bob", "tag.remove", "submission", sid,
                                 {"tags": ["cold", "hot"]}, {"tags": ["cold"]})
    with db.session() as s:
        assert sorted(s.scalars(select(Tag.name))) == ["cold", "hot"]


def test_removing_an_unknown_tag_is_not_found(db: Database, sid: int) -> None:
    with pytest.raises(NotFoundError, match="no tag 'nope'"), db.session() as s:
        triage.remove_tag(s, sid, "nope", actor="Ada")


# ------------------------------------------------------------------ the tag catalogue

@pytest.mark.parametrize(("given", "stored"), [
    ("#FF8800", "#ff8800"), ("#abc", "#aabbcc"), ("red", "#ff0000"), (" Navy ", "#000080"),
    ("grey", "#808080"),
])
def test_colours_are_normalised_to_rrggbb(db: Database, given: str, stored: str) -> None:
    with db.session() as s:
        info = triage.create_tag(s, "hot", given, actor="Ada")
    assert info.colour == stored
    with db.session() as s:
        assert s.scalars(select(Tag.colour)).one() == stored


@pytest.mark.parametrize("colour", ["xyz", "#12", "#ggg", "#1234567", "rgb(1,2,3)", ""])
def test_an_invalid_colour_is_refused_with_the_expected_form(db: Database, colour: str) -> None:
    with pytest.raises(ValidationError) as info, db.session() as s:
        triage.create_tag(s, "hot", colour, actor="Ada")
    assert str(info.value) == f"invalid colour {colour!r}; use #rrggbb"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 0


def test_create_tag_writes_an_audit_event_and_refuses_duplicates_and_empty_names(
        db: Database) -> None:
    with db.session() as s:
        info = triage.create_tag(s, " Hot ", "#f00", actor="Ada")
    assert (info.name, info.colour, info.submissions) == ("Hot", "#ff0000", 0)
    [e] = events(db, "tag")
    assert audit_tuple(e) == ("Ada", "tag.create", "tag", info.id, None,
                              {"name": "Hot", "colour": "#ff0000"})
    with pytest.raises(ValidationError, match="a tag named 'Hot' already exists"), \
            db.session() as s:
        triage.create_tag(s, "hOT", actor="Ada")
    with pytest.raises(ValidationError, match="tag name is empty"), db.session() as s:
        triage.create_tag(s, "   ", actor="Ada")
    with pytest.raises(ValidationError, match="too long"), db.session() as s:
        triage.create_tag(s, "x" * 81, actor="Ada")


def test_rename_tag_keeps_it_on_its_submissions(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.add_tag(s, sid, "hot", actor="Ada")
        triage.create_tag(s, "cold", actor="Ada")
        info = triage.rename_tag(s, "HOT", " Urgent ", actor="Bob")
    assert (info.name, info.submissions) == ("Urgent", 1)
    assert tags_of(db, sid) == ["Urgent"]
    renamed = events(db, "tag", info.id)[-1]
    assert audit_tuple(renamed) == ("Bob", "tag.rename", "tag", info.id, {"name": "hot"},
                                    {"name": "Urgent"})
    with db.session() as s:  # letter case only: the same tag, so allowed
        assert triage.rename_tag(s, "urgent", "URGENT", actor="Bob").name == "URGENT"
    with pytest.raises(ValidationError) as clash, db.session() as s:
        triage.rename_tag(s, "URGENT", "Cold", actor="Bob")
    assert str(clash.value) == ("cannot rename 'URGENT' to 'Cold': a tag named 'cold' "
                                "already exists")
    with pytest.raises(NotFoundError, match="no tag 'warm'"), db.session() as s:
        triage.rename_tag(s, "warm", "hot", actor="Bob")
    assert tags_of(db, sid) == ["URGENT"]


def test_recolour_tag(db: Database) -> None:
    with db.session() as s:
        created = triage.create_tag(s, "hot", actor="Ada")
        info = triage.recolour_tag(s, "Hot", "#00F", actor="Bob")
    assert info.colour == "#0000ff"
    assert audit_tuple(events(db, "tag")[-1]) == ("Bob", "tag.recolour", "tag", created.id,
                                                  {"colour": "#808080"}, {"colour": "#0000ff"})
    with pytest.raises(ValidationError, match="invalid colour 'blu'"), db.session() as s:
        triage.recolour_tag(s, "hot", "blu", actor="Bob")
    with pytest.raises(NotFoundError), db.session() as s:
        triage.recolour_tag(s, "warm", "red", actor="Bob")


def test_delete_tag_unlinks_it_everywhere_and_records_where_it_was(
        db: Database, three: list[int]) -> None:
    a, b, c = three
    with db.session() as s:
        triage.bulk_add_tag(s, [a, b], "hot", actor="Ada")
        triage.add_tag(s, c, "cold", actor="Ada")
        info = triage.delete_tag(s, "HOT", actor="Bob")
    assert (info.name, info.submissions) == ("hot", 2)
    assert tags_of(db, a) == tags_of(db, b) == []
    assert tags_of(db, c) == ["cold"]
    with db.session() as s:
        assert list(s.scalars(select(Tag.name))) == ["cold"]
    deleted = events(db, "tag", info.id)[-1]
    assert audit_tuple(deleted) == ("Bob", "tag.delete", "tag", info.id,
                                    {"name": "hot", "colour": "#808080",
                                     "submission_ids": sorted([a, b])}, None)
    # A catalogue change, not an edit of the submissions: their versions stay put.
    assert version(db, a) == version(db, b) == 2
    with pytest.raises(NotFoundError), db.session() as s:
        triage.delete_tag(s, "hot", actor="Bob")


def test_delete_tag_refreshes_cached_submissions(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.add_tag(s, sid, "hot", actor="Ada")
        cached = s.get(Submission, sid)
        assert cached is not None
        assert [t.name for t in cached.tags] == ["hot"]
        triage.delete_tag(s, "hot", actor="Ada")
        assert cached.tags == []


def test_list_tags_counts_submissions(db: Database, three: list[int]) -> None:
    with db.session() as s:
        triage.bulk_add_tag(s, three, "hot", actor="Ada")
        triage.create_tag(s, "Cold", "blue", actor="Ada")
        tags = triage.list_tags(s)
    assert [(t.name, t.colour, t.submissions) for t in tags] == [
        ("Cold", "#0000ff", 0), ("hot", "#808080", 3)]


# ------------------------------------------------------------------ assignment and members

def test_assign_reassign_and_unassign(db: Database, sid: int) -> None:
    with db.session() as s:
        ada = make_member(s, "Ada").id
        make_member(s, "Bob")
        first = triage.assign(s, sid, "ada", actor="Cy")  # any letter case finds her
        second = triage.assign(s, sid, "Bob", actor="Cy")
        third = triage.assign(s, sid, None, actor="Cy")
        again = triage.assign(s, sid, None, actor="Cy")
    assert first == Edit(sid, "assign", {"assignee": None}, {"assignee": "Ada"}, version=2)
    assert second.before == {"assignee": "Ada"}
    assert third == Edit(sid, "assign", {"assignee": "Bob"}, {"assignee": None}, version=4)
    assert not again.changed
    assert row(db, sid).assignee_id is None
    assert [audit_tuple(e) for e in events(db, entity_id=sid)] == [
        ("Cy", "assign", "submission", sid, {"assignee": None}, {"assignee": "Ada"}),
        ("Cy", "assign", "submission", sid, {"assignee": "Ada"}, {"assignee": "Bob"}),
        ("Cy", "assign", "submission", sid, {"assignee": "Bob"}, {"assignee": None}),
    ]
    with db.session() as s:
        triage.assign(s, sid, "Ada", actor="Cy")
    assert row(db, sid).assignee_id == ada


@pytest.mark.parametrize(("name", "message"), [
    ("Zed", "no team member 'Zed'; add one with `leaddesk members add Zed`"),
    ("Zed Q", "no team member 'Zed Q'; add one with `leaddesk members add 'Zed Q'`"),
])
def test_assigning_an_unknown_member_says_how_to_add_one(db: Database, sid: int, name: str,
                                                         message: str) -> None:
    with pytest.raises(NotFoundError) as info, db.session() as s:
        triage.assign(s, sid, name, actor="Ada")
    assert str(info.value) == message
    assert version(db, sid) == 1


def test_members_add_list_and_refuse_duplicates(db: Database, sid: int) -> None:
    with db.session() as s:
        bob = triage.add_member(s, " Bob ", actor="Ada")
        ada = triage.add_member(s, "Ada", "ada@example.org", actor="Ada")
        triage.assign(s, sid, "Ada", actor="Ada")
        members = triage.list_members(s)
    assert (bob.name, bob.email, bob.active, bob.assigned) == ("Bob", None, True, 0)
    assert ada.email == "ada@example.org"
    assert [(m.name, m.assigned) for m in members] == [("Ada", 1), ("Bob", 0)]
    assert [audit_tuple(e)[:4] for e in events(db, "member")] == [
        ("Ada", "member.add", "member", bob.id), ("Ada", "member.add", "member", ada.id)]
    with pytest.raises(ValidationError, match="team member 'Ada' already exists"), \
            db.session() as s:
        triage.add_member(s, "ADA", actor="Ada")
    with pytest.raises(ValidationError, match="invalid e-mail address 'nope'"), \
            db.session() as s:
        triage.add_member(s, "Cy", "nope", actor="Ada")
    with pytest.raises(ValidationError, match="team member name is empty"), db.session() as s:
        triage.add_member(s, " ", actor="Ada")


def test_removing_a_member_without_work_deletes_them(db: Database) -> None:
    with db.session() as s:
        triage.add_member(s, "Bob", actor="Ada")
        removal = triage.remove_member(s, "bob", actor="Ada")
    assert (removal.name, removal.deleted, removal.still_assigned) == ("Bob", True, 0)
    with db.session() as s:
        assert triage.list_members(s, include_inactive=True) == []
    assert events(db, "member")[-1].action == "member.remove"
    with pytest.raises(NotFoundError, match="no team member 'Bob'"), db.session() as s:
        triage.remove_member(s, "Bob", actor="Ada")


def test_removing_a_member_who_owns_submissions_deactivates_them(db: Database,
                                                                 sid: int) -> None:
    with db.session() as s:
        bob = triage.add_member(s, "Bob", actor="Ada")
        triage.assign(s, sid, "Bob", actor="Ada")
        removal = triage.remove_member(s, "Bob", actor="Ada")
    assert (removal.deleted, removal.still_assigned) == (False, 1)
    assert row(db, sid).assignee_id == bob.id  # their work still shows who had it
    with db.session() as s:
        assert triage.list_members(s) == []
        [inactive] = triage.list_members(s, include_inactive=True)
    assert (inactive.name, inactive.active, inactive.assigned) == ("Bob", False, 1)
    with pytest.raises(ValidationError, match="'Bob' was removed; add them again"), \
            db.session() as s:
        triage.assign(s, sid, "Bob", actor="Ada")
    with db.session() as s:
        back = triage.add_member(s, "bob", "bob@example.org", actor="Ada")
    assert (back.id, back.name, back.active, back.email) == (bob.id, "Bob", True,
                                                             "bob@example.org")
    assert [e.action for e in events(db, "member")] == [
        "member.add", "member.deactivate", "member.reactivate"]


# ------------------------------------------------------------------ notes

def test_add_note_stores_it_bumps_the_version_and_keeps_the_text_out_of_the_audit_log(
        db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.add_note(s, sid, "  Called Zoë on +44 20 7946 0000  ", actor="Ada")
    with db.session() as s:
        note = s.scalars(select(Note)).one()
    assert (note.submission_id, note.author, note.body) == (
        sid, "Ada", "Called Zoë on +44 20 7946 0000")
    assert change == Edit(sid, "note", {}, {"note_id": note.id, "length": 30}, version=2)
    assert version(db, sid) == 2
    [e] = events(db, entity_id=sid)
    assert audit_tuple(e) == ("Ada", "note", "submission", sid, {},
                              {"note_id": note.id, "length": 30})


@pytest.mark.parametrize("text", ["", "  \n\t "])
def test_an_empty_note_is_refused(db: Database, sid: int, text: str) -> None:
    with pytest.raises(ValidationError, match="the note is empty"), db.session() as s:
        triage.add_note(s, sid, text, actor="Ada")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Note)) == 0
    assert version(db, sid) == 1


# ------------------------------------------------------------------ bulk

def test_bulk_set_status_changes_only_what_differs_one_audit_event_each(
        db: Database, three: list[int]) -> None:
    a, b, c = three
    with db.session() as s:
        triage.set_status(s, c, "done", actor="Ada")
        changed = triage.bulk_set_status(s, [a, b, c, a], "done", actor="Bob")
    assert changed.count == 2
    assert changed.fields == frozenset({"status"})
    assert [row(db, i).status for i in three] == ["done"] * 3
    assert [version(db, i) for i in three] == [2, 2, 2]
    bob = [e for e in events(db) if e.actor == "Bob"]
    assert sorted(audit_tuple(e) for e in bob) == sorted([
        ("Bob", "status", "submission", a, {"status": "new"}, {"status": "done"}),
        ("Bob", "status", "submission", b, {"status": "new"}, {"status": "done"}),
    ])


def test_bulk_operations_are_all_or_nothing_on_an_unknown_id(db: Database,
                                                             three: list[int]) -> None:
    with db.session() as s:
        make_member(s, "Ada")
    for operation in (
            lambda s: triage.bulk_set_status(s, [*three, MISSING], "done", actor="Ada"),
            lambda s: triage.bulk_add_tag(s, [*three, MISSING], "hot", actor="Ada"),
            lambda s: triage.bulk_remove_tag(s, [*three, MISSING], "hot", actor="Ada"),
            lambda s: triage.bulk_assign(s, [*three, MISSING], "Ada", actor="Ada")):
        with pytest.raises(NotFoundError, match=f"no submission {MISSING}"), db.session() as s:
            operation(s)
    assert [tuple(row(db, i))[:2] for i in three] == [("new", 1)] * 3
    assert events(db) == []
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 0


def test_bulk_add_and_remove_tag(db: Database, three: list[int]) -> None:
    a, b, c = three
    with db.session() as s:
        triage.add_tag(s, a, "hot", actor="Ada")
        added = triage.bulk_add_tag(s, three, "HOT", actor="Bob")
    assert added.count == 2
    assert [tags_of(db, i) for i in three] == [["hot"]] * 3
    assert [version(db, i) for i in three] == [2, 2, 2]
    tag_adds = [e for e in events(db) if e.actor == "Bob"]
    assert sorted(e.entity_id or 0 for e in tag_adds) == sorted([b, c])
    assert {(e.action, str(e.before), str(e.after)) for e in tag_adds} == {
        ("tag.add", "{'tags': []}", "{'tags': ['hot']}")}

    with db.session() as s:
        triage.add_tag(s, c, "cold", actor="Ada")
        removed = triage.bulk_remove_tag(s, [a, b], "hot", actor="Cy")
        nothing = triage.bulk_remove_tag(s, [a, b], "hot", actor="Cy")
    assert (removed.count, nothing.count) == (2, 0)
    assert [tags_of(db, i) for i in three] == [[], [], ["cold", "hot"]]
    assert [version(db, i) for i in three] == [3, 3, 3]
    assert sorted(e.entity_id or 0 for e in events(db) if e.actor == "Cy") == sorted([a, b])


def test_bulk_assign_and_unassign(db: Database, three: list[int]) -> None:
    a, b, c = three
    with db.session() as s:
        ada = make_member(s, "Ada").id
        triage.assign(s, a, "Ada", actor="Ada")
        assigned = triage.bulk_assign(s, three, "Ada", actor="Bob")
    assert assigned.count == 2
    assert [row(db, i).assignee_id for i in three] == [ada] * 3
    assert sorted((e.entity_id, str(e.before), str(e.after)) for e in events(db)
                  if e.actor == "Bob") == sorted([
        (b, "{'assignee': None}", "{'assignee': 'Ada'}"),
        (c, "{'assignee': None}", "{'assignee': 'Ada'}")])
    with db.session() as s:
        unassigned = triage.bulk_assign(s, three, None, actor="Bob")
    assert unassigned.count == 3
    assert [row(db, i).assignee_id for i in three] == [None] * 3
    assert [version(db, i) for i in three] == [3, 3, 3]
    with pytest.raises(NotFoundError, match="no team member 'Zed'"), db.session() as s:
        triage.bulk_assign(s, three, "Zed", actor="Bob")


def test_bulk_with_no_ids_changes_nothing(db: Database) -> None:
    with db.session() as s:
        make_member(s, "Ada")
        assert triage.bulk_set_status(s, [], "done", actor="Ada").count == 0
        assert triage.bulk_add_tag(s, [], "hot", actor="Ada").count == 0
        assert triage.bulk_assign(s, [], "Ada", actor="Ada").count == 0
        assert s.scalar(select(func.count()).select_from(Tag)) == 0
    assert events(db) == []
    assert events(db, "tag") == []


def test_bulk_works_across_chunks(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "_CHUNK", 2)  # read by versions.chunks, which every chunked query uses
    with db.session() as s:
        ids = [make_submission(s).id for _ in range(5)]
        make_member(s, "Ada")
        assert triage.bulk_set_status(s, ids, "open", actor="Ada").count == 5
        assert triage.bulk_add_tag(s, ids, "hot", actor="Ada").count == 5
        assert triage.bulk_assign(s, ids, "Ada", actor="Ada").count == 5
        assert triage.bulk_remove_tag(s, ids, "hot", actor="Ada").count == 5
    assert [version(db, i) for i in ids] == [5] * 5
    assert len(events(db)) == 20


def _statements(db: Database, operation: Callable[[Session], object]) -> int:
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    with db.session() as s:
        s.flush()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            operation(s)
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
    return count


@pytest.mark.parametrize("operation", [
    lambda s, ids: triage.bulk_set_status(s, ids, "done", actor="Ada"),
    lambda s, ids: triage.bulk_add_tag(s, ids, "hot", actor="Ada"),
    lambda s, ids: triage.bulk_assign(s, ids, "Ada", actor="Ada"),
], ids=["status", "tag", "assign"])
def test_bulk_statement_count_does_not_grow_with_the_selection(
        db: Database, operation: Callable[[Session, list[int]], object]) -> None:
    with db.session() as s:
        make_member(s, "Ada")
        triage.create_tag(s, "hot", actor="Ada")
        few = [make_submission(s).id for _ in range(3)]
        many = [make_submission(s).id for _ in range(120)]
    small = _statements(db, lambda s: operation(s, few))
    large = _statements(db, lambda s: operation(s, many))
    assert large == small <= 6
    assert len(events(db)) == 123
    assert {version(db, i) for i in few + many} == {2}


# ------------------------------------------------------------------ conflicts

def test_a_stale_expected_version_is_a_conflict_naming_the_last_writer(db: Database,
                                                                       sid: int) -> None:
    with db.session() as s:
        triage.set_status(s, sid, "done", actor="Ada")
    with pytest.raises(ConflictError) as info, db.session() as s:
        triage.set_status(s, sid, "waiting", actor="Bob", expected_version=1)
    error = info.value
    assert str(error) == (f"submission {sid} was changed by Ada a moment ago (status → done); "
                          f"reload and try again")
    assert error.changed_by == "Ada"
    assert error.changed_at is not None
    assert abs(datetime.fromisoformat(error.changed_at) - datetime.now(UTC)) < timedelta(minutes=1)
    assert tuple(row(db, sid))[:2] == ("done", 2)
    assert len(events(db)) == 1


@pytest.mark.parametrize(("first", "described"), [
    (lambda s, i: triage.add_tag(s, i, "hot", actor="Ada"), "tagged hot"),
    (lambda s, i: triage.assign(s, i, "Ada", actor="Ada"), "assigned to Ada"),
    (lambda s, i: triage.add_note(s, i, "rang twice", actor="Ada"), "note added"),
    (lambda s, i: triage.set_status(s, i, "spam", actor="Ada"), "status → spam"),
], ids=["tag", "assign", "note", "status"])
@pytest.mark.parametrize("second", [
    lambda s, i: triage.set_status(s, i, "done", actor="Bob", expected_version=1),
    lambda s, i: triage.set_status(s, i, "spam", actor="Bob", expected_version=1),  # no-op too
    lambda s, i: triage.add_tag(s, i, "cold", actor="Bob", expected_version=1),
    lambda s, i: triage.remove_tag(s, i, "hot", actor="Bob", expected_version=1),
    lambda s, i: triage.assign(s, i, None, actor="Bob", expected_version=1),
    lambda s, i: triage.add_note(s, i, "me too", actor="Bob", expected_version=1),
], ids=["status", "same-status", "add_tag", "remove_tag", "unassign", "note"])
def test_every_single_row_change_checks_the_expected_version(
        db: Database, sid: int, first: Callable[[Session, int], object], described: str,
        second: Callable[[Session, int], object]) -> None:
    with db.session() as s:
        make_member(s, "Ada")
        s.add(Tag(name="hot"))
    with db.session() as s:
        first(s, sid)
    before = len(events(db))
    with pytest.raises(ConflictError, match=f"changed by Ada a moment ago \\({described}\\)"), \
            db.session() as s:
        second(s, sid)
    assert version(db, sid) == 2
    assert len(events(db)) == before


def test_a_second_desktop_writing_after_the_first_committed_gets_a_conflict(
        db: Database, sid: int) -> None:
    with db.session() as bob:
        shown = bob.get(Submission, sid)  # what Bob's window shows
        assert shown is not None
        with db.session() as ada:
            triage.set_status(ada, sid, "done", actor="Ada")
        with pytest.raises(ConflictError, match="changed by Ada") as info:
            triage.set_status(bob, sid, "waiting", actor="Bob", expected_version=shown.version)
    assert info.value.changed_by == "Ada"
    assert tuple(row(db, sid))[:2] == ("done", 2)


def test_versions_come_from_the_database_not_the_session_cache(db: Database, sid: int) -> None:
    with db.session() as bob:
        cached = bob.get(Submission, sid)
        assert cached is not None
        assert cached.version == 1
        with db.session() as ada:
            triage.set_status(ada, sid, "done", actor="Ada")
        # Without expected_version the version read now counts, so this is not a conflict ...
        change = triage.set_status(bob, sid, "waiting", actor="Bob")
        assert change == Edit(sid, "status", {"status": "done"}, {"status": "waiting"}, 3)
        # ... and the cached object no longer shows the old values.
        assert (cached.status, cached.version) == ("waiting", 3)


def test_a_racing_writer_blocked_behind_another_transaction_gets_a_conflict(
        db: Database, sid: int) -> None:
    """Bob reads version 1, then his UPDATE waits for Ada's uncommitted one. When Ada commits,
    his compare-and-swap finds version 2 and must fail instead of overwriting her change."""
    bob_updating = threading.Event()
    outcome: list[BaseException | Edit] = []

    def signal(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if threading.current_thread().name == "bob" and statement.startswith("UPDATE"):
            bob_updating.set()

    def bob() -> None:
        try:
            with db.session() as s:
                outcome.append(triage.set_status(s, sid, "waiting", actor="Bob"))
        except BaseException as exc:
            outcome.append(exc)

    event.listen(db.engine, "before_cursor_execute", signal)
    try:
        with db.session() as ada:
            triage.set_status(ada, sid, "done", actor="Ada")
            thread = threading.Thread(target=bob, name="bob")
            thread.start()
            assert bob_updating.wait(10), "Bob never reached his UPDATE"
        thread.join(30)
    finally:
        event.remove(db.engine, "before_cursor_execute", signal)
    assert not thread.is_alive()
    [result] = outcome
    assert isinstance(result, ConflictError), result
    assert result.changed_by == "Ada"
    assert tuple(row(db, sid))[:2] == ("done", 2)


def test_a_conflict_in_a_bulk_change_names_the_row(db: Database, three: list[int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    b = three[1]
    real_read = versions.read_many
    interfered = False

    def read_then_colleague_writes(session: Session, ids: Any) -> Any:
        nonlocal interfered
        current = real_read(session, ids)
        if not interfered:  # once, between Bob's read and his UPDATE; Ada commits
            interfered = True
            with db.session() as other:
                triage.set_status(other, b, "spam", actor="Ada")
        return current

    # Patched where bulk_set_status looks it up, not in leaddesk.triage.versions where it lives.
    monkeypatch.setattr(actions, "read_many", read_then_colleague_writes)
    with pytest.raises(ConflictError, match=f"submission {b} was changed by Ada"), \
            db.session() as s:
        triage.bulk_set_status(s, three, "done", actor="Bob")
    monkeypatch.undo()
    assert [row(db, i).status for i in three] == ["new", "spam", "new"]
    assert [version(db, i) for i in three] == [1, 2, 1]
    assert [e.actor for e in events(db)] == ["Ada"]


# ------------------------------------------------------------------ undo

def test_undo_reverses_status_assignment_and_tags(db: Database, sid: int) -> None:
    with db.session() as s:
        make_member(s, "Ada")
        status = triage.set_status(s, sid, "done", actor="Ada")
        undone = triage.undo(s, status, actor="Ada")
        assert undone.after == {"status": "new"}
        tagged = triage.add_tag(s, sid, "hot", actor="Ada")
        triage.undo(s, tagged, actor="Ada")
        assert tags_of_session(s, sid) == []
        untagged = triage.remove_tag(s, sid, "hot", actor="Ada")
        assert not untagged.changed
        assert triage.undo(s, untagged, actor="Ada") is untagged
        assigned = triage.assign(s, sid, "Ada", actor="Ada")
        triage.undo(s, assigned, actor="Ada")
    current = row(db, sid)
    assert (current.status, current.assignee_id, current.version) == ("new", None, 7)
    assert [e.action for e in events(db)] == ["status", "status", "tag.add", "tag.remove",
                                              "assign", "assign"]


def tags_of_session(s: Session, submission_id: int) -> list[str]:
    return sorted(s.scalars(select(Tag.name).join(submission_tags)
                            .where(submission_tags.c.submission_id == submission_id)))


def test_undo_refuses_to_overwrite_a_newer_change(db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.set_status(s, sid, "done", actor="Bob")
    with db.session() as s:
        triage.set_status(s, sid, "waiting", actor="Ada")
    with pytest.raises(ConflictError, match="changed by Ada"), db.session() as s:
        triage.undo(s, change, actor="Bob")
    assert row(db, sid).status == "waiting"


def test_notes_cannot_be_undone(db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.add_note(s, sid, "hello", actor="Ada")
        with pytest.raises(ValidationError, match="cannot be undone"):
            triage.undo(s, change, actor="Ada")


def test_member_lookups_are_not_fooled_by_the_session_cache(db: Database, sid: int) -> None:
    with db.session() as s:
        make_member(s, "Ada")
    with db.session() as bob:
        assert triage.list_members(bob)[0].active
        with db.session() as ada:
            ada.execute(update(TeamMember).values(active=False))
        with pytest.raises(ValidationError, match="was removed"):
            triage.assign(bob, sid, "Ada", actor="Bob")
