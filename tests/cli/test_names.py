"""--topic and --tag names: every stored spelling of a name, the closest names when none."""

from __future__ import annotations

import pytest

from leaddesk.cli import names
from leaddesk.db import Database
from leaddesk.db.models import Tag
from leaddesk.errors import NotFoundError
from leaddesk.posts import topics
from leaddesk.query import Filter
from tests.support.factories import make_submission


def test_closest_ignores_case_and_falls_back_to_a_part_of_a_name() -> None:
    known = ["Speakers bureaus", "Patient engagement", "Market access"]
    assert names.closest("speaker bureau", known) == ["Speakers bureaus"]
    assert names.closest("MARKET", known) == ["Market access"]
    assert names.closest("xyz", known) == []


def test_every_stored_spelling_is_matched_and_none_passes(sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    try:
        with db.session() as s:
            make_submission(s, topic="Speakers Bureaus")
            make_submission(s, topic="Speakers bureaus")  # an older form's spelling
            s.add(Tag(name="VIP", colour="#ff0000"))
            topics.set_mapping(s, "tag", "IMI", "Public/private partnerships (IMI)")
        with db.session() as s:
            flt = names.resolve(s, Filter(topics=("speakers BUREAUS", None), tags=("vip",)))
            assert flt.topics == ("Speakers Bureaus", "Speakers bureaus", None)
            assert flt.tags == ("VIP",)
            # A topic only the team's mappings know is a known name (no leads yet is no error).
            assert names.resolve(s, Filter(topics=("public/private partnerships (imi)",))).topics \
                == ("Public/private partnerships (IMI)",)
            with pytest.raises(NotFoundError, match=r'no tag "vipp" .*did you mean "VIP"'):
                names.resolve(s, Filter(tags=("vipp",)))
            plain = Filter(text="x")
            assert names.resolve(s, plain) is plain
    finally:
        db.close()
