"""The demo team's work on the demo leads, so the demo shows the whole product.

``resources/demo/team.json`` names the team (one member away: removed from the assignable
team since a date but still owning leads, the way a colleague on leave looks), coloured tags, one
reply template per topic, and what happened to the leads: owners, tags, notes, replies sent from
a template, statuses (every one occurs) and one answered conversation (a reply, then the
visitor's answer, which brings the lead back to "open", unread and needing a reply). Older leads
were answered, so "Needs reply" holds the fresh leads and that answer, not every lead of the demo.

Everything goes through the same functions a person's actions do (triage, templates,
conversations), then each step is dated when it happened in the story instead of today, so the
history, notes and conversation read as ten weeks of work. Then the whole story is brought forward
by whole days so that its newest lead arrived yesterday (:func:`bring_forward`): a demo opened
months after it was written still looks like this week's inbox, not one abandoned since November.
The raw mail keeps its own Date headers. Message-IDs are fixed, and the dates depend only on the
day: the demo is the same database whichever way it is opened that day. :func:`seed` runs once per
database (a second call finds the team and does nothing).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from functools import partial
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.conversations import headers, threads
from leaddesk.conversations.record import NewMessage, add_messages
from leaddesk.db import Database
from leaddesk.db.models import (
    AuditEvent,
    Base,
    Contact,
    Message,
    Note,
    Reply,
    ReplyTemplate,
    Submission,
    TeamMember,
)
from leaddesk.db.types import UTCDateTime, utcnow
from leaddesk.errors import LeadDeskError
from leaddesk.reply import templates
from leaddesk.resources import resources_dir

CONTENT = "team.json"
ACTOR = "LeadDesk demo"  # who set the team up; the leads' work is signed by the members
MESSAGE_DOMAIN = "demo.example-pharma-agency.com"


@dataclass(frozen=True)
class Seeded:
    members: int = 0
    templates: int = 0
    leads: int = 0
    replies: int = 0
    answers: int = 0

    def summary(self) -> str:
        if not self.members:
            return "demo team: there already"
        return (f"demo team: {self.members} members, {self.templates} templates, {self.leads} "
                f"leads worked on, {self.replies} replies, {self.answers} answer")


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (resources_dir() / "demo" / CONTENT).read_text(encoding="utf-8"))
    return data


def seed(db: Database, content: Mapping[str, Any] | None = None) -> Seeded:
    """Apply the demo team's work to ``db`` (the demo mailbox imported); once per database."""
    data = content if content is not None else load()
    return db.transaction(lambda session: _seed(session, data))


def _seed(session: Session, data: Mapping[str, Any]) -> Seeded:
    first = data["members"][0]["name"]
    if session.execute(select(TeamMember.id).where(TeamMember.name == first)).first():
        return Seeded()
    story = _Story(session, {m["name"]: m["email"] for m in data["members"]}, first)
    story.dated(datetime.fromisoformat(data["team_since"]), lambda: _set_up(session, data, story))
    for entry in data["leads"]:
        story.play(entry)
    for member in data["members"]:
        if member.get("away_since"):
            story.dated(datetime.fromisoformat(member["away_since"]), partial(
                triage.remove_member, session, member["name"], actor=first))
    bring_forward(session, utcnow())
    return Seeded(len(data["members"]), len(story.by_topic), len(data["leads"]), story.replies,
                  story.answers)


# Every date in these tables happened in the story and moves with it. Posts keep theirs (the blog's
# own dates), and so do sites, accounts and sync states (when this computer did something).
_STORY_TABLES = (Submission, Message, Reply, Note, AuditEvent, Contact, TeamMember, ReplyTemplate)
# The form's own date stays as the mail says: re-reading stored mail (a newer parser) would put it
# back, and call every lead changed.
_READ_FROM_THE_MAIL = {("submissions", "submitted_at")}


