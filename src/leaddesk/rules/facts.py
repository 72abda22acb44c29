"""What rules look at on a lead, read for a whole batch in a few queries (:func:`load_facts`).

Facts are plain, mutable copies: while the rules of one lead run, a rule that sets the topic or
the status changes the facts the rules below it see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from leaddesk.db.models import Account, Contact, ContactAlias, Post, Submission, TeamMember
from leaddesk.triage.versions import chunks, current_tags

# Gives (contact e-mail, arrival) of the mail a batch stores after the rows at hand.
LaterMail = Callable[[], Sequence[tuple[str, datetime]]]


@dataclass(slots=True)  # slots: 10,000 made per 10k import, read by every rule
class Facts:
    id: int
    received_at: datetime
    subject: str
    body: str
    topic: str | None
    page_url: str | None
    post_title: str | None
    account: str | None
    email: str | None
    phone: str | None
    fields: dict[str, Any]
    returning: bool
    status: str
    is_submission: bool
    assignee: str | None
    tags: list[str] = field(default_factory=list)
    # (rule, template) of the acknowledgement the rules asked for, if any: sent once, at the end.
    acknowledge: tuple[str, str] | None = None
    _local: tuple[tzinfo, datetime] | None = field(default=None, init=False, repr=False,
                                                   compare=False)

    def local(self, zone: tzinfo) -> datetime:
        """When the lead arrived in ``zone`` (worked out once: hours and days both ask)."""
        if self._local is None or self._local[0] is not zone:
            self._local = (zone, self.received_at.astimezone(zone))
        return self._local[1]

    _text: tuple[str, bool] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def folded_text(self) -> tuple[str, bool]:
        """(the subject and the message, one line break between them, lower-cased with the four
        letters that match an ASCII letter when case is ignored (İ ı ſ K) written as that
        letter; whether both are ASCII). Made once per lead, for every rule that looks for
        words (rules never change either): an ASCII word found in neither is in neither."""
        if self._text is None:
            text = f"{self.subject}\n{self.body}"
            plain = text.isascii()
            if not plain and any(letter in text for letter in _LIKE_ASCII_LETTERS):
                text = text.translate(_LIKE_ASCII)  # rare: a per-character table look-up
            self._text = (text.lower(), plain)
        return self._text


# What a regular expression ignoring case matches to an ASCII letter, besides its two cases.
_LIKE_ASCII_LETTERS = ("\u0130", "\u0131", "\u017f", "\u212a")
_LIKE_ASCII = str.maketrans(dict(zip(_LIKE_ASCII_LETTERS, "iisk", strict=True)))


def load_facts(session: Session, ids: Sequence[int], *, fresh: bool = False,
               contacts: bool = True) -> list[Facts]:
    """The facts of ``ids`` in id order (missing ids are left out).

    ``fresh``: the leads were just stored, so they carry no tags yet (a query saved);
    ``contacts=False``: no rule asks new or returning, so nobody's first lead is looked up.
    """
    rows: list[Any] = []
    # Plain rows off the connection: the ORM's result machinery costs more than the query here.
    session.flush()
    connection = session.connection()
    for chunk in chunks(sorted(set(ids))):
        rows.extend(connection.execute(
            select(Submission.id, Submission.received_at, Submission.subject,
                   Submission.body_text, Submission.topic, Submission.page_url, Post.title,
                   Account.name, Submission.visitor_email, Submission.visitor_phone,
                   Submission.fields, Submission.contact_id, Submission.status,
                   Submission.is_submission, TeamMember.name)
            .outerjoin(Post, Post.id == Submission.post_id)
            .outerjoin(Account, Account.id == Submission.account_id)
            .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
            .where(Submission.id.in_(chunk))).all())
    first_seen = _first_seen(session, {r[11] for r in rows if r[11] is not None}) \
        if contacts else {}
    tags = {r[0]: [] for r in rows} if fresh else current_tags(session, [r[0] for r in rows])
    return [Facts(id=r[0], received_at=r[1], subject=r[2] or "", body=r[3] or "", topic=r[4],
                  page_url=r[5], post_title=r[6], account=r[7], email=r[8], phone=r[9],
                  fields=dict(r[10] or {}),
                  returning=r[11] is not None and first_seen.get(r[11], r[1]) < r[1],
                  status=r[12], is_submission=bool(r[13]), assignee=r[14], tags=tags[r[0]])
            for r in rows]


# Built once: a statement per batch, only the contacts' ids change (an IN list of up to 500
# built anew each time cost more than the index look-ups it asks for).
_FIRST_SEEN = (select(Submission.contact_id, func.min(Submission.received_at))
               .where(Submission.contact_id.in_(bindparam("contacts", expanding=True)))
               .group_by(Submission.contact_id))


def _first_seen(session: Session, contact_ids: set[int]) -> dict[int, datetime]:
    """When each contact's first submission arrived: a later one is a returning contact's."""
    found: dict[int, datetime] = {}
    for chunk in chunks(sorted(contact_ids)):
        found.update((cid, at) for cid, at in session.connection().execute(
            _FIRST_SEEN, {"contacts": list(chunk)}).all() if cid is not None)
    return found


def facts_of_rows(session: Session, rows: Sequence[dict[str, Any]],
                  post_titles: Sequence[str | None], *, contacts: bool = True,
                  later_mail: LaterMail | None = None) -> list[Facts] | None:
    """The facts of submission rows about to be inserted (``id``: the row's place), as
    :func:`load_facts` would read them once the rows are stored: no owner, no tags yet, and a
    contact is returning when an earlier lead of theirs is stored or in these rows.

    ``later_mail``: gives (contact e-mail, arrival) of mail the same batch stores after these rows
    (called only when ``contacts``).
    If one of them is earlier than a lead here that would be its contact's first, None: whether
    that lead is new or returning is known only once the batch is stored (that mail may become a
    lead or join a conversation), so the rules must wait for it.
    """
    accounts = {row["account_id"] for row in rows if row["account_id"] is not None}
    names = {aid: name for aid, name in session.execute(  # noqa: C416 (a Result is no mapping)
        select(Account.id, Account.name).where(Account.id.in_(accounts)))} if accounts else {}
    first_seen: dict[int, datetime] = {}
    if contacts:
        session.flush()
        first_seen = _first_seen(session, {row["contact_id"] for row in rows
                                           if row["contact_id"] is not None})
        for row in rows:
            cid, at = row["contact_id"], row["received_at"]
            if cid is not None and (cid not in first_seen or at < first_seen[cid]):
                first_seen[cid] = at
        if later_mail is not None and _earlier_in_batch(session, first_seen, later_mail()):
            return None
    return [Facts(id=place, received_at=row["received_at"], subject=row["subject"] or "",
                  body=row["body_text"] or "", topic=row["topic"], page_url=row["page_url"],
                  post_title=title, account=names.get(row["account_id"]),
                  email=row["visitor_email"], phone=row["visitor_phone"],
                  fields=row["fields"] or {},  # the row's own: rules only read it
                  returning=row["contact_id"] is not None
                  and first_seen.get(row["contact_id"], row["received_at"]) < row["received_at"],
                  status=row["status"], is_submission=bool(row["is_submission"]), assignee=None)
            for place, (row, title) in enumerate(zip(rows, post_titles, strict=True))]


def _earlier_in_batch(session: Session, first_seen: dict[int, datetime],
                      later_mail: Sequence[tuple[str, datetime]]) -> bool:
    """Whether mail stored later in the batch is earlier than a contact's first lead here: its
    address found as the store finds a contact (a contact's e-mail, else an alias)."""
    if not later_mail:
        return False
    emails = {email for email, _ in later_mail}
    found = {email: cid for email, cid in session.execute(
        select(Contact.email, Contact.id).where(Contact.email.in_(emails))) if email}
    if len(found) < len(emails):
        found.update(session.execute(select(ContactAlias.email, ContactAlias.contact_id)
                                     .where(ContactAlias.email.in_(emails - set(found)))).all())
    return any(cid in first_seen and at < first_seen[cid]
               for cid, at in ((found.get(email), at) for email, at in later_mail))
