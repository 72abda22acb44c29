"""The one change record: building it, asking what it touches, merging a burst."""

from __future__ import annotations

from leaddesk.changes import CREATED, EVERYTHING, Change, Kind, merge


def test_a_record_names_kind_ids_and_fields() -> None:
    change = Change.of(Kind.SUBMISSION, [3, 1, 3], ["status"])
    assert change.ids == frozenset({1, 3})
    assert change.count == 2
    assert change.touches({"status", "tags"})
    assert not change.touches({"tags"})
    assert Change(Kind.SUBMISSION).touches({"anything"})  # fields unknown: any may have changed
    assert EVERYTHING.kind == Kind.ANY


def test_merge_unites_per_kind_and_unknown_wins() -> None:
    burst = [Change.of(Kind.SUBMISSION, [1], ["status"]), Change.of(Kind.TAG, [7]),
             Change.of(Kind.SUBMISSION, [2], [CREATED]), Change.of(Kind.TAG, None)]
    assert merge(burst) == [Change.of(Kind.SUBMISSION, [1, 2], ["status", CREATED]),
                            Change(Kind.TAG)]
    assert merge([Change.of(Kind.SUBMISSION, [1], ["tags"]), Change.of(Kind.SUBMISSION, [2])]) \
        == [Change.of(Kind.SUBMISSION, [1, 2], None)]