def bring_forward(session: Session, now: datetime) -> int:
    """Move the story's dates forward by whole days so its newest lead arrived the day before
    ``now`` (weekday patterns shift, times of day stay); how many days it moved.

    Dates written by this computer while the demo was built (an imported row's ``created_at``)
    are already today's and stay.
    """
    newest = session.execute(select(func.max(Submission.received_at))).scalar()
    if newest is None:
        return 0
    days = (now.date() - newest.date()).days - 1
    if days <= 0:
        return 0
    shift, built = timedelta(days=days), now - timedelta(hours=1)
    for model in _STORY_TABLES:
        table = Base.metadata.tables[model.__tablename__]
        dated = [c for c in table.columns if isinstance(c.type, UTCDateTime)
                 and (table.name, c.name) not in _READ_FROM_THE_MAIL]
        moved = [{"_id": row[0], **{f"_{c.name}": v + shift if v is not None and v < built else v
                                    for c, v in zip(dated, row[1:], strict=True)}}
                 for row in session.execute(select(table.c.id, *dated))]
        if moved:
            session.execute(update(table).where(table.c.id == bindparam("_id"))
                            .values({c.name: bindparam(f"_{c.name}") for c in dated})
                            .execution_options(synchronize_session=False), moved)
    session.expire_all()
    return days


def _set_up(session: Session, data: Mapping[str, Any], story: _Story) -> None:
    """The team, its tags and its templates (one per topic)."""
    for member in data["members"]:
        triage.add_member(session, member["name"], member["email"], actor=ACTOR)
    for tag in data["tags"]:
        triage.create_tag(session, tag["name"], tag["colour"], actor=ACTOR)
    for t in data["templates"]:
        story.by_topic[t["topic"]] = templates.add_template(
            session, t["name"], t["body"], t["subject"], actor=ACTOR)


def _key(lead: Submission) -> str:
    """A short stable name for the lead in our Message-IDs (its id could differ by import)."""
    return hashlib.sha256((lead.message_id or "").encode()).hexdigest()[:12]


