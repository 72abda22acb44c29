"""Running the current parser over stored raw messages: on request, or for rows an older parser read.

Work goes in batches, one transaction each, so a re-read that is cancelled or cut off keeps what
it finished and the next run takes up the rest (rows read by the current parser are done). Each
changed row is a compare-and-swap write with an audit event (action ``reparse``), like any
triage change: a colleague's edit made meanwhile wins and the row is left for the next run. A dry
run reads and compares the same way, writes nothing, and reports examples.

A message stored as "not a submission" that now reads as a lead with another stored lead's
fingerprint (a forwarded copy of it) stays not a submission and names that lead: a re-read never
makes a second lead of one enquiry (:mod:`leaddesk.reparse.repeats`).

Messages without raw mail (form-API records keep JSON, read by their own reader) are skipped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from leaddesk.changes import Change, Kind
from leaddesk.db import Database
from leaddesk.db.models import Account, Post, Submission
from leaddesk.db.types import utcnow
from leaddesk.errors import ConflictError
from leaddesk.ingest import labels
from leaddesk.ingest.parse import PARSER_VERSION, SubmissionDraft, normalise_email
from leaddesk.ingest.store import derive_topics, fingerprint
from leaddesk.progress import CancelToken, NullReporter, Reporter
from leaddesk.query import Filter
from leaddesk.query import ids as query_ids
from leaddesk.reparse.repeats import held_back, repeated, stored_leads
from leaddesk.reparse.rules import COLUMNS, Planned, Stored, plan
from leaddesk.triage.edits import drop_if_orphan, link_contact, link_post
from leaddesk.triage.results import REPARSE
from leaddesk.triage.versions import VersionedWrite, bump_versions, record_events

BATCH = 200
# The window re-reads on the database worker its triage actions share: a batch of at most this
# many, each kept near INTERACTIVE_SECONDS on the worker, so a key press never waits behind a
# long one. On SQLite 25 take about 50 ms (1.5-1.9 ms a message); on PostgreSQL ~250 ms (each
# changed row's triggers and audit rows are round trips), so there the batches shrink to a few.
INTERACTIVE_BATCH = 25
INTERACTIVE_SECONDS = 0.05
EXAMPLES_PER_FIELD = 3
SYSTEM_ACTOR = "parser"


@dataclass(frozen=True)
class Example:
    submission_id: int
    field: str
    before: str
    after: str


@dataclass
class ReparseReport:
    examined: int = 0
    changed: int = 0
    skipped: int = 0  # no raw mail kept (API records)
    conflicts: int = 0  # changed by someone meanwhile; left for the next run
    repeats: int = 0  # would have been a second lead for a stored one: left not a submission
    dry_run: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        """What a re-read changed, for the window: any field of some leads (not named here)."""
        return [Change(Kind.SUBMISSION)] if self.changed and not self.dry_run else []

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        text = f"re-read {self.examined} messages: {verb} {self.changed}"
        if self.counts:
            text += " (" + ", ".join(f"{name} {n}" for name, n in sorted(self.counts.items())) + ")"
        if self.skipped:
            text += f"; {self.skipped} without raw mail skipped"
        if self.conflicts:
            text += f"; {self.conflicts} changed by someone meanwhile, left for the next run"
        if self.repeats:
            text += (f"; {self.repeats} left not a submission: the same enquiry as a stored "
                     f"lead")
        return text

    def as_json(self) -> dict[str, Any]:
        return {"examined": self.examined, "changed": self.changed, "skipped": self.skipped,
                "conflicts": self.conflicts, "repeats": self.repeats,
                "dry_run": self.dry_run,
                "counts": dict(sorted(self.counts.items())),
                "examples": [vars(e) for e in self.examples]}


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _site_addresses(session: Session) -> dict[int, list[str]]:
    """The mailbox's own address per IMAP account: it is never the visitor (as at sync)."""
    found: dict[int, list[str]] = {}
    for account_id, settings in session.execute(select(Account.id, Account.settings)):
        user = str((settings or {}).get("user") or "")
        found[account_id] = [user] if "@" in user else []
    return found


@dataclass(frozen=True)
class _Row:
    stored: Stored
    raw: bytes | None
    account_id: int | None
    contact_id: int | None
    source_key: str
    content_hash: str | None


def _load(session: Session, ids: Sequence[int]) -> list[_Row]:
    columns = [getattr(Submission, c) for c in COLUMNS]
    rows = session.execute(select(
        Submission.id, Submission.version, Submission.raw, Submission.account_id,
        Submission.contact_id, Submission.source_key, Submission.edited_fields,
        Submission.status_set_by, Submission.verdict_by, Submission.content_hash, *columns)
        .where(Submission.id.in_(ids)).order_by(Submission.id))
    return [_Row(Stored(r.id, r.version, dict(zip(COLUMNS, r[10:], strict=True)),
                        dict(r.edited_fields or {}), r.status_set_by, r.verdict_by),
                 r.raw, r.account_id, r.contact_id, r.source_key, r.content_hash)
            for r in rows]


