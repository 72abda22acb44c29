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
