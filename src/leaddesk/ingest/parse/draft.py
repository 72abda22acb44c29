"""The parser's result: one message read as a submission draft, ready for the store pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SubmissionDraft:
    """What one e-mail says, as far as it can be read. Every string is storable (no NUL, no lone
    surrogates); every datetime is aware UTC."""

    message_id: str | None  # without surrounding whitespace, with <>
    subject: str | None
    sent_at: datetime | None  # the Date header
    submitted_at: datetime | None  # the form's own date/time fields, if any
    body_text: str  # for a submission the visitor's message if identifiable, else the whole plain text
    full_text: str  # the whole plain text of the mail
    body_html: str | None  # sanitised
    fields: dict[str, str]  # every form field, original label -> value, in order
    visitor_name: str | None
    visitor_email: str | None  # normalised (or as typed, with a problem, when invalid)
    visitor_phone: str | None
    visitor_company: str | None
    topic: str | None
    page_url: str | None  # normalised
    post_title: str | None  # when the notification names the post
    plugin: str | None  # 'contact-form-7', 'wpforms', ..., 'generic', or None
    is_submission: bool
    not_submission_reason: str | None
    is_spam: bool
    spam_reason: str | None
    problems: tuple[str, ...]
    # A one-line subject field, when there is no topic field: the store makes it the topic only
    # when it names one of the team's topics (free-text subjects would clutter the topic filter).
    topic_hint: str | None = None
