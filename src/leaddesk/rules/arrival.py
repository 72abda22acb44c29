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
from leaddesk.db.models import Rule

log = logging.getLogger(__name__)


def apply_new(session: Session, added_ids: Sequence[int]) -> int:
    """Run the enabled rules on just-stored leads; returns how many acknowledgements were queued.

    Spam and mail that is not a form submission are left alone: rules route leads.
    """
    if not added_ids or session.scalar(select(Rule.id).where(Rule.enabled).limit(1)) is None:
        return 0
    # Imported here: only a database with rules needs the engine (and an import of it costs an
    # import or a sync ~50 ms of start-up).
    from leaddesk.rules import service

    # ``fresh``: spam and non-submissions are left out as the leads' facts are read.
    report = service.run_on(session, added_ids, fresh=True)
    if report.changed:
        log.info("rules changed %d of %d new leads", report.changed, report.examined)
    return report.acknowledgements


def after_commit(db: Database, queued: int) -> None:
    """Send the acknowledgements a batch queued (none: nothing to do)."""
    if queued:
        from leaddesk.rules import acknowledge  # only when a rule queued one (see apply_new)

        acknowledge.send_pending(db)
