"""parse_message: one e-mail's raw bytes in, a :class:`SubmissionDraft` out, never an exception.

The steps: read the MIME structure (:mod:`.mime`), build the readable view (:mod:`.readable`), rule out
what is not a submission (:mod:`.classify`), recognise the layout and read the fields
(:mod:`.layouts`), map them (:mod:`.synonyms`), pick the visitor (:mod:`.visitor`), and judge spam.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import TypedDict

from leaddesk.ingest.parse import classify, headers, layouts, mime
from leaddesk.ingest.parse.dates import parse_form_datetime
from leaddesk.ingest.parse.draft import SubmissionDraft
from leaddesk.ingest.parse.layouts import Extracted
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.sanitise import sanitise
from leaddesk.ingest.parse.synonyms import map_fields
from leaddesk.ingest.parse.text import one_line, storable, tidy_block
from leaddesk.ingest.parse.visitor import (
    Senders,
    normalise_email,
    normalise_url,
    visitor_reply_to,
)

# Column sizes of leaddesk.db.models.Submission: longer values would fail on PostgreSQL at insert.
_LIMITS = {"visitor_name": 255, "visitor_email": 320, "visitor_phone": 64, "visitor_company": 255,
           "topic": 255, "page_url": 2048, "message_id": 998}


class _Common(TypedDict):
    """What every draft has, submission or not."""

    message_id: str | None
    subject: str | None
    sent_at: datetime | None
    full_text: str
    body_html: str | None


def parse_message(raw: bytes, *, site_addresses: Collection[str] = (),
                  label_map: Mapping[str, str] | None = None) -> SubmissionDraft:
    """Read one e-mail (its raw bytes, as received) as a submission draft.

    ``site_addresses`` are further addresses known to be the site's own senders (compared without
    regard to case); they are never taken for the visitor. Nothing raises: what could not be read is
    explained in ``problems``, and an internal error gives a draft that stays visible as a
    submission, with the error in ``problems``, so that a bug never hides a lead. ``label_map``
    (``label_key(label)`` -> canonical key) is what a person taught for this form; it wins over
    the built-in synonyms.
    """
    try:
        return _parse(bytes(raw), site_addresses, label_map)
    except Exception as error:  # a bug must not lose a lead: keep it visible, say what happened
        return _failed(error)


def _failed(error: Exception) -> SubmissionDraft:
    return SubmissionDraft(
        message_id=None, subject=None, sent_at=None, submitted_at=None, body_text="", full_text="",
        body_html=None, fields={}, visitor_name=None, visitor_email=None, visitor_phone=None,
        visitor_company=None, topic=None, page_url=None, post_title=None, plugin=None,
        is_submission=True, not_submission_reason=None, is_spam=False, spam_reason=None,
        problems=(storable(f"parser error ({type(error).__name__}: {error}); the raw message is kept"),),
    )


def _field_dict(pairs: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for raw_label, raw_value in pairs:
        label = one_line(raw_label).rstrip(":").strip()
        if not label:
            continue
        unique, count = label, 1
        while unique in fields:
            count += 1
            unique = f"{label} ({count})"
        fields[unique] = tidy_block(raw_value)
    return fields


def clip_to_column(value: str | None, column: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    value = one_line(value)
    if not value:
        return None
    limit = _LIMITS[column]
    if len(value) > limit:
        problems.append(f"{column.replace('_', ' ')} longer than {limit} characters; cut")
        value = value[:limit]
    return value


def _when(*candidates: str | None) -> datetime | None:
    for candidate in candidates:
        if candidate:
            moment = parse_form_datetime(candidate)
            if moment is not None:
                return moment.astimezone(UTC)
    return None


def _parse(raw: bytes, site_addresses: Collection[str],
           label_map: Mapping[str, str] | None = None) -> SubmissionDraft:
    mail = mime.read(raw)
    readable = Readable.of(mail)
    problems = list(mail.problems)

    message_id_header = mail.header("message-id")
    date_header = mail.header("date")
    common: _Common = {
        "message_id": clip_to_column(headers.message_id(message_id_header) if message_id_header else None,
                            "message_id", problems),
        "subject": readable.subject or None,
        "sent_at": headers.date_value(date_header) if date_header else None,
        "full_text": readable.text,
        "body_html": _safe_html(mail.html, problems),
    }

    reason = classify.early_reason(readable)
    extracted: Extracted | None = None
    if reason is None:
        extracted = layouts.recognise(readable)
        if extracted is None:
            reason = classify.list_reason(readable)
            if reason is None:
                extracted = layouts.recognise_generic(readable)
                if extracted is None:
                    reason = "no form fields found (an ordinary e-mail)"
    if extracted is None:
        return SubmissionDraft(
            **common, submitted_at=None, body_text=readable.text, fields={}, visitor_name=None,
            visitor_email=None, visitor_phone=None, visitor_company=None, topic=None, page_url=None,
            post_title=None, plugin=None, is_submission=False, not_submission_reason=reason,
            is_spam=False, spam_reason=None, problems=tuple(dict.fromkeys(problems)))

    fields = _field_dict(extracted.fields)
    canonical = map_fields(fields, label_map)
    senders = Senders.of([readable.sender], site_addresses, extracted.site_names)
    name, email = _visitor(readable, canonical, extracted, senders, problems)
    message = canonical.get("message") or extracted.message
    # The first candidate that is a web address: a "page" field may hold a title rather than a URL.
    page = next((url for url in (normalise_url(candidate) for candidate in
                                 (canonical.get("page_url"), extracted.page_url) if candidate) if url), None)

    spam = classify.spam_reason(fields, name, message)
    return SubmissionDraft(
        **common,
        submitted_at=_when(canonical.get("submitted_at"), extracted.submitted_at),
        body_text=tidy_block(message) if message else readable.text,
        fields=fields,
        visitor_name=clip_to_column(name, "visitor_name", problems),
        visitor_email=clip_to_column(email, "visitor_email", problems),
        visitor_phone=clip_to_column(canonical.get("phone"), "visitor_phone", problems),
        visitor_company=clip_to_column(canonical.get("company"), "visitor_company", problems),
        topic=clip_to_column(canonical.get("topic"), "topic", problems),
        # CF7's default mail subject carries the visitor's typed subject: a hint, not a topic.
        topic_hint=clip_to_column(canonical.get("topic_hint") or extracted.topic, "topic", problems),
        page_url=clip_to_column(page, "page_url", problems),
        post_title=one_line(canonical.get("post_title") or extracted.post_title or "") or None,
        plugin=extracted.plugin,
        is_submission=True,
        not_submission_reason=None,
        is_spam=spam is not None,
        spam_reason=spam,
        problems=tuple(dict.fromkeys(problems)),
    )


def _safe_html(html: str | None, problems: list[str]) -> str | None:
    if not html:
        return None
    try:
        return storable(sanitise(html)) or None
    except Exception:  # the sanitiser is native code; a failure must not cost the rest of the draft
        problems.append("the HTML body could not be sanitised and was left out")
        return None


def _visitor(readable: Readable, canonical: dict[str, str], extracted: Extracted, senders: Senders,
             problems: list[str]) -> tuple[str | None, str | None]:
    """(name, e-mail): from the fields, then Reply-To, then the From display name."""
    email: str | None = None
    typed = canonical.get("email") or extracted.email
    if typed:
        normalised, valid = normalise_email(typed)
        if valid and senders.is_site_address(normalised):
            problems.append(f"the form's e-mail address {normalised} is the site's own; not used")
        elif valid:
            email = normalised
        else:
            email = normalised
            # Worded "invalid email": the store pipeline looks for these words to skip the contact.
            problems.append(f"invalid email address {normalised!r} (kept as typed)")
    reply_to = visitor_reply_to(readable.reply_to, senders)
    if email is None and reply_to is not None:
        normalised, valid = normalise_email(reply_to[1])
        if valid:
            email = normalised

    name = canonical.get("name") or extracted.name
    if name and "@" in name and normalise_email(name)[1]:
        name = None  # an address typed into the name field says nothing more than the e-mail
    if not name and reply_to is not None and reply_to[0] and "@" not in reply_to[0]:
        name = reply_to[0]
    from_name, from_address = readable.sender
    if not name and from_name and not senders.is_site_name(from_name, from_address):
        name = from_name
    return name, email
