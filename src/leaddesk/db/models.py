"""The LeadDesk data model (SQLAlchemy 2.0 typed ORM).

Every table here is created by an Alembic revision in ``migrations/versions``; change both together.
No column ever holds a password or token: accounts keep only a keyring reference.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from leaddesk.db.types import PortableJSON, UTCDateTime, utcnow
from leaddesk.statuses import Status as Status  # re-exported: its home before statuses.py

# Deterministic constraint names, so migrations can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: PortableJSON,
                           list[Any]: PortableJSON}


class AccountKind(enum.StrEnum):
    IMAP = "imap"
    SMTP = "smtp"
    API = "api"
    FILE = "file"


STATUS_VALUES = tuple(s.value for s in Status)
ACCOUNT_KINDS = tuple(k.value for k in AccountKind)


class Account(Base):
    """A source (IMAP mailbox, form API, local files) or an SMTP identity. Settings, never secrets."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(f"kind IN {ACCOUNT_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # host, port, security, user, folder, preset, base_url, from identity, CA file ...
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The keyring entry's name (service/username); the secret itself lives only in the keyring.
    secret_ref: Mapped[str | None] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncState(Base):
    """How far a source has been read: per account and folder (IMAP) or per account (API cursor)."""

    __tablename__ = "sync_states"
    __table_args__ = (UniqueConstraint("account_id", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(255), default="")
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int | None] = mapped_column(BigInteger)
    cursor: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime | None]


