"""Composing a reply: the default draft for a lead, and the exact e-mail that goes out.

The default draft answers the visitor (never the site's no-reply sender), says "Re: …" and quotes
the visitor's message: their latest answer once the lead is a conversation, with In-Reply-To that
answer and References the whole conversation. The e-mail gets a fresh Message-ID, a Date, and
In-Reply-To / References that thread it under the notification and any earlier reply. A CR or
LF in any header field is refused: addresses, names and subjects come partly from strangers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, getaddresses, make_msgid

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.conversations.headers import has_reply_prefix
from leaddesk.conversations.timeline import SUBMISSION, MessageView, latest_inbound
from leaddesk.conversations.timeline import messages as conversation
from leaddesk.db.models import Post, Reply, Submission
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.ingest.parse.synonyms import role_of
from leaddesk.lines import has_line_break
from leaddesk.reply import templates
from leaddesk.reply.templates import TemplateInfo

# Senders that never read replies: a form plugin's notification address, bounces.
# Answering a forwarded mail is a reply to it: "Re: Fwd: …", as mail programs write it.
_FORWARD = re.compile(r"^\s*(fwd?|wg|tr)\s*:", re.IGNORECASE)
_NO_REPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|wordpress)"
                       r"([-_.+].*)?@", re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    """What the user edits: recipients, subject and the whole body (quote included)."""

    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""


@dataclass(frozen=True)
class Lead:
    """What a reply needs to know about the submission it answers."""

    id: int
    name: str | None
    email: str | None
    subject: str | None
    message: str | None
    topic: str | None
    post_title: str | None
    post_url: str | None
    message_id: str | None
    received_at: datetime
    # Message-IDs of replies already sent in this thread, oldest first.
    earlier: tuple[str, ...] = field(default=())
    # The whole conversation's Message-IDs in time order (leaddesk.conversations): the References
    # of a reply when the lead has a conversation; and who wrote the message quoted, when it is
    # an answer rather than the submission.
    thread: tuple[str, ...] = field(default=())
    quoted_name: str | None = None

    def values(self, my_name: str | None) -> dict[str, str | None]:
        return {"first_name": templates.first_name(self.name), "name": self.name,
                "topic": self.topic, "post_title": self.post_title, "post_url": self.post_url,
                "my_name": my_name}


def load_lead(session: Session, submission_id: int) -> Lead:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFoundError(f"no submission {submission_id}; `leaddesk list --all` shows the ids")
    post = session.get(Post, sub.post_id) if sub.post_id else None
    snapshot = sub.post_snapshot or {}
    earlier = session.execute(
        select(Reply.message_id).where(Reply.submission_id == submission_id,
                                       Reply.state == "sent", Reply.message_id.is_not(None))
        .order_by(Reply.id)).scalars()
    post_title = (post.title if post else None) or snapshot.get("title")
    lead = Lead(id=sub.id, name=sub.visitor_name, email=sub.visitor_email,
                subject=visitor_subject(sub, post_title),
                message=sub.body_text, topic=sub.topic,
                post_title=post_title,
                post_url=(post.url if post else None) or sub.page_url,
                message_id=sub.message_id, received_at=sub.submitted_at or sub.received_at,
                earlier=tuple(m for m in earlier if m))
    return answering_latest(lead, conversation(session, submission_id))


def answering_latest(lead: Lead, views: Sequence[MessageView]) -> Lead:
    """The lead as a reply sees it once the visitor has answered: In-Reply-To the visitor's
    newest e-mail, References the whole conversation, and that e-mail (its new part) quoted."""
    if len(views) < 2:
        return lead
    thread = tuple(dict.fromkeys(v.message_id for v in views if v.message_id))
    latest = latest_inbound(views)
    if latest is None or latest.kind == SUBMISSION:
        return replace(lead, thread=thread)
    return replace(lead, thread=thread, message_id=latest.message_id or lead.message_id,
                   message=latest.folded.fresh, received_at=latest.date,
                   quoted_name=latest.from_name or latest.from_addr)


def visitor_subject(sub: Submission, post_title: str | None) -> str | None:
    """What the visitor's message is about, in their terms: the form's subject field, else the
    topic, else the post they read. Never the notification's own subject ("New Entry: Send Us A
    Message"): the site's plugin wrote that, and the visitor never saw it. Mail that is not a form
    submission keeps its own subject."""
    if not sub.is_submission:
        return sub.subject
    for label, value in (sub.fields or {}).items():
        text = " ".join(str(value).split())
        if text and role_of(str(label), text) == "subject":
            return text
    return sub.topic or post_title


def reply_subject(subject: str | None) -> str:
    text = " ".join((subject or "").split())
    if not text:
        return "Re: your message"
    return text if has_reply_prefix(text) and not _FORWARD.match(text) else f"Re: {text}"


def is_no_reply(address: str) -> bool:
    return bool(_NO_REPLY.match(address.strip()))


def quote(lead: Lead) -> str:
    when = format_datetime(lead.received_at.astimezone()) if lead.received_at else ""
    who = lead.quoted_name or lead.name or lead.email or "the visitor"
    lines = (lead.message or "").strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"On {when}, {who} wrote:\n{quoted}\n"


def default_draft(lead: Lead, *, my_name: str | None,
                  template: TemplateInfo | None = None) -> Draft:
    to = (lead.email,) if lead.email and not is_no_reply(lead.email) else ()
    values = lead.values(my_name)
    subject = (templates.render(template.subject, values) if template and template.subject
               else reply_subject(lead.subject))
    opening = templates.render(template.body, values).rstrip() + "\n\n" if template else "\n\n"
    return Draft(to=to, subject=subject, body=opening + quote(lead))


def apply_template(draft: Draft, lead: Lead, template: TemplateInfo, *,
                   my_name: str | None) -> Draft:
    """The template's text above the quote; recipients kept, subject from the template if it has one."""
    fresh = default_draft(lead, my_name=my_name, template=template)
    return Draft(to=draft.to, cc=draft.cc,
                 subject=fresh.subject if template.subject else draft.subject, body=fresh.body)


