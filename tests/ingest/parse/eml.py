"""The .eml fixtures of the parser tests, read and parsed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from leaddesk.ingest.parse import SubmissionDraft, parse_message

FIXTURES = Path(__file__).parent / "fixtures"


def raw(name: str) -> bytes:
    return (FIXTURES / f"{name}.eml").read_bytes()


def parse(name: str, site_addresses: Collection[str] = ()) -> SubmissionDraft:
    return parse_message(raw(name), site_addresses=site_addresses)


def all_fixtures() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.eml"))


def assert_reads_as(name: str, expected: Mapping[str, object]) -> SubmissionDraft:
    """Parse fixture ``name`` and check it is a clean submission with the ``expected`` values:
    "message_starts" (and "message_ends") for the message, "fields" for the labels in order, any
    other key a draft attribute."""
    draft = parse(name)
    wanted = dict(expected)
    assert draft.is_submission, draft.not_submission_reason
    assert not draft.is_spam, draft.spam_reason
    assert draft.problems == ()
    starts, ends = wanted.pop("message_starts"), wanted.pop("message_ends", "")
    assert isinstance(starts, str)
    assert isinstance(ends, str)
    assert draft.body_text.startswith(starts)
    assert draft.body_text.endswith(ends)
    labels = wanted.pop("fields", None)
    if labels is not None:
        assert list(draft.fields) == labels
    for key, value in wanted.items():
        assert getattr(draft, key) == value, key
    return draft