class Contact(Base):
    """A visitor, one per normalised e-mail address (or none, for a phone-only lead)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    company: Mapped[str | None] = mapped_column(String(255))
    first_seen_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[ContactAlias]] = relationship(
        back_populates="contact", cascade="all, delete-orphan")


class ContactAlias(Base):
    """An address that belongs to a contact after a merge, so later mail finds the kept contact."""

    __tablename__ = "contact_aliases"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            index=True)
    contact: Mapped[Contact] = relationship(back_populates="aliases")


class TeamMember(Base):
    """Someone submissions can be assigned to."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added in revision 0007 (rules): away members are skipped by round-robin assignment.
    away: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Post(Base):
    """A blog post or page of the team's site that visitors write from; fetched and cached."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    excerpt: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    author: Mapped[str | None] = mapped_column(String(255))
    categories: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    fetched_at: Mapped[datetime | None]
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    fetch_error: Mapped[str | None] = mapped_column(Text)
    # Added in revision 0002 (post resolution):
    kind: Mapped[str | None] = mapped_column(String(16))  # "post" or "page" (WordPress), or None
    source: Mapped[str | None] = mapped_column(String(16))  # how it was resolved: "rest", "html"
    wp_id: Mapped[int | None] = mapped_column(Integer)
    slug: Mapped[str | None] = mapped_column(String(255))
    modified_at: Mapped[datetime | None]
    # Failed fetches back off: the attempt count and when the next one may run.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_fetch_at: Mapped[datetime | None] = mapped_column(index=True)


class Site(Base):
    """An origin (scheme://host[:port]) of the team's own sites: the only hosts posts are fetched from.

    A page URL on any other host is shown but never requested, so a stranger's submission cannot make
    the app call arbitrary addresses on the team's network.
    """

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    # Where this origin's pages are fetched from when not the origin itself: a staging mirror, or
    # the demo's loopback server standing in for the real blog. Redirects must stay within it too.
    fetch_base: Mapped[str | None] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicMapping(Base):
    """Maps a post's category or tag to one of the team's topics of interest (editable)."""

    __tablename__ = "topic_mappings"
    __table_args__ = (
        CheckConstraint("kind IN ('category', 'tag')", name="kind"),
        UniqueConstraint("kind", "term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(255))


submission_tags = Table(
    "submission_tags",
    Base.metadata,
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# Facet counts kept by database triggers (revision 0006), exact after every write by anyone, so
# the sidebar of a million rows reads a few hundred rows. A group may have several rows (two
# desktops adding the same new group at once) and rows at zero: readers sum per group.
facet_counts = Table(
    "facet_counts",
    Base.metadata,
    Column("is_submission", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("topic", String(255)),
    Column("assignee_id", Integer),
    Column("n", Integer, nullable=False),
    Index("ix_facet_counts_group", "status", "topic", "assignee_id"),
)
tag_facet_counts = Table(
    "tag_facet_counts",
    Base.metadata,
    Column("tag_id", Integer, nullable=False),
    Column("is_submission", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("n", Integer, nullable=False),
    Index("ix_tag_facet_counts_group", "tag_id", "status"),
)
# While a transaction holds a row here, its new tag links skip the count trigger: the writer
# (leaddesk.db.bulk.insert_tag_links) adds the batch's counts itself and removes the row before
# it commits, so no other transaction ever sees one (revision 0011).
tag_facet_counts_paused = Table(
    "tag_facet_counts_paused",
    Base.metadata,
    Column("writer", String(64), nullable=False),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    colour: Mapped[str] = mapped_column(String(7), default="#808080")


# The rows of the partial indexes of revision 0014, written as leaddesk.query.filters writes
# the views' conditions (SQLite uses a partial index only for a query holding its condition).
NEEDS_REPLY_INDEXED = "last_outbound_at IS NULL OR last_inbound_at > last_outbound_at"
UNANSWERED_INDEXED = "first_answered_at IS NULL"


class Submission(Base):
    """One received message: a form submission (a lead) or, flagged, any other mail in the box.

    ``raw`` keeps the original bytes (or API JSON) so a better parser can re-read it later.
    ``version`` grows on every change; updates check it to turn concurrent edits into conflicts.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUS_VALUES!r}", name="status"),
        # The inbox: newest first, spam and non-submissions usually hidden. A page walks one of
        # these in date order; the trailing columns let it skip rows that fail the usual filters
        # without reading them (bench/README.md has the figures).
        Index("ix_submissions_received", "received_at", "id", "is_submission", "status", "topic"),
        Index("ix_submissions_status_received", "status", "received_at", "id", "is_submission",
              "topic"),
        Index("ix_submissions_topic_received", "topic", "received_at", "id", "is_submission",
              "status"),
        Index("ix_submissions_assignee_received", "assignee_id", "received_at", "id",
              "is_submission", "status", "topic"),
        # A list sorted by the visitor walks this index alone (revision 0016): without it, the
        # first page of a million leads by name read every row (1-3 s warm, 23 s cold).
        Index("ix_submissions_name", "visitor_name", "id", "is_submission", "status", "topic",
              "assignee_id"),
        # Counts and facets read this index, never the rows.
        Index("ix_submissions_facets", "is_submission", "status", "topic", "assignee_id"),
        # A contact's leads by date; whether a new lead's contact is returning (rules on
        # arrival) reads the first one's date here, not in the row after the raw mail.
        Index("ix_submissions_contact_received", "contact_id", "received_at"),
        # A lead's page counts the leads its post brought from this index alone (revision 0015).
        Index("ix_submissions_post_leads", "post_id", "is_submission"),
        # The "Needs reply" and "Overdue" views: their counts, facets and first pages read
        # these alone (revision 0014). The conditions are the filters' own, term for term.
        # PostgreSQL has the same conditions (the revision writes them); naming them here too
        # would import its dialect with the models, ~20 ms of every start on SQLite.
        Index("ix_submissions_needs_reply", "is_submission", "status", "topic", "assignee_id",
              "received_at", "last_inbound_at", "last_outbound_at",
              sqlite_where=text(NEEDS_REPLY_INDEXED)),
        Index("ix_submissions_unanswered", "is_submission", "status", "topic", "assignee_id",
              "received_at", "first_answered_at", sqlite_where=text(UNANSWERED_INDEXED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    # Per-source identity, e.g. "imap:<account>:<folder>:<uidvalidity>:<uid>" or "api:<account>:<id>".
    source_key: Mapped[str] = mapped_column(String(512), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    raw: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = deferred(mapped_column(Text))  # sanitised, never raw
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    visitor_name: Mapped[str | None] = mapped_column(String(255))
    visitor_email: Mapped[str | None] = mapped_column(String(320))
    visitor_phone: Mapped[str | None] = mapped_column(String(64))
    visitor_company: Mapped[str | None] = mapped_column(String(255))
    # Indexed with received_at (revision 0011): a contact's first lead from the index alone.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    topic: Mapped[str | None] = mapped_column(String(255))
    # Where the topic came from: "field" (the form), "mapping" (the post's terms), "manual"; None
    # when there is no topic. Re-deriving after a mapping change touches only "mapping" and None.
    topic_source: Mapped[str | None] = mapped_column(String(16))
    page_url: Mapped[str | None] = mapped_column(String(2048))
    # Indexed with is_submission (ix_submissions_post_leads): a post's count of leads.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    # The post as it was when the lead arrived; a later edit of the post does not rewrite history.
    post_snapshot: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW.value)
    spam_reason: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_members.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    problems: Mapped[list[Any]] = mapped_column(default=list)
    is_submission: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added in revision 0004 (corrections and re-reading). Which parser read the stored fields:
    # a newer parser re-reads older rows in the background (leaddesk.reparse).
    parser_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1",
                                                index=True)
    not_submission_reason: Mapped[str | None] = mapped_column(Text)
    # What a person decided, which a re-read never overrides: the fields they corrected
    # ({"name": {"by": "Ada", "at": "…"}}), who last set the status, and who overrode the
    # parser's spam / not-a-submission verdict (brought a lead back, or marked one spam).
    edited_fields: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    status_set_by: Mapped[str | None] = mapped_column(String(120))
    verdict_by: Mapped[str | None] = mapped_column(String(120))
    # Added in revision 0005 (conversations), kept by leaddesk.conversations in the transaction
    # that adds a message: the owner has not read the visitor's latest answer; how many e-mails
    # the conversation holds (the submission counts as one); the newest of each direction.
    # "Needs reply" is last_inbound_at newer than last_outbound_at (or no outbound at all).
    unread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    message_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_inbound_at: Mapped[datetime | None]
    last_outbound_at: Mapped[datetime | None]
    # Added in revision 0008 (response times): the earliest outbound e-mail (a LeadDesk reply, or
    # the team's mail from any client found in a Sent folder), kept in the same transaction.
    first_answered_at: Mapped[datetime | None]

    account: Mapped[Account | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    post: Mapped[Post | None] = relationship()
    assignee: Mapped[TeamMember | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=submission_tags, order_by=Tag.name)
    notes: Mapped[list[Note]] = relationship(back_populates="submission",
                                             cascade="all, delete-orphan", order_by="Note.id")
    replies: Mapped[list[Reply]] = relationship(back_populates="submission",
                                                cascade="all, delete-orphan", order_by="Reply.id")


class Note(Base):
    """An internal note on a submission, visible to the team only."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="notes")


class Reply(Base):
    """A reply to a submission: a draft, or a message sent over SMTP."""

    __tablename__ = "replies"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'sent', 'failed')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(120))
    message_id: Mapped[str | None] = mapped_column(String(998))
    to_addrs: Mapped[str] = mapped_column(Text)
    cc_addrs: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added in revision 0002 (replies over SMTP):
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # the exact bytes sent
    copied_to_sent_at: Mapped[datetime | None]  # when the copy reached the IMAP Sent folder
    updated_at: Mapped[datetime | None]

    submission: Mapped[Submission] = relationship(back_populates="replies")


class Message(Base):
    """One e-mail of a lead's conversation after the submission: our replies (sent by LeadDesk or
    found in a Sent folder) and the visitor's answers. Added in revision 0005.

    ``source_key`` is the IMAP identity (account, folder, UIDVALIDITY, UID) of a message read from
    a mailbox; a reply LeadDesk sent has none but its ``reply_id``. One Message-ID appears once per
    lead (the unique constraint), whichever route (INBOX, Sent, LeadDesk's own send) met it first.
    """

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        UniqueConstraint("submission_id", "message_id"),
        Index("ix_messages_submission_sent", "submission_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" (the visitor) or "out" (the team)
    from_name: Mapped[str | None] = mapped_column(String(255))
    from_addr: Mapped[str | None] = mapped_column(String(320))
    to_addrs: Mapped[str | None] = mapped_column(Text)
    cc_addrs: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime]  # the Date header, else when the mailbox received it
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    source_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="SET NULL"))
    author: Mapped[str | None] = mapped_column(String(120))  # who sent it from LeadDesk
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReplyTemplate(Base):
    """A saved reply; ``{first_name}``, ``{name}``, ``{topic}``, ``{post_title}``, ``{post_url}``,
    ``{my_name}`` are filled in when it is used."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Presence(Base):
    """"Also viewing": a short lease a desktop renews while a message is open (team mode)."""

    __tablename__ = "presence"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    member: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LabelMapping(Base):
    """A label the reader could not place, taught once: "on this form, 'Your area' is the topic".

    ``form`` is the notification's sender address, a site host, or "" for every form;
    ``label_key`` is the label as :func:`leaddesk.ingest.parse.synonyms.label_key` folds it.
    """

    __tablename__ = "label_mappings"
    __table_args__ = (UniqueConstraint("form", "label_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(320), default="", server_default="")
    label: Mapped[str] = mapped_column(String(255))
    label_key: Mapped[str] = mapped_column(String(255))
    field: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamSetting(Base):
    """A setting the whole team shares (business hours, the response target): in the database,
    so every desktop on a shared PostgreSQL reads the same value. Added in revision 0008.

    ``value`` is a JSON object its owner module reads and validates (e.g.
    :mod:`leaddesk.response_times`); a key no module knows is left alone.
    """

    __tablename__ = "team_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)


class Tombstone(Base):
    """What remains of an erased contact's messages: one-way digests of their identifying keys.

    A later sync that meets the same message (source key, Message-ID or content hash) skips it, so
    an erasure is not undone; the digests alone do not reveal who the person was.
    """

    __tablename__ = "tombstones"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rule(Base):
    """A routing rule (revision 0007): when every condition holds, its actions run on a new lead.

    ``conditions`` and ``actions`` are lists of ``[name, value]`` pairs as typed on the command line
    (``["words", "pricing,quote"]``, ``["assign", "round-robin:Anna,Ben"]``); rules run in
    ``position`` order, and ``stop`` keeps the rules below from running on a lead this one matched.
    """

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    stop: Mapped[bool] = mapped_column(Boolean, default=False)
    conditions: Mapped[list[Any]] = mapped_column(default=list)
    actions: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RuleCounter(Base):
    """How many leads a round-robin rule gave each member: the even spread survives restarts."""

    __tablename__ = "rule_counters"

    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"),
                                         primary_key=True)
    member: Mapped[str] = mapped_column(String(120), primary_key=True)
    assigned: Mapped[int] = mapped_column(Integer, default=0)


class RuleAcknowledgement(Base):
    """An acknowledgement a rule sends (or sent): one per contact address and local day."""

    __tablename__ = "rule_acknowledgements"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed', 'skipped')",
                        name="state"),
        UniqueConstraint("contact", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact: Mapped[str] = mapped_column(String(320))  # the visitor's address, case-folded
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in the rules' time zone
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), index=True)
    rule: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    reply_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class RuleOption(Base):
    """The rules' settings shared by every desktop and worker: time zone, acknowledgements."""

    __tablename__ = "rule_options"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SuggestExample(Base):
    """One lead as the suggestion model counted it (leaddesk.suggest; revision 0009): its features
    and the team's topic, owner and tags for it, so a relabelled lead's old counts can be taken
    back exactly."""

    __tablename__ = "suggest_examples"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    features: Mapped[list[Any]] = mapped_column(default=list)
    topic: Mapped[str | None] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(120))
    tags: Mapped[list[Any]] = mapped_column(default=list)


class SuggestFeedback(Base):
    """A person accepting or rejecting a suggestion (revision 0009); rejections are training data
    (``counted`` once folded into the stored model), accepts are learnt from the triage they did."""

    __tablename__ = "suggest_feedback"
    __table_args__ = (
        CheckConstraint("verdict IN ('accept', 'reject')", name="verdict"),
        CheckConstraint("target IN ('topic', 'tags', 'owner')", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[int | None] = mapped_column(Integer)  # percent
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    features: Mapped[list[Any]] = mapped_column(default=list)
    counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SuggestState(Base):
    """The stored suggestion model (revision 0009): one row, its counts as compressed JSON.

    ``revision`` grows with every write and guards it (compare-and-swap): two desktops updating
    at once never lose each other's counts. ``audit_id`` is the newest audit event counted.
    """

    __tablename__ = "suggest_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    audit_id: Mapped[int] = mapped_column(Integer, default=0)
    examples: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[bytes | None] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime | None]
