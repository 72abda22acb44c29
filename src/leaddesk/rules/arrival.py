"""The hooks the store pipeline calls: rules on the leads of a batch, as they are stored.

Every route that stores leads (file and Maildir import, IMAP sync, API sync, the headless worker)
goes through :func:`leaddesk.ingest.store.store_batch`. Its new submission rows pass through
:func:`decide_new` BEFORE they are inserted: the rules' outcome (status, owner, topic, the
version one bump leaves) goes into the rows, so no lead is read back and updated;
:func:`finish_new` then writes the tag links, the "rule: NAME" audit events and queues the
acknowledgements once the rows have ids. The stored result is what :func:`apply_new` on the
stored leads gives, which stays for a batch whose rules could not be decided up front (a member
removed since a rule was saved: applied action by action). All of it runs inside the batch's
transaction (a rule's change commits with the lead, or neither does); :func:`after_commit` runs
once it committed (acknowledgements go out over SMTP then, never inside the transaction).
Cheap when there are no rules: one query per batch.

While a hook runs, Python's cyclic garbage collector is paused (:func:`leaddesk.collector.paused`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.collector import paused
from leaddesk.db import Database
from leaddesk.db.models import Rule

if TYPE_CHECKING:  # only types: the engine loads when a rule is enabled (see apply_new)
    from leaddesk.rules.engine import NewRun
    from leaddesk.rules.facts import LaterMail

log = logging.getLogger(__name__)


def apply_new(session: Session, added_ids: Sequence[int]) -> int:
    """Run the enabled rules on just-stored leads; returns how many acknowledgements were queued.

    Spam and mail that is not a form submission are left alone: rules route leads.
    """
    if not added_ids or not _any_rule(session):
        return 0
    # Imported here: only a database with rules needs the engine (and an import of it costs an
    # import or a sync ~50 ms of start-up).
    from leaddesk.rules import service

    # ``fresh``: spam and non-submissions are left out as the leads' facts are read.
    with paused():
        report = service.run_on(session, added_ids, fresh=True)
    if report.changed:
        log.info("rules changed %d of %d new leads", report.changed, report.examined)
    return report.acknowledgements


def decide_new(session: Session, rows: Sequence[dict[str, Any]],
               post_titles: Sequence[str | None],
               later_mail: LaterMail | None = None
               ) -> NewRun | Literal["later"] | None:
    """The rules' outcome written into new submission rows before they are inserted: a
    :class:`NewRun` to :func:`finish_new` once they are stored; "later" when the rules must run
    on the stored leads (:func:`apply_new`); None when there are no rules.

    ``later_mail``: gives (contact e-mail, arrival) of mail the same batch stores after these rows;
    when one of them may be a contact's earliest lead, "later" (see
    :func:`~leaddesk.rules.facts.facts_of_rows`).
    """
    if not rows or not _any_rule(session):
        return None
    from leaddesk.rules import service  # only a database with rules needs the engine

    with paused():
        return service.run_on_new(session, rows, post_titles, later_mail)


def _any_rule(session: Session) -> bool:
    """One indexed probe: what a batch costs when there are no rules."""
    return session.scalar(select(Rule.id).where(Rule.enabled).limit(1)) is not None


def finish_new(session: Session, decided: NewRun, ids: Sequence[int]) -> int:
    """Tag links, audit events and acknowledgements of the inserted rows (``ids`` in row order);
    returns how many acknowledgements were queued."""
    with paused():
        report = decided.finish(session, ids)
    if report.changed:
        log.info("rules changed %d of %d new leads", report.changed, report.examined)
    return report.acknowledgements


def after_commit(db: Database, queued: int) -> None:
    """Send the acknowledgements a batch queued (none: nothing to do)."""
    if queued:
        from leaddesk.rules import acknowledge  # only when a rule queued one (see apply_new)

        acknowledge.send_pending(db)
