"""One API record as a :class:`SubmissionDraft`, read the way the e-mail parser reads a notification.

A preset hands over the record's labelled fields and what the service itself names (Netlify's
top-level ``email``, a Typeform answer of type ``email``, a generic field mapping). The labels go
through the same :func:`map_fields` as notifications, the message through the same ``tidy_block``
and the address through the same ``normalise_email``, so the store's content fingerprint (visitor
e-mail + message text) is the same for a submission fetched from the API and for its notification
e-mail: the two become one lead whichever arrives first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from leaddesk.ingest.parse import SubmissionDraft, map_fields, normalise_email, normalise_url
from leaddesk.ingest.parse.classify import spam_reason
from leaddesk.ingest.parse.dates import parse_form_datetime
from leaddesk.ingest.parse.parser import clip_to_column  # one set of column limits for both sources
from leaddesk.ingest.parse.text import one_line, storable, tidy_block


@dataclass
class RecordFields:
    """What a preset read from one record, before mapping."""

    fields: dict[str, str] = field(default_factory=dict)  # label -> value, in the form's order
    known: dict[str, str] = field(default_factory=dict)  # canonical key -> value the service names
    submitted_at: Any = None  # ISO text, form date text, or epoch seconds / milliseconds
    page_url: str | None = None
    subject: str | None = None
    problems: list[str] = field(default_factory=list)


def text_of(value: Any) -> str | None:
    """A JSON value as field text: lists joined, objects as compact JSON, empty as None."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [text_of(v) for v in value]
        return ", ".join(p for p in parts if p) or None
    return storable(json.dumps(value, ensure_ascii=False, sort_keys=True))


def add_field(fields: dict[str, str], label: str, value: Any) -> None:
    """Add a labelled value; a repeated label gets " (2)", like the e-mail parser's fields."""
    text = text_of(value)
    label = one_line(str(label)).rstrip(":").strip()
    if text is None or not label:
        return
    unique, count = label, 1
    while unique in fields:
        count += 1
        unique = f"{label} ({count})"
    fields[unique] = tidy_block(text) if "\n" in text else text.strip()


def parse_moment(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO text, form date text, or epoch seconds/milliseconds."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds (HubSpot's submittedAt)
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    moment = parse_form_datetime(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    return moment.astimezone(UTC) if moment is not None else None


def _email(typed: str | None, problems: list[str]) -> str | None:
    if not typed:
        return None
    normalised, valid = normalise_email(typed)
    if not valid:
        # Worded "invalid email" like the parser's: the store keys no contact on it.
        problems.append(f"invalid email address {normalised!r} (kept as typed)")
    return normalised


def build_draft(record: RecordFields, *, plugin: str,
                label_map: Mapping[str, str] | None = None) -> SubmissionDraft:
    """The draft of one API record: a form submission, never an exception. ``label_map`` is the
    taught labels, as for :func:`leaddesk.ingest.parse.parse_message`."""
    problems = list(record.problems)
    canonical = map_fields(record.fields, label_map)
    canonical.update({k: v for k, v in record.known.items() if v and v.strip()})
    message = canonical.get("message")
    full_text = "\n".join(f"{label}: {value}" for label, value in record.fields.items())
    body = tidy_block(message) if message else full_text

    submitted_at = parse_moment(record.submitted_at)
    if submitted_at is None and record.submitted_at not in (None, ""):
        problems.append(f"submission date {str(record.submitted_at)[:60]!r} is not a date")
    if submitted_at is None and canonical.get("submitted_at"):
        submitted_at = parse_moment(canonical["submitted_at"])

    page = next((url for url in (normalise_url(c) for c in (record.page_url, canonical.get("page_url"))
                                 if c) if url), None)
    name = canonical.get("name")
    email = _email(canonical.get("email"), problems)
    if name and "@" in name and normalise_email(name)[1]:
        name = None  # an address typed into the name field says nothing more than the e-mail
    spam = spam_reason(record.fields, name, message, page_url=page)
    return SubmissionDraft(
        message_id=None, subject=one_line(record.subject) if record.subject else None,
        sent_at=submitted_at, submitted_at=submitted_at, body_text=body, full_text=full_text,
        body_html=None, fields=dict(record.fields),
        visitor_name=clip_to_column(name, "visitor_name", problems),
        visitor_email=clip_to_column(email, "visitor_email", problems),
        visitor_phone=clip_to_column(canonical.get("phone"), "visitor_phone", problems),
        visitor_company=clip_to_column(canonical.get("company"), "visitor_company", problems),
        topic=clip_to_column(canonical.get("topic"), "topic", problems),
        topic_hint=clip_to_column(canonical.get("topic_hint"), "topic", problems),
        page_url=clip_to_column(page, "page_url", problems),
        post_title=one_line(canonical.get("post_title") or "") or None,
        plugin=plugin, is_submission=True, not_submission_reason=None,
        is_spam=spam is not None, spam_reason=spam, problems=tuple(dict.fromkeys(problems)))
