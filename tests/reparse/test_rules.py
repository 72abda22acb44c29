"""What a re-read may change: each guard that keeps a person's decision, alone."""

from __future__ import annotations

from typing import Any

from leaddesk.ingest.parse import SubmissionDraft, parse_message
from leaddesk.reparse import Stored, plan
from leaddesk.reparse.rules import COLUMNS
from tests.support.correction_mail import SITE, auto_reply, lead, spam

MARK = {"by": "Ada", "at": "2026-12-01T10:00:00+00:00"}
FIELD_TOPIC: tuple[str | None, str | None] = (None, None)


def stored_from(draft: SubmissionDraft, *, edited: dict[str, Any] | None = None,
                status_set_by: str | None = None, verdict_by: str | None = None,
                **columns: Any) -> Stored:
    """A row exactly as the store would have written ``draft``, with ``columns`` changed."""
    values: dict[str, Any] = {
        "subject": draft.subject, "body_text": draft.body_text, "body_html": draft.body_html,
        "fields": dict(draft.fields), "submitted_at": draft.submitted_at or draft.sent_at,
        "visitor_name": draft.visitor_name, "visitor_email": draft.visitor_email,
        "visitor_phone": draft.visitor_phone, "visitor_company": draft.visitor_company,
        "topic": None, "topic_source": None, "page_url": draft.page_url,
        "status": "spam" if draft.is_spam else "new", "is_submission": draft.is_submission,
        "spam_reason": draft.spam_reason, "problems": [],
        "not_submission_reason": None if draft.is_submission else draft.not_submission_reason,
    }
    if not draft.is_submission:
        values["problems"] = [f"not a form submission: {draft.not_submission_reason}"]
    values.update(columns)
    assert set(values) == set(COLUMNS)
    return Stored(1, 3, values, edited or {}, status_set_by, verdict_by)


def test_a_row_as_the_parser_wrote_it_has_nothing_to_change() -> None:
    draft = parse_message(lead())
    assert plan(stored_from(draft), draft, FIELD_TOPIC).changed == {}


def test_the_parser_corrects_what_it_owns() -> None:
    draft = parse_message(lead())
    planned = plan(stored_from(draft, visitor_name="Area of work", page_url=None), draft,
                   FIELD_TOPIC)
    assert planned.values["visitor_name"] == "Jane Roe"
    assert planned.values["page_url"] == f"{SITE}/blog/imi-europe/"
    assert set(planned.changed) == {"name", "page_url"}


def test_a_field_a_person_edited_is_kept() -> None:
    draft = parse_message(lead())
    stored = stored_from(draft, visitor_name="Jane R. (Acme)", edited={"name": MARK})
    assert "name" not in plan(stored, draft, FIELD_TOPIC).changed


def test_a_topic_a_person_edited_is_kept() -> None:
    draft = parse_message(lead())
    stored = stored_from(draft, topic="Vaccines", topic_source="field", edited={"topic": MARK})
    assert "topic" not in plan(stored, draft, ("Oncology", "field")).changed


def test_a_topic_picked_by_hand_is_kept() -> None:
    draft = parse_message(lead())
    stored = stored_from(draft, topic="Vaccines", topic_source="manual")
    assert "topic" not in plan(stored, draft, ("Oncology", "field")).changed


def test_a_topic_mapped_from_the_post_is_left_to_the_resolver() -> None:
    draft = parse_message(lead())
    stored = stored_from(draft, topic="Research", topic_source="mapping")
    assert "topic" not in plan(stored, draft, (None, None)).changed
    assert plan(stored, draft, ("Oncology", "field")).values["topic"] == "Oncology"


def test_spam_found_by_a_newer_parser_moves_an_untouched_lead_to_spam() -> None:
    draft = parse_message(spam())
    stored = stored_from(draft, status="new", spam_reason=None)
    assert plan(stored, draft, FIELD_TOPIC).values["status"] == "spam"


def test_a_verdict_a_person_overrode_is_kept_whole() -> None:
    draft = parse_message(spam())
    stored = stored_from(draft, status="new", spam_reason=None, verdict_by="Ada")
    planned = plan(stored, draft, FIELD_TOPIC)
    assert not {"status", "spam_reason", "is_submission"} & set(planned.changed)


def test_a_status_a_person_set_is_kept() -> None:
    draft = parse_message(spam())
    stored = stored_from(draft, status="new", spam_reason=None, status_set_by="Ada")
    assert "status" not in plan(stored, draft, FIELD_TOPIC).changed


def test_a_status_set_before_statuses_were_remembered_is_kept() -> None:
    draft = parse_message(spam())
    stored = stored_from(draft, status="done", spam_reason=None)
    assert "status" not in plan(stored, draft, FIELD_TOPIC).changed


def test_a_lead_a_person_worked_on_is_never_newly_hidden() -> None:
    draft = parse_message(auto_reply())
    assert not draft.is_submission
    stored = stored_from(draft, is_submission=True, not_submission_reason=None, problems=[],
                         status="done", status_set_by="Ada")
    assert "is_submission" not in plan(stored, draft, FIELD_TOPIC).changed


def test_a_message_wrongly_hidden_comes_back_when_the_parser_reads_it_as_a_lead() -> None:
    draft = parse_message(lead())
    stored = stored_from(draft, is_submission=False, not_submission_reason="no form fields found")
    planned = plan(stored, draft, FIELD_TOPIC)
    assert planned.values["is_submission"] is True
    assert planned.values["not_submission_reason"] is None
