"""Topic of interest: the form's field wins; else the post's terms through the editable mapping."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from leaddesk import query
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Post, Submission
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.posts import topics
from leaddesk.posts.resolve import resolve_posts
from leaddesk.posts.topics import Mappings
from tests.posts.helpers import BLOG, allow, demo_post, lead, rest, store, submission
from tests.posts.server import TestSite

MICRO = "/blog/focus-on-micro-influencers/"


def test_a_tag_mapping_beats_a_category_and_categories_default_to_themselves() -> None:
    m = Mappings([("tag", "Patient Engagement", "Patient engagement"),
                  ("category", "News", ""), ("tag", "KOL", "")])
    assert m.topic_for(["Digital"], ["Social media", "patient engagement"]) == "Patient engagement"
    assert m.topic_for(["Digital"], ["Social media"]) == "Digital"
    assert m.topic_for(["Uncategorized", "News"], ["KOL"]) is None  # mapped to no topic
    assert m.topic_for([], []) is None


def _resolved(db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes["/wp-json/wp/v2/posts?slug=focus-on-micro-influencers&_embed=author,wp:term"] = (
        rest(demo_post("focus-on-micro-influencers")))


def test_mappings_are_edited_and_rederived_in_one_command(db: Database, site: TestSite) -> None:
    _resolved(db, site)
    field, derived, none = store(db, lead(1, MICRO, topic="Market access"), lead(2, MICRO),
                                 lead(3, "/contact/"))
    resolve_posts(db)
    assert (submission(db, derived).topic, submission(db, derived).topic_source) == ("Digital",
                                                                                     "mapping")
    with db.session() as s:
        topics.set_mapping(s, "tag", "micro-influencers", "Micro-influencers")
        assert topics.rederive(s, actor="ada") == 1
    with db.session() as s:
        assert s.execute(select(AuditEvent.action)).scalars().all()[-1] == "rederive_topics"
        # "No topic" is a value to filter on.
        flt = query.Filter(topics=(None,))
        assert [r.id for r in query.find(s, flt).rows] == [none]
        assert query.count(s, query.Filter(topics=("Micro-influencers",))) == 1
    assert submission(db, derived).topic == "Micro-influencers"
    assert submission(db, field).topic == "Market access"  # what the visitor chose stays

    with db.session() as s:
        s.execute(update(Submission).where(Submission.id == field)
                  .values(topic="Market access", topic_source="manual"))
        topics.remove_mapping(s, "tag", "Micro-Influencers")
        topics.set_mapping(s, "category", "Digital", None)  # no topic from this category
        assert topics.rederive(s, actor="ada") == 1
    assert (submission(db, derived).topic, submission(db, derived).topic_source) == (None, None)
    assert submission(db, field).topic == "Market access"


def test_the_store_applies_the_mapping_when_the_post_is_already_resolved(
        db: Database, site: TestSite) -> None:
    _resolved(db, site)
    store(db, lead(1, MICRO))
    resolve_posts(db)
    with db.session() as s:
        topics.set_mapping(s, "tag", "Social media", "Digital marketing")
    [later] = store(db, lead(2, MICRO))
    sub = submission(db, later)
    assert (sub.topic, sub.topic_source) == ("Digital marketing", "mapping")
    assert sub.post_snapshot is not None
    assert sub.post_snapshot["url"] == BLOG + MICRO


def test_topics_are_taken_from_the_snapshot_not_the_edited_post(
        db: Database, site: TestSite) -> None:
    _resolved(db, site)
    [sid] = store(db, lead(1, MICRO))
    resolve_posts(db)
    with db.session() as s:
        s.execute(update(Post).values(categories=["Strategy"]))
        topics.rederive(s, actor="ada")
    assert submission(db, sid).topic == "Digital"


def test_list_shows_explicit_and_default_mappings(db: Database, site: TestSite) -> None:
    _resolved(db, site)
    store(db, lead(1, MICRO))
    resolve_posts(db)
    with db.session() as s:
        topics.set_mapping(s, "tag", "  Social   media ", "Social")
        found = {(m.kind, m.term): m for m in topics.list_mappings(s)}
        with pytest.raises(ValidationError):
            topics.set_mapping(s, "author", "x", "y")
        with pytest.raises(NotFoundError):
            topics.remove_mapping(s, "tag", "never mapped")
    assert found["category", "Digital"].topic == "Digital"
    assert not found["category", "Digital"].explicit
    assert found["tag", "Social media"].explicit
    assert found["tag", "Social media"].posts == 1
    assert found["tag", "Patient engagement"].topic is None