def _page(row: _Row, draft: SubmissionDraft) -> str | None:
    """The page the lead will show: the person's, if they corrected it, else the parser's."""
    return row.stored.values["page_url"] if "page_url" in row.stored.edited else draft.page_url


def _apply(session: Session, stored: Stored, planned: Planned, contact_id: int | None) -> None:
    """Write one row's changes under the version it was read at, with its audit event."""
    values: dict[str, Any] = {**planned.values, "parser_version": PARSER_VERSION}
    if "email" in planned.changed:
        email, valid = normalise_email(planned.values["visitor_email"] or "")
        values["contact_id"] = (link_contact(session, stored.id, None, email)[0]
                                if email and valid else None)
    if "page_url" in planned.changed:
        values.update(link_post(session, planned.values["page_url"]))
    # The audit names what changed with short excerpts; the message itself stays in one place.
    item = VersionedWrite(stored.id, stored.version,
                    {name: _short(b) for name, (b, _) in planned.changed.items()},
                    {name: _short(a) for name, (_, a) in planned.changed.items()})
    now = utcnow()
    bump_versions(session, [item], values, now)
    record_events(session, [item], action=REPARSE, actor=SYSTEM_ACTOR, now=now)
    if "contact_id" in values:
        drop_if_orphan(session, contact_id, keep=values["contact_id"])


def _posts_by_url(session: Session, urls: set[str]) -> dict[str, Post]:
    if not urls:
        return {}
    return {p.url: p for p in session.scalars(select(Post).where(Post.url.in_(urls)))}


def _repeats(session: Session, readable: Sequence[tuple[_Row, SubmissionDraft]],
             plans: Sequence[Planned], hashes: Sequence[str | None],
             made: Mapping[str, int]) -> tuple[dict[int, int], dict[str, int]]:
    """The rows that would turn into a second lead for one enquiry (id -> the lead, see
    :mod:`leaddesk.reparse.repeats`), and the leads the others make (fingerprint -> id).

    Only rows turning from "not a submission" into a lead are looked up, by their fingerprint
    (an indexed column). ``made``: leads earlier batches made that the database does not hold
    (a dry run's)."""
    turning = [(row.stored.id, new_hash)
               for (row, _), planned, new_hash in zip(readable, plans, hashes, strict=True)
               if new_hash is not None and planned.changed.get("is_submission") == (False, True)]
    if not turning:
        return {}, {}
    wanted = {new_hash for _, new_hash in turning}
    leads = stored_leads(session, wanted, {row.stored.id for row, _ in readable})
    # The batch's own rows that are and stay leads, with the fingerprint they will have.
    for (row, _), planned, new_hash in zip(readable, plans, hashes, strict=True):
        key = new_hash or row.content_hash
        stays = row.stored.values["is_submission"] and "is_submission" not in planned.changed
        if key in wanted and stays:
            leads[key] = min(row.stored.id, leads.get(key, row.stored.id))
    for key in wanted & made.keys():
        leads.setdefault(key, made[key])
    held = repeated(turning, leads)
    return held, {new_hash: sid for sid, new_hash in turning if sid not in held}


