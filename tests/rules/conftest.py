"""Fixtures for rules tests: rules saved as a person would, leads imported through the real
pipeline, a real Dovecot (shared from tests/ingest) and a real aiosmtpd (tests/support/smtp)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission, TeamMember, TopicMapping
from leaddesk.ingest.files import import_paths
from leaddesk.ingest.store import BatchResult
from leaddesk.rules import catalog
from leaddesk.rules.spec import RuleSpec, parse_action, parse_condition
from tests.ingest.conftest import dovecot, imap_account, mailbox  # noqa: F401 (fixtures)
from tests.support.mail import notification

__all__ = ["add_rule", "audit_of", "import_mail", "lead", "notification"]
TOPICS = ("Speakers bureaus", "Patient engagement", "Market access", "Speakers", "Publications")


def add_rule(db: Database, name: str, when: Sequence[str] = (), do: Sequence[str] = ("tag=x",),
             *, stop: bool = False, position: int | None = None) -> RuleSpec:
    spec = RuleSpec(name, tuple(parse_condition(c) for c in when),
                    tuple(parse_action(a) for a in do), stop=stop)
    with db.session() as s:
        return catalog.add_rule(s, spec, actor="Ada", position=position)


def add_members(db: Database, *names: str) -> None:
    with db.session() as s:
        for name in names:
            s.add(TeamMember(name=name))


def import_mail(db: Database, folder: Path, *messages: bytes) -> BatchResult:
    folder.mkdir(parents=True, exist_ok=True)
    start = len(list(folder.iterdir()))
    for n, raw in enumerate(messages, start=start):
        (folder / f"{n:04d}.eml").write_bytes(raw)
    return import_paths(db, [folder])


def lead(db: Database, message_id: str) -> Submission:
    with db.session() as s:
        row = s.execute(select(Submission).where(Submission.message_id == message_id)).scalar_one()
        row.tags  # noqa: B018  (loaded before the session closes)
        row.assignee  # noqa: B018
        s.expunge_all()
        return row


def audit_of(db: Database, lead_id: int) -> list[tuple[str, str]]:
    """(actor, action) of every audit event on the lead, oldest first."""
    with db.session() as s:
        return [(a, b) for a, b in s.execute(
            select(AuditEvent.actor, AuditEvent.action)
            .where(AuditEvent.entity == "submission", AuditEvent.entity_id == lead_id)
            .order_by(AuditEvent.id))]


def mid(n: int) -> str:
    return f"<notification-{n}@example-pharma-agency.com>"


Importer = Callable[..., BatchResult]


@pytest.fixture
def imported(db: Database, tmp_path: Path) -> Importer:
    """Import the given notifications through the real file pipeline (each call a new folder)."""
    calls = iter(range(1000))
    with db.session() as s:  # the team's topics: a form's subject naming one becomes the topic
        for term in TOPICS:
            s.add(TopicMapping(kind="category", term=term, topic=term))

    def run(*messages: bytes) -> BatchResult:
        return import_mail(db, tmp_path / f"mail{next(calls)}", *messages)
    return run
