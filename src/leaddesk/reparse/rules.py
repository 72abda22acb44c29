"""What a re-read may change: the parser's fields, never a person's decision.

:func:`plan` compares a stored row with a fresh draft and returns the column values to write. The
guards, each of which alone keeps a person's work:

- a field a person corrected (``edited_fields``) keeps the person's value, and so does a topic
  picked by hand (``topic_source == "manual"``);
- a status a person set (``status_set_by``) is kept, and such a lead is never newly hidden as
  "not a submission";
- a spam / not-a-submission verdict a person overrode (``verdict_by``) is kept whole: status,
  reasons and whether it is a submission.

Tags, owners and notes are not columns a re-read writes at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leaddesk.db.models import Status
from leaddesk.ingest.parse import SubmissionDraft
from leaddesk.posts.topics import MANUAL, MAPPING

# Public field name -> column, for the fields a person can also correct.
PERSON_EDITABLE: Mapping[str, str] = {
    "name": "visitor_name", "email": "visitor_email", "phone": "visitor_phone",
    "company": "visitor_company", "page_url": "page_url",
}


@dataclass(frozen=True)
class Stored:
    """A stored submission as a re-read sees it."""

    id: int
    version: int
    values: Mapping[str, Any]  # column -> value, for every column in COLUMNS
    edited: Mapping[str, Any]
    status_set_by: str | None
    verdict_by: str | None


# Columns a re-read reads (and may write).
COLUMNS = ("subject", "body_text", "body_html", "fields", "submitted_at", "visitor_name",
           "visitor_email", "visitor_phone", "visitor_company", "topic", "topic_source",
           "page_url", "status", "is_submission", "spam_reason", "not_submission_reason",
           "problems")


@dataclass
class Planned:
    """Column values to write, and the public names of the fields that changed."""

    values: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (before, after)

    def set(self, name: str, column: str, before: Any, after: Any) -> None:
        if before != after:
            self.values[column] = after
            self.changed[name] = (before, after)


def _problems(draft: SubmissionDraft) -> list[str]:
    problems = list(draft.problems)
    if not draft.is_submission and draft.not_submission_reason:
        problems.append(f"not a form submission: {draft.not_submission_reason}")
    return problems


def plan(stored: Stored, draft: SubmissionDraft,
         topic: tuple[str | None, str | None]) -> Planned:
    """The update a re-read makes; ``topic`` is (topic, source) as the store would derive it."""
    old = stored.values
    out = Planned()
    submitted: datetime | None = draft.submitted_at or draft.sent_at
    out.set("subject", "subject", old["subject"], draft.subject)
    out.set("message", "body_text", old["body_text"], draft.body_text or draft.full_text)
    out.set("html", "body_html", old["body_html"], draft.body_html)
    out.set("fields", "fields", dict(old["fields"] or {}), dict(draft.fields))
    out.set("submitted_at", "submitted_at", old["submitted_at"], submitted)
    out.set("problems", "problems", list(old["problems"] or []), _problems(draft))
    read = {"name": draft.visitor_name, "email": draft.visitor_email,
            "phone": draft.visitor_phone, "company": draft.visitor_company,
            "page_url": draft.page_url}
    for name, column in PERSON_EDITABLE.items():
        if name not in stored.edited:  # guard: a person's correction stays
            out.set(name, column, old[column], read[name])
    # A topic mapped from the post is the post resolver's to keep (leaddesk.posts.resolve).
    mapped_only = topic[1] is None and old["topic_source"] == MAPPING
    if "topic" not in stored.edited and old["topic_source"] != MANUAL and not mapped_only:
        out.set("topic", "topic", old["topic"], topic[0])
        out.set("topic_source", "topic_source", old["topic_source"], topic[1])
    if stored.verdict_by is None:  # guard: a verdict a person overrode stays whole
        _verdict(stored, draft, out)
    return out


def _verdict(stored: Stored, draft: SubmissionDraft, out: Planned) -> None:
    old = stored.values
    person_status = stored.status_set_by is not None
    is_submission = draft.is_submission or (person_status and old["is_submission"])
    out.set("is_submission", "is_submission", old["is_submission"], is_submission)
    out.set("not_submission_reason", "not_submission_reason", old["not_submission_reason"],
            None if is_submission else draft.not_submission_reason)
    out.set("spam_reason", "spam_reason", old["spam_reason"],
            draft.spam_reason if draft.is_spam else None)
    if person_status:  # guard: a status a person set stays
        return
    if old["status"] in (Status.NEW.value, Status.SPAM.value):
        status = Status.SPAM.value if draft.is_spam else Status.NEW.value
        out.set("status", "status", old["status"], status)
