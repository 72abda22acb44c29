"""Re-reading stored mail with the current parser and the labels a person taught.

- ``rules``: what a re-read may change, and the guards that keep every decision a person made
- ``runner``: batches, dry runs, reports, and the background upgrade after a parser upgrade
- ``repeats``: a message a re-read would make a second lead of an enquiry stays not a submission

    from leaddesk import reparse
    report = reparse.reparse(db, Filter(text="acme"), dry_run=True)
    print(report.summary())
"""

from leaddesk.reparse.rules import PERSON_EDITABLE, Planned, Stored, plan
from leaddesk.reparse.runner import (
    INTERACTIVE_BATCH,
    INTERACTIVE_SECONDS,
    Example,
    ReparseReport,
    reparse,
    stale_count,
    stale_ids,
    upgrade,
)

__all__ = ["INTERACTIVE_BATCH", "INTERACTIVE_SECONDS", "PERSON_EDITABLE", "Example", "Planned",
           "ReparseReport", "Stored", "plan", "reparse", "stale_count", "stale_ids", "upgrade"]