def _batch(session: Session, ids: Sequence[int], book: labels.LabelBook, report: ReparseReport,
           addresses: dict[int, list[str]], made: dict[str, int]) -> None:
    readable: list[tuple[_Row, SubmissionDraft]] = []
    for row in _load(session, ids):
        if row.raw is None or row.source_key.startswith("api:"):
            report.skipped += 1
            continue
        draft = labels.parse(row.raw, site_addresses=addresses.get(row.account_id or 0, []),
                             book=book)
        readable.append((row, draft))
    posts = _posts_by_url(session, {url for row, d in readable if (url := _page(row, d))})
    topics = derive_topics(session, [d for _, d in readable],
                           [posts.get(_page(row, d) or "") for row, d in readable])
    hashes = [fingerprint(draft) for _, draft in readable]
    plans = [plan(row.stored, draft, topic)
             for (row, draft), topic in zip(readable, topics, strict=True)]
    held, new_leads = _repeats(session, readable, plans, hashes, made)
    if report.dry_run:  # nothing is written for the next batches to find
        made.update(new_leads)
    untouched: list[int] = []
    rehashed: list[tuple[int, str]] = []
    for (row, draft), topic, planned, new_hash in zip(readable, topics, plans, hashes,
                                                      strict=True):
        stored = row.stored
        report.examined += 1
        if stored.id in held:  # a second lead for one enquiry: stays not a submission, saying so
            planned = plan(stored, held_back(draft, held[stored.id]), topic)
            report.repeats += 1
        # The dedup fingerprint follows the parser's reading, so the same submission arriving
        # again (by API, from another folder) still finds this row. A key is never dropped.
        if new_hash is not None and new_hash != row.content_hash:
            rehashed.append((stored.id, new_hash))
        if not planned.changed:
            untouched.append(stored.id)
            continue
        report.changed += 1
        report.counts.update(planned.changed.keys())
        for name, (before, after) in planned.changed.items():
            if sum(1 for e in report.examples if e.field == name) < EXAMPLES_PER_FIELD:
                report.examples.append(Example(stored.id, name, _short(before), _short(after)))
        if report.dry_run:
            continue
        try:
            _apply(session, stored, planned, row.contact_id)
        except ConflictError:
            report.changed -= 1
            report.conflicts += 1
    if report.dry_run:
        return
    for sid, new_hash in rehashed:
        session.execute(update(Submission).where(Submission.id == sid)
                        .values(content_hash=new_hash)
                        .execution_options(synchronize_session=False))
    if untouched:
        # Nothing to change but the note that the current parser has read them: no version bump.
        session.execute(update(Submission).where(Submission.id.in_(untouched),
                                                 Submission.parser_version != PARSER_VERSION)
                        .values(parser_version=PARSER_VERSION)
                        .execution_options(synchronize_session=False))


def _batch_in_transaction(db: Database, ids: Sequence[int], book: labels.LabelBook,
                          report: ReparseReport, addresses: dict[int, list[str]],
                          made: dict[str, int]) -> None:
    with db.session() as session:
        _batch(session, ids, book, report, addresses, made)


_clock = time.perf_counter  # what batches are timed by (tests give a fake one)


def _timed(work: Callable[..., object], *args: Any) -> float:
    """``work(*args)``; the seconds it took (on the worker, without the wait for it)."""
    began = _clock()
    work(*args)
    return _clock() - began


def stale_ids(session: Session) -> list[int]:
    """Messages read by an older parser (with raw mail to read again), oldest first."""
    return list(session.scalars(select(Submission.id).where(
        Submission.parser_version < PARSER_VERSION, Submission.raw.is_not(None),
        Submission.source_key.not_like("api:%")).order_by(Submission.id)))


def reparse(db: Database, flt: Filter | None = None, *, ids: Sequence[int] | None = None,
            dry_run: bool = False, reporter: Reporter | None = None,
            cancel: CancelToken | None = None, batch: int | None = None,
            budget: float | None = None,
            give_way: Callable[[], None] | None = None) -> ReparseReport:
    """Re-read the messages ``flt`` selects (or ``ids``), batch by batch; see the module doc.

    ``batch`` messages at most per transaction; with ``budget`` (seconds) each batch is sized
    after the last one's time so that it holds the database worker about that long.
    ``give_way`` is called before each batch and returns when the batch may run (the window's
    background re-read waits there while the user is at work)."""
    reporter = reporter or NullReporter()
    cancel = cancel or CancelToken()
    report = ReparseReport(dry_run=dry_run)
    with db.session() as session:
        if ids is None:
            ids = query_ids(session, flt or Filter(include_spam=True,
                                                   include_non_submissions=True))
        book = labels.load(session)
        addresses = _site_addresses(session)
    chosen = sorted(ids)
    size = batch or BATCH
    reporter.started("re-read" + (" (dry run)" if dry_run else ""), len(chosen))
    largest, start = size, 0
    made: dict[str, int] = {}  # a dry run's new leads by fingerprint (see _repeats)
    try:
        while start < len(chosen):
            cancel.raise_if_cancelled()
            if give_way is not None:
                give_way()
                cancel.raise_if_cancelled()
            part = chosen[start:start + size]
            took = db.write(partial(_timed, _batch_in_transaction, db, part, book, report,
                                    addresses, made))
            start += len(part)
            reporter.progress(start, len(chosen))
            if budget is not None:
                size = max(1, min(largest, round(len(part) * budget / max(took, 1e-3))))
    finally:
        reporter.finished(report.summary())
    return report


def upgrade(db: Database, *, reporter: Reporter | None = None,
            cancel: CancelToken | None = None) -> ReparseReport:
    """Re-read what an older parser read; resumable (finished rows carry the new version)."""
    with db.session() as session:
        stale = stale_ids(session)
    return reparse(db, ids=stale, reporter=reporter, cancel=cancel)


def stale_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Submission).where(
        Submission.parser_version < PARSER_VERSION, Submission.raw.is_not(None),
        Submission.source_key.not_like("api:%"))) or 0)