# ------------------------------------------------------------------ the message

def no_line_breaks(value: str, what: str) -> str:
    if has_line_break(value):
        raise ValidationError(f"the {what} contains a line break; header fields must be one line")
    return value


def parse_addresses(values: Sequence[str] | str, what: str) -> tuple[str, ...]:
    """Addresses from fields like "a@x.org, Bea <b@y.org>", each validated (syntax only)."""
    items = [values] if isinstance(values, str) else list(values)
    for item in items:
        no_line_breaks(item, what)
    found: list[str] = []
    for display, address in getaddresses(items):
        if not address and not display:
            continue
        try:
            normal = validate_email(address, check_deliverability=False,
                                    allow_smtputf8=True).normalized
        except EmailNotValidError as exc:
            raise ValidationError(f"invalid {what} address {address or display!r}: {exc}") from None
        if normal.lower() not in (f.lower() for f in found):
            found.append(normal)
    return tuple(found)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def build_message(draft: Draft, *, from_address: str, from_name: str | None, lead: Lead,
                  date: datetime | None = None) -> EmailMessage:
    """The exact e-mail to send; raises ValidationError for a header with CR/LF or a bad address."""
    to = parse_addresses(draft.to, "To")
    cc = parse_addresses(draft.cc, "Cc")
    if not to:
        raise ValidationError("the reply has no recipient; fill in To")
    subject = no_line_breaks(draft.subject.strip(), "subject")
    if not subject:
        raise ValidationError("the reply has no subject")
    if not draft.body.strip():
        raise ValidationError("the reply is empty; write something first")
    name = no_line_breaks(from_name or "", "From name")
    message = EmailMessage()
    local, _, domain = no_line_breaks(from_address, "From address").rpartition("@")
    message["From"] = Address(display_name=name, username=local, domain=domain)
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(date) if date else formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=domain_of(from_address))
    parent = no_line_breaks(lead.message_id or "", "Message-ID of the lead")
    if parent:
        message["In-Reply-To"] = parent
    chain = list(lead.thread) or [m for m in (parent, *lead.earlier) if m]
    for item in chain:
        no_line_breaks(item, "References")
    if chain:
        message["References"] = " ".join(dict.fromkeys(chain))
    message.set_content(draft.body.replace("\r\n", "\n"))
    return message