class _Story:
    """Plays one lead's entry: each step through the real functions, then dated."""

    def __init__(self, session: Session, emails: dict[str, str], lead_member: str) -> None:
        self.session = session
        self.emails = emails
        self.by_topic: dict[str, templates.TemplateInfo] = {}
        self.lead_member = lead_member
        self.replies = 0
        self.answers = 0

    def play(self, entry: Mapping[str, Any]) -> None:
        """The entry's steps in the order they happened (the history lists them so)."""
        lead = self._lead(entry["lead"])
        received = lead.received_at
        owner = entry.get("owner")
        actor = owner or self.lead_member
        first = received + timedelta(minutes=40)
        steps: list[tuple[datetime, Callable[[], object]]] = []
        if owner:
            steps.append((first, lambda: triage.assign(self.session, lead.id, owner,
                                                       actor=actor)))
        topic = entry.get("topic")  # the team's own topic for a lead the form gave none
        if topic:
            steps.append((first, partial(triage.edit_submission, self.session, lead.id,
                                         {"topic": topic}, actor=actor)))
        for tag in entry.get("tags", ()):
            steps.append((first, partial(triage.add_tag, self.session, lead.id, tag,
                                         actor=actor)))
        for note in entry.get("notes", ()):
            steps.append((received + timedelta(hours=note["hours"]),
                          partial(triage.add_note, self.session, lead.id, note["text"],
                                  actor=actor)))
        done_at = first
        if "reply" in entry:
            done_at = received + timedelta(hours=entry["reply"]["hours"])
            steps.append((done_at, lambda: self._reply(lead, actor, done_at, topic)))
        status = entry.get("status")
        if status:
            steps.append((done_at, lambda: triage.set_status(self.session, lead.id, status,
                                                             actor=actor)))
        if "answer" in entry:
            at = datetime.fromisoformat(entry["answer"]["at"])
            steps.append((at, lambda: self._answer(lead, entry["answer"], at)))
        for at, step in sorted(steps, key=lambda s: s[0]):  # stable: same time, listed order
            self.dated(at, step)

    def _lead(self, message_id: str) -> Submission:
        lead = self.session.execute(select(Submission).where(
            Submission.message_id == message_id, Submission.is_submission.is_(True))).scalar()
        if lead is None:
            raise LeadDeskError(f"the demo content names a lead the demo mailbox lacks: "
                                f"{message_id}")
        return lead

    def dated(self, at: datetime, action: Callable[[], object]) -> None:
        """Run ``action`` and date what it wrote (audit events, notes, the lead) at ``at``."""
        last_event = self.session.execute(select(func.max(AuditEvent.id))).scalar() or 0
        last_note = self.session.execute(select(func.max(Note.id))).scalar() or 0
        action()
        self.session.flush()
        self.session.execute(update(AuditEvent).where(AuditEvent.id > last_event).values(at=at))
        self.session.execute(update(Note).where(Note.id > last_note).values(created_at=at))

    def _mail(self, *, sender: tuple[str, str], to: tuple[str, str], subject: str, at: datetime,
              message_id: str, parent: str | None, body: str) -> bytes:
        mail = EmailMessage()
        mail["From"] = formataddr(sender)
        mail["To"] = formataddr(to)
        mail["Subject"] = subject
        mail["Date"] = format_datetime(at)
        mail["Message-ID"] = message_id
        if parent:
            mail["In-Reply-To"] = parent
            mail["References"] = parent
        mail.set_content(body)
        return mail.as_bytes(policy=SMTP)

    def _reply(self, lead: Submission, author: str, at: datetime, topic: str | None) -> None:
        topic = topic or lead.topic
        template = self.by_topic.get(topic or "")
        if template is None:
            raise LeadDeskError(f"the demo content has no template for {topic!r}")
        post = lead.post_snapshot or {}
        values = {"first_name": templates.first_name(lead.visitor_name),
                  "name": lead.visitor_name, "topic": topic,
                  "post_title": post.get("title"), "post_url": lead.page_url, "my_name": author}
        body = templates.render(template.body, values)
        subject = "Re: " + templates.render(template.subject or lead.subject or "", values)
        visitor = lead.visitor_email or ""
        message_id = f"<reply-{_key(lead)}.{int(at.timestamp())}@{MESSAGE_DOMAIN}>"
        raw = self._mail(sender=(author, self.emails[author]), to=(lead.visitor_name or "",
                         visitor), subject=subject, at=at, message_id=message_id,
                         parent=lead.message_id, body=body)
        row = Reply(submission_id=lead.id, author=author, message_id=message_id,
                    to_addrs=visitor, subject=subject, body=body, state="sent", sent_at=at,
                    created_at=at, updated_at=at, in_reply_to=lead.message_id,
                    references=lead.message_id, raw=raw)
        self.session.add(row)
        self.session.flush()

        # As the reply service does once SMTP accepted the mail: audited, then threaded.
        self.session.add(AuditEvent(actor=author, action="reply", entity="submission",
                                    entity_id=lead.id, before=None,
                                    after={"reply_id": row.id, "recipients": 1}))
        self._thread(lead, raw, body, "out", reply_id=row.id, author=author)
        self.replies += 1

    def _answer(self, lead: Submission, answer: Mapping[str, Any], at: datetime) -> None:
        reply = self.session.execute(select(Reply).where(Reply.submission_id == lead.id)
                                     .order_by(Reply.id.desc()).limit(1)).scalar()
        parent = reply.message_id if reply else lead.message_id
        subject = reply.subject if reply else f"Re: {lead.subject or ''}"
        raw = self._mail(sender=(lead.visitor_name or "", lead.visitor_email or ""),
                         to=(reply.author if reply else "", self.emails.get(
                             reply.author if reply else "", "")),
                         subject=subject, at=at,
                         message_id=f"<answer-{_key(lead)}.{int(at.timestamp())}@"
                                    f"{(lead.visitor_email or '@mail.example').split('@')[-1]}>",
                         parent=parent, body=answer["text"])
        self._thread(lead, raw, answer["text"], "in")
        self.answers += 1

    def _thread(self, lead: Submission, raw: bytes, text: str, direction: str, *,
                reply_id: int | None = None, author: str | None = None) -> None:
        mail = headers.read(raw)
        add_messages(self.session, [NewMessage(
            submission_id=lead.id, direction=direction, headers=mail, text=text, raw=raw,
            reply_id=reply_id, author=author)], threads.load(self.session, [mail]))
