"""Two desktops on one database: a concurrent edit is a clear conflict naming who made it, never
a silent overwrite; presence leases say who else is viewing a message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import Presence
from leaddesk.db.types import utcnow
from leaddesk.errors import ConflictError
from leaddesk.team import presence


def test_two_sessions_editing_one_lead(db: Database, other: Database, seeded: int) -> None:
    with db.session() as s:  # both desktops show version 1
        seen_by_ada = triage.read_current(s, seeded).version
    with other.session() as s:
        seen_by_bob = triage.read_current(s, seeded).version
    with other.session() as s:
        triage.assign(s, seeded, "Bob", actor="Bob", expected_version=seen_by_bob)
    with pytest.raises(ConflictError) as caught, db.session() as s:
        triage.set_status(s, seeded, "done", actor="Ada", expected_version=seen_by_ada)
    assert caught.value.changed_by == "Bob"
    assert "changed by Bob a moment ago (assigned to Bob)" in str(caught.value)
    with db.session() as s:  # Bob's edit stands, Ada's was not written over it
        current = triage.read_current(s, seeded)
    assert (current.status, current.assignee, current.version) == ("new", "Bob", 2)
    with db.session() as s:  # after the refresh, Ada's change goes through
        change = triage.set_status(s, seeded, "done", actor="Ada",
                                   expected_version=current.version)
    assert change.version == 3


def test_also_viewing(db: Database, other: Database, seeded: int) -> None:
    with db.session() as s:
        assert presence.renew(s, seeded, "desk-ada", "Ada") == []
    with other.session() as s:
        assert presence.renew(s, seeded, "desk-bob", "Bob") == ["Ada"]
    with db.session() as s:
        assert presence.viewers(s, seeded, exclude_client="desk-ada") == ["Bob"]
        assert [lease.member for lease in presence.active(s)] == ["Ada", "Bob"]
    with other.session() as s:  # Bob closes the message
        presence.release(s, "desk-bob")
    with db.session() as s:
        assert presence.renew(s, seeded, "desk-ada", "Ada") == []


def test_an_expired_lease_is_nobody(db: Database, seeded: int) -> None:
    with db.session() as s:
        s.add(Presence(submission_id=seeded, client_id="crashed", member="Bob",
                       expires_at=utcnow() - timedelta(seconds=1)))
    with db.session() as s:
        assert presence.viewers(s, seeded) == []
        presence.renew(s, seeded, "desk-ada", "Ada")  # sweeps it
    with db.session() as s:
        assert [lease.client_id for lease in presence.active(s)] == ["desk-ada"]
        assert s.get(Presence, (seeded, "crashed")) is None


def test_opening_another_message_moves_the_lease(db: Database, seeded: int) -> None:
    from tests.support.factories import make_submission
    with db.session() as s:
        second = make_submission(s).id
        presence.renew(s, seeded, "desk-ada", "Ada")
        presence.renew(s, second, "desk-ada", "Ada")
        assert [(lease.submission_id, lease.member) for lease in presence.active(s)] == [
            (second, "Ada")]
