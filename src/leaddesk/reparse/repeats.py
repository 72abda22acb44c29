"""A message a re-read would make a second lead for an enquiry that is already one.

The store skips a copy of a stored lead as a duplicate (its fingerprint: visitor e-mail and
message, :func:`leaddesk.ingest.store.fingerprint`). A re-read must not undo that: a copy an
older parser stored as "not a submission" (a forwarded notification, before parser 8) that now
reads as a lead with the fingerprint of another lead stays not a submission, and says which lead
it repeats. Like any parser verdict it shows its reason and a person brings it back in one step
(:func:`leaddesk.triage.set_status`), after which a re-read leaves it be (``verdict_by``).

The lead an enquiry already has is any stored submission with that fingerprint, spam included:
a copy of an enquiry marked spam is the same enquiry, and showing it would undo that verdict.
Among copies that turn into leads together, the one stored first (the lowest id) is the lead,
as at import, where the first to arrive is stored and the later copies are skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.db.models import Submission
from leaddesk.ingest.parse import SubmissionDraft


def same_enquiry(lead_id: int) -> str:
    """The "not a submission" reason of a message that repeats lead ``lead_id``."""
    return f"the same enquiry as lead #{lead_id} (same visitor e-mail and message)"


def held_back(draft: SubmissionDraft, lead_id: int) -> SubmissionDraft:
    """``draft`` read as not a submission because it repeats lead ``lead_id``.

    The visitor, fields and message stay as read, so that bringing it back makes it the lead
    it reads as; no spam verdict, as the parser gives none to what is not a submission (the
    reason shown is then this one)."""
    return replace(draft, is_submission=False, not_submission_reason=same_enquiry(lead_id),
                   is_spam=False, spam_reason=None)


def stored_leads(session: Session, hashes: Collection[str], excluding: Collection[int]
                 ) -> dict[str, int]:
    """Fingerprint -> the lowest id of a stored submission with it, but for the rows
    ``excluding`` names (those of the batch being re-read, whose reading decides for them)."""
    if not hashes:
        return {}
    found: dict[str, int] = {}
    rows = session.execute(select(Submission.content_hash, Submission.id).where(
        Submission.content_hash.in_(set(hashes)), Submission.is_submission.is_(True)))
    for content_hash, sid in rows:
        if content_hash is not None and sid not in excluding:
            found[content_hash] = min(sid, found.get(content_hash, sid))
    return found


def repeated(turning: Sequence[tuple[int, str]], leads: dict[str, int]) -> dict[int, int]:
    """Of the messages turning into leads, as (id, fingerprint), those that repeat a lead of
    ``leads`` (fingerprint -> id) or one that turns before them in id order: id -> that lead.
    The others are leads from now on: ``leads`` gains them."""
    held: dict[int, int] = {}
    for sid, content_hash in sorted(turning):
        lead = leads.setdefault(content_hash, sid)
        if lead != sid:
            held[sid] = lead
    return held
