"""What a filter says about a lead before the database is asked: whether a status drops it."""

from __future__ import annotations

import pytest

from leaddesk.query import Filter


@pytest.mark.parametrize(("flt", "status", "drops"), [
    (Filter(statuses=("new", "open")), "done", True),  # the Inbox
    (Filter(statuses=("new", "open")), "open", False),
    (Filter(statuses=("new", "open", "waiting"), needs_reply=True), "waiting", False),
    (Filter(), "spam", True),  # All hides spam
    (Filter(), "done", False),
    (Filter(include_spam=True), "spam", False),
    (Filter(statuses=("spam",)), "new", True),
])
def test_a_status_drops_a_lead_exactly_when_the_filter_cannot_hold_it(flt: Filter, status: str,
                                                                      drops: bool) -> None:
    assert flt.drops_status(status) is drops
