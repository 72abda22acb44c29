"""The trigger-kept facet counts (revision 0006), and on PostgreSQL the documents per search word
(0010), equal a plain GROUP BY after every kind of write, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from leaddesk import contacts, query, reparse, triage
from leaddesk.db import Database
from leaddesk.db.models import Post
from leaddesk.triage import edits, members
from tests.support.correction_mail import spam
from tests.support.factories import make_contact, make_submission
from tests.support.kept_counts import assert_exact

ACTOR = "tester"


def test_counts_follow_insert_triage_edit_merge_reparse_and_erase(db: Database) -> None:
    with db.session() as s:
        post = Post(url="https://blog.example/imi", title="Patient engagement at IMI")
        s.add(post)
        s.flush()
        zoe = make_contact(s, "zoe@pharma.example")
        other = make_contact(s, "zoe.m@home.example")
        ids = [make_submission(s, topic=topic, contact_id=zoe.id, post_id=post.id,
                               body_text=f"{topic} engagement").id
               for topic in ("Market access", None, "Market access")]
        ids.append(make_submission(s, is_submission=False, status="done",
                                   contact_id=other.id).id)
        misread = make_submission(s, raw=spam(), parser_version=0, topic=None).id
        members.add_member(s, "Anja", actor=ACTOR)
    assert_exact(db)  # insert
    with db.session() as s:
        triage.set_status(s, ids[0], "open", actor=ACTOR)
        triage.bulk_set_status(s, ids[1:3], "spam", actor=ACTOR)
    assert_exact(db)  # status
    with db.session() as s:
        triage.add_tag(s, ids[0], "hot", actor=ACTOR)
        triage.add_tag(s, ids[1], "hot", actor=ACTOR)
        triage.add_tag(s, ids[3], "cold", actor=ACTOR)
        triage.remove_tag(s, ids[1], "hot", actor=ACTOR)
    assert_exact(db)  # tags
    with db.session() as s:
        triage.set_status(s, ids[0], "done", actor=ACTOR)  # a tagged row changes group
        triage.assign(s, ids[0], "Anja", actor=ACTOR)
        triage.assign(s, ids[2], "Anja", actor=ACTOR)
        triage.assign(s, ids[2], None, actor=ACTOR)
    assert_exact(db)  # assign
    with db.session() as s:
        edits.edit_submission(s, ids[0], {"topic": "Speakers bureaus"}, actor=ACTOR)
        edits.edit_submission(s, ids[1], {"topic": ""}, actor=ACTOR)
        edits.edit_submission(s, ids[2], {"name": "Zoë Müller", "company": "Novagen"},
                              actor=ACTOR)
    assert_exact(db)  # edit
    with db.session() as s:  # kind, group and text in one statement
        s.execute(text("UPDATE submissions SET is_submission = false, status = 'new', "
                       "body_text = 'Cheap engagement pills' WHERE id = :i"), {"i": ids[1]})
    assert_exact(db)
    with db.session() as s:
        s.get(Post, post.id).title = "Speakers bureaus"  # type: ignore[union-attr]
    assert_exact(db)  # a post's title is in its submissions' documents
    with db.session() as s:
        contacts.merge_contacts(s, zoe.id, other.id, actor=ACTOR)
    assert_exact(db)  # merge
    reparse.reparse(db, ids=[misread])
    assert_exact(db)  # reparse (the old reading was not spam)
    with db.session() as s:
        members.remove_member(s, "Anja", actor=ACTOR)
        triage.delete_tag(s, "cold", actor=ACTOR)
    assert_exact(db)  # a member and a tag go
    with db.session() as s:
        contacts.erase_contact(s, zoe.id, actor=ACTOR)
    assert_exact(db)  # erase


def test_facets_of_the_inbox_read_the_kept_counts(db: Database) -> None:
    with db.session() as s:
        make_submission(s, topic="Market access")
        tagged = make_submission(s, topic=None).id
        hidden = make_submission(s, topic="Market access").id
        make_submission(s, is_submission=False, topic="Market access")
        triage.add_tag(s, tagged, "hot", actor=ACTOR)
        triage.add_tag(s, hidden, "hot", actor=ACTOR)
        triage.set_status(s, hidden, "spam", actor=ACTOR)
    with db.session() as s:
        inbox = query.facets(s, query.Filter())
        everything = query.facets(s, query.Filter(include_spam=True,
                                                  include_non_submissions=True))
    assert inbox.statuses == {"new": 2, "spam": 1}
    assert inbox.topics == {None: 1, "Market access": 1}
    assert inbox.tags == {"hot": 1}
    assert everything.topics == {None: 1, "Market access": 3}
    assert everything.tags == {"hot": 2}


@pytest.mark.postgres
def test_two_writers_moving_rows_between_the_same_groups_do_not_wait_for_each_other(
        postgres_url: str) -> None:
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            first = make_submission(s, status="new").id
            second = make_submission(s, status="open").id
        with db.engine.connect() as a, db.engine.connect() as b:
            a.execute(text("UPDATE submissions SET status = 'open' WHERE id = :i"), {"i": first})
            # Without SKIP LOCKED this waits for a's counts rows (and a deadlock follows if a
            # then moved a row the other way); the timeout turns a wait into a failure.
            b.execute(text("SET lock_timeout = '3s'"))
            b.execute(text("UPDATE submissions SET status = 'new' WHERE id = :i"), {"i": second})
            b.commit()
            a.commit()
        assert_exact(db)
    finally:
        db.close()


def test_tag_facets_under_statuses_read_the_kept_counts_by_status(db: Database) -> None:
    with db.session() as s:
        waiting = make_submission(s).id
        done = make_submission(s).id
        for sid in (waiting, done, make_submission(s).id):
            triage.add_tag(s, sid, "hot", actor=ACTOR)
        triage.add_tag(s, done, "later", actor=ACTOR)
        triage.set_status(s, waiting, "waiting", actor=ACTOR)
        triage.set_status(s, done, "done", actor=ACTOR)
    with db.session() as s:
        inbox = query.facets(s, query.Filter(statuses=("new", "waiting")))
        finished = query.facets(s, query.Filter(statuses=("done",)))
    assert inbox.tags == {"hot": 2}
    assert finished.tags == {"hot": 1, "later": 1}


def test_facets_under_any_other_filter_count_the_rows_themselves(db: Database) -> None:
    with db.session() as s:
        make_submission(s, unread=True, topic="Market access")
        make_submission(s, unread=False, topic=None)
        triage.add_tag(s, make_submission(s, unread=False).id, "hot", actor=ACTOR)
    with db.session() as s:
        unread = query.facets(s, query.Filter(unread=True))
    assert unread.statuses == {"new": 1}
    assert unread.topics == {"Market access": 1}
    assert unread.tags == {}
