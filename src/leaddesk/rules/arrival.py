"""The one hook the store pipeline calls: rules on the leads of a batch, as they are stored.

Every route that stores leads (file and Maildir import, IMAP sync, API sync, the headless worker)
goes through :func:`leaddesk.ingest.store.store_batch`, which calls :func:`apply_new` inside the
batch's transaction (a rule's change commits with the lead, or neither does) and
:func:`after_commit` once it committed (acknowledgements go out over SMTP then, never inside the
transaction). Cheap when there are no rules: one query per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.db.models import Rule, Status, Submission
from leaddesk.rules import acknowledge, service
from leaddesk.triage.versions import chunks

log = logging.getLogger(__name__)


def apply_new(session: Session, added_ids: Sequence[int]) -> int:
    """Run the enabled rules on just-stored leads; returns how many acknowledgements were queued.

    Spam and mail that is not a form submission are left alone: rules route leads.
    """
    if not added_ids or session.scalar(select(Rule.id).where(Rule.enabled).limit(1)) is None:
        return 0
    leads: list[int] = []
    for chunk in chunks(list(added_ids)):
        leads.extend(session.scalars(select(Submission.id).where(
            Submission.id.in_(chunk), Submission.is_submission,
            Submission.status != Status.SPAM.value)))
    report = service.run_on(session, leads, fresh=True)
    if report.changed:
        log.info("rules changed %d of %d new leads", report.changed, len(leads))
    return report.acknowledgements


def after_commit(db: Database, queued: int) -> None:
    """Send the acknowledgements a batch queued (none: nothing to do)."""
    if queued:
        acknowledge.send_pending(db)
