"""A person correcting a lead: audited, version-checked, undoable, marked, re-linking contact
and post; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from leaddesk import contacts, triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Contact, Post, Submission
from leaddesk.errors import ConflictError, ValidationError
from tests.support.factories import make_contact, make_submission


def row(db: Database, sid: int) -> Any:
    with db.session() as s:
        return s.execute(select(Submission).where(Submission.id == sid)).scalar_one()


@pytest.fixture
def sid(db: Database) -> int:
    with db.session() as s:
        jane = make_contact(s, "jane@acme.example", name="Jane")
        return make_submission(s, visitor_name="Area of work", contact_id=jane.id,
                               visitor_email="jane@acme.example").id


def test_edit_changes_marks_audits_and_bumps_the_version(db: Database, sid: int) -> None:
    with db.session() as s:
        result = triage.edit_submission(s, sid, {"name": " Jane  Roe ", "company": "Acme",
                                                 "phone": ""}, actor="Ada")
    change = result.change
    assert change.action == "edit"
    assert change.version == 2
    assert {k: v for k, v in change.after.items() if not k.startswith("_")} == {
        "name": "Jane Roe", "company": "Acme"}  # phone was empty already: not an edit
    stored = row(db, sid)
    assert (stored.visitor_name, stored.visitor_company) == ("Jane Roe", "Acme")
    assert set(stored.edited_fields) == {"name", "company"}
    assert stored.edited_fields["name"]["by"] == "Ada"
    with db.session() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "edit"))
    assert event.before is not None
    assert event.after is not None
    assert (event.actor, event.before["name"], event.after["name"]) == (
        "Ada", "Area of work", "Jane Roe")
    assert triage.describe_change("edit", event.before, event.after) == "edited name, company"


def test_an_edit_on_an_outdated_view_is_a_conflict(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.set_status(s, sid, "open", actor="Bob")
    with db.session() as s, pytest.raises(ConflictError, match="changed by Bob"):
        triage.edit_submission(s, sid, {"name": "Jane"}, actor="Ada", expected_version=1)
    assert row(db, sid).visitor_name == "Area of work"


def test_undo_puts_values_and_marks_back(db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.edit_submission(s, sid, {"name": "Jane Roe", "topic": "Oncology"},
                                        actor="Ada").change
    with db.session() as s:
        undone = triage.undo(s, change, actor="Ada")
    stored = row(db, sid)
    assert (stored.visitor_name, stored.topic, stored.topic_source) == ("Area of work", None, None)
    assert not stored.edited_fields
    assert undone.version == 3


def test_undo_over_a_colleagues_newer_change_is_a_conflict(db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.edit_submission(s, sid, {"name": "Jane Roe"}, actor="Ada").change
    with db.session() as s:
        triage.set_status(s, sid, "done", actor="Bob")
    with db.session() as s, pytest.raises(ConflictError):
        triage.undo(s, change, actor="Ada")
    assert row(db, sid).visitor_name == "Jane Roe"


def test_a_topic_typed_by_hand_is_manual(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.edit_submission(s, sid, {"topic": "Rare diseases"}, actor="Ada")
    assert (row(db, sid).topic, row(db, sid).topic_source) == ("Rare diseases", "manual")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "jane at acme", "invalid e-mail"),
    ("page_url", "not a page", "not a web address"),
    ("name", "x" * 256, "too long"),
    ("status", "done", "cannot be edited"),
])
def test_bad_values_are_refused_with_what_to_do(db: Database, sid: int, field: str, value: str,
                                                message: str) -> None:
    with db.session() as s, pytest.raises(ValidationError, match=message):
        triage.edit_submission(s, sid, {field: value}, actor="Ada")


def test_a_changed_page_url_relinks_the_post(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.edit_submission(s, sid, {"page_url": "www.example.com/blog/a?utm_source=x"},
                               actor="Ada")
    stored = row(db, sid)
    assert stored.page_url == "https://www.example.com/blog/a"
    with db.session() as s:
        post = s.get(Post, stored.post_id)
        assert post is not None
        assert post.url == stored.page_url


def test_a_new_email_gets_its_own_contact_and_undo_returns_to_the_old(db: Database,
                                                                      sid: int) -> None:
    old_contact = row(db, sid).contact_id
    with db.session() as s:
        make_submission(s, contact_id=old_contact)  # Jane's contact has another lead
        result = triage.edit_submission(s, sid, {"email": "Jane.Roe@Acme.example"}, actor="Ada")
    assert result.merge_offer is None
    new_contact = row(db, sid).contact_id
    assert new_contact not in (None, old_contact)
    with db.session() as s:
        triage.undo(s, result.change, actor="Ada")
        assert s.get(Contact, new_contact) is None  # it existed only for the typo
    assert row(db, sid).contact_id == old_contact


def test_an_email_of_another_contact_links_it_and_offers_a_merge(db: Database, sid: int) -> None:
    old_contact = row(db, sid).contact_id
    with db.session() as s:
        known = make_contact(s, "jane.roe@acme.example", name="Jane Roe").id
        result = triage.edit_submission(s, sid, {"email": "jane.roe@acme.example"}, actor="Ada")
    assert row(db, sid).contact_id == known
    assert result.merge_offer == (known, old_contact)
    with db.session() as s:
        merged = contacts.merge_contacts(s, *result.merge_offer, actor="Ada")
        assert "jane@acme.example" in merged.kept.aliases
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
