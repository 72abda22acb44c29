"""The public API the store pipeline and the HTTP ingest rely on."""

from __future__ import annotations

import dataclasses
from datetime import UTC

import pytest

import leaddesk.ingest.parse as parse_package
from leaddesk.ingest.parse import SubmissionDraft, parse_message
from tests.ingest.parse.eml import all_fixtures, parse

FIELDS = ["message_id", "subject", "sent_at", "submitted_at", "body_text", "full_text", "body_html", "fields",
          "visitor_name", "visitor_email", "visitor_phone", "visitor_company", "topic", "page_url",
          "post_title", "plugin", "is_submission", "not_submission_reason", "is_spam", "spam_reason",
          "problems", "topic_hint"]
PLUGINS = {"contact-form-7", "wpforms", "gravity-forms", "elementor", "ninja-forms", "hubspot", "netlify",
           "formspree", "webflow", "fluent-forms", "generic", None}


def test_exports() -> None:
    assert set(parse_package.__all__) == {"PARSER_VERSION", "SubmissionDraft", "parse_message",
                                          "normalise_email", "normalise_url", "map_fields"}


def test_draft_shape_is_frozen() -> None:
    assert [field.name for field in dataclasses.fields(SubmissionDraft)] == FIELDS
    draft = parse("cf7_current")
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.topic = "x"  # type: ignore[misc]


@pytest.mark.parametrize("name", all_fixtures())
def test_every_fixture_gives_a_consistent_draft(name: str) -> None:
    draft = parse(name)
    assert draft.plugin in PLUGINS
    assert draft.is_submission == (draft.plugin is not None)
    assert (draft.not_submission_reason is None) == draft.is_submission
    assert (draft.spam_reason is not None) == draft.is_spam
    assert not (draft.is_spam and not draft.is_submission)
    assert isinstance(draft.problems, tuple)
    for moment in (draft.sent_at, draft.submitted_at):
        assert moment is None or moment.tzinfo is UTC
    texts = (draft.subject or "", draft.body_text, draft.full_text, *draft.fields, *draft.fields.values())
    for text in texts:
        assert "\x00" not in text
        assert "\r" not in text


def test_site_addresses_accepts_any_collection() -> None:
    for addresses in (["team@example-pharma-agency.com"], ("team@example-pharma-agency.com",),
                      frozenset({"team@example-pharma-agency.com"})):
        assert parse("visitor_known_site_address", site_addresses=addresses).visitor_email is None


def test_an_internal_error_never_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    from leaddesk.ingest.parse import mime

    def boom(raw: bytes) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(mime, "read", boom)
    draft = parse_message(b"From: a@b.example\n\nhello")
    # A bug must not hide a possible lead: it stays visible, with the reason.
    assert draft.is_submission
    assert draft.problems == ("parser error (RuntimeError: kaputt); the raw message is kept",)


def test_parser_version_is_exported_for_the_store() -> None:
    # The store keeps it per message and re-reads older results: 1 was the layout-only parser.
    assert isinstance(parse_package.PARSER_VERSION, int)
    assert parse_package.PARSER_VERSION >= 2
