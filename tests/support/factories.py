"""Build submissions and friends directly in the database, for tests of services and queries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from leaddesk.db.models import Account, Contact, Post, Submission, TeamMember

_counter = itertools.count(1)
BASE_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_submission(session: Session, **overrides: Any) -> Submission:
    """A plausible form submission; any column can be overridden. Flushed, so it has an id."""
    n = next(_counter)
    values: dict[str, Any] = {
        "source_key": f"test:{n}",
        "message_id": f"<test-{n}@example.org>",
        "received_at": BASE_TIME + timedelta(minutes=n),
        "subject": f"New message from Send Us A Message #{n}",
        "body_text": "Hello, I would like to learn more about your services.",
        "visitor_name": f"Visitor {n}",
        "visitor_email": f"visitor{n}@example.org",
        "fields": {"Your Name": f"Visitor {n}"},
        "status": "new",
    }
    values.update(overrides)
    submission = Submission(**values)
    session.add(submission)
    session.flush()
    return submission


def make_member(session: Session, name: str) -> TeamMember:
    member = TeamMember(name=name)
    session.add(member)
    session.flush()
    return member


def make_contact(session: Session, email: str, **overrides: Any) -> Contact:
    contact = Contact(email=email, **overrides)
    session.add(contact)
    session.flush()
    return contact


def make_post(session: Session, url: str, title: str, **overrides: Any) -> Post:
    post = Post(url=url, title=title, **overrides)
    session.add(post)
    session.flush()
    return post


def make_account(session: Session, name: str, kind: str = "imap") -> Account:
    account = Account(name=name, kind=kind, settings={})
    session.add(account)
    session.flush()
    return account


def seed_small_inbox(url: str) -> str:
    """Three submissions the CLI tests share: a tagged new lead with form fields and raw bytes,
    an open one owned by Ada, and spam. Returns ``url``."""
    from datetime import timedelta as _td

    from leaddesk.db import Database
    from leaddesk.db.models import Tag

    db = Database.open(url)
    with db.session() as s:
        ada = make_member(s, "Ada")
        first = make_submission(s, visitor_name="Zoë Müller", topic="Patient engagement",
                                body_text="Please send the white paper.\nThanks!",
                                fields={"Your Name": "Zoë Müller", "Topic": "Patient engagement"},
                                raw=b"From: site@example.org\r\n\r\nraw body", received_at=BASE_TIME)
        first.tags.append(Tag(name="hot", colour="#ff0000"))
        make_submission(s, visitor_name="Bob Stone", topic="Speakers bureaus", status="open",
                        assignee_id=ada.id, received_at=BASE_TIME + _td(days=1))
        make_submission(s, visitor_name="Spammy", status="spam",
                        received_at=BASE_TIME + _td(days=2))
    db.close()
    return url
