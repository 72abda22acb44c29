"""Syncing a form-backend account: pages in, one store transaction per page with the saved position.

The position lives in the account's :class:`SyncState` (folder ``"api"``, ``cursor`` = JSON) and is
written in the same transaction as the page's records, so a crash or a cut connection leaves both or
neither.

Most APIs list the newest submissions first. For them the state holds the *mark* of the newest
record synced completely; a sync walks from the newest page back until it meets a record at or
below the mark. While a walk is under way the state also holds the walk's own newest mark and the
next page to read, so an interrupted walk resumes where it stopped and, once done, a fresh walk picks
up what arrived meanwhile. APIs read oldest first (Formspree with ``order=asc``, a generic API so
configured) keep the position of the next page instead.

A page that cannot be read is reported and skipped when the API lets us name the page after it; the
saved position never moves past it, so the next sync asks for it again. A record that is not an
object is reported and skipped; any other record is stored, with what was wrong in its problems.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import secrets
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import SyncState
from leaddesk.db.types import utcnow
from leaddesk.ingest.api.client import ApiClient
from leaddesk.ingest.api.draft import build_draft
from leaddesk.ingest.api.errors import PageError
from leaddesk.ingest.api.presets import source_for
from leaddesk.ingest.api.source import ApiPage, Position, Source, content_id, json_bytes
from leaddesk.ingest.locks import account_lock
from leaddesk.ingest.parse import SubmissionDraft
from leaddesk.ingest.store import BatchResult, Incoming, store_all
from leaddesk.progress import CancelToken, NullReporter, Reporter

log = logging.getLogger(__name__)

FOLDER = "api"
MAX_FAILED_PAGES = 3  # unreadable pages in a row before a sync stops asking for more
_KEY_LIMIT = 512  # Submission.source_key


@dataclass
class ApiCursor:
    """What SyncState.cursor holds for an API account."""

    mark: str | None = None  # newest-first: the newest record synced completely
    mark_ids: list[str] = field(default_factory=list)  # the ids at exactly that mark
    walk: dict[str, Any] | None = None  # newest-first: {"top", "top_ids", "resume"} of a walk under way
    resume: Position | None = None  # oldest-first: the page the next sync starts with
    seen_ids: list[str] = field(default_factory=list)  # oldest-first: the ids on the last page read

    @classmethod
    def load(cls, text: str | None) -> ApiCursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(mark=data.get("mark"), mark_ids=list(data.get("mark_ids") or []),
                       walk=data.get("walk"), resume=data.get("resume"),
                       seen_ids=list(data.get("seen_ids") or []))
        except (ValueError, AttributeError, TypeError):
            # An unreadable position costs a full re-read, never a lost or doubled lead (dedup).
            log.warning("the saved API sync position is unreadable; reading from the start")
            return cls()

    def dump(self) -> str:
        return json.dumps({"mark": self.mark, "mark_ids": self.mark_ids, "walk": self.walk,
                           "resume": self.resume, "seen_ids": self.seen_ids}, sort_keys=True)


@dataclass
class ApiSyncResult(BatchResult):
    skipped: int = 0  # records reported and not stored
    failed_pages: int = 0
    requests: int = 0
    retries: int = 0


def _state(session: Session, account_id: int) -> SyncState:
    state = session.execute(select(SyncState).where(SyncState.account_id == account_id,
                                                    SyncState.folder == FOLDER)).scalar()
    if state is None:
        state = SyncState(account_id=account_id, folder=FOLDER)
        session.add(state)
        session.flush()
    return state


def load_cursor(db: Database, account_id: int) -> ApiCursor:
    def read() -> ApiCursor:  # a write: a first sync adds the account's state
        with db.session() as session:
            return ApiCursor.load(_state(session, account_id).cursor)

    return db.write(read)


def _saver(account_id: int, cursor: ApiCursor) -> Callable[[Session], None]:
    text = cursor.dump()

    def advance(session: Session) -> None:
        state = _state(session, account_id)
        state.cursor = text
        state.synced_at = utcnow()
    return advance


Batch = tuple[Sequence[Incoming], Callable[[Session], Any] | None]


class _Run:
    """One sync of one account: the walk over the pages, as batches for :func:`store_all`."""

    def __init__(self, source: Source, client: ApiClient, cursor: ApiCursor, reporter: Reporter,
                 result: ApiSyncResult) -> None:
        self.source = source
        self.client = client
        self.cursor = cursor
        self.reporter = reporter
        self.result = result
        self.account = source.account
        self.failed = 0  # unreadable pages in the current walk

    # ------------------------------------------------------------------ records
    def _incoming(self, record: dict[str, Any], record_id: str) -> Incoming:
        try:
            draft = build_draft(self.source.read(record), plugin=self.source.plugin)
        except Exception as exc:  # a bug must not lose a lead: store it, visible, with the reason
            log.exception("reading an API record failed")
            draft = _unreadable(self.source.plugin, f"the record could not be read "
                                                    f"({type(exc).__name__}: {exc}); its JSON is kept")
        key = f"api:{self.account.id}:{record_id}"
        if len(key) > _KEY_LIMIT:
            key = f"api:{self.account.id}:{content_id(record_id)}"
        raw = json_bytes(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        return Incoming(key, raw, draft, draft.submitted_at)

    def _identify(self, record: dict[str, Any]) -> tuple[str, list[str]]:
        record_id = self.source.record_id(record)
        if record_id:
            return record_id, []
        return content_id(record), ["the record has no id; it is recognised by its content"]

    def _read(self, page: ApiPage, where: str, *, stop: str | None = None,
              stop_ids: Sequence[str] = ()) -> tuple[list[Incoming], bool, list[tuple[str, str]]]:
        """(items to store, whether a record at or below ``stop`` was met, (mark, id) of each
        readable record)."""
        items: list[Incoming] = []
        reached = False
        marks: list[tuple[str, str]] = []
        for number, record in enumerate(page.records, 1):
            if not isinstance(record, dict):
                self.result.skipped += 1
                self.reporter.item_failed(f"{self.account.name} record {number} of {where}",
                                          f"not a JSON object ({type(record).__name__}); skipped")
                continue
            record_id, problems = self._identify(record)
            mark = self.source.record_mark(record)
            if mark is not None:
                marks.append((mark, record_id))
            if stop is not None and mark is not None and (
                    mark < stop or (mark == stop and record_id in stop_ids)):
                reached = True
                continue
            if not self.source.newest_first and record_id in self.cursor.seen_ids:
                continue  # on the page read last time
            item = self._incoming(record, record_id)
            if problems:
                item = Incoming(item.source_key, item.raw, _with_problems(item.draft, problems),
                                item.received_at)
            items.append(item)
        return items, reached, marks

    def _fetch(self, position: Position, walked: set[str]) -> ApiPage | None:
        try:
            page = self.source.fetch(self.client, position)
            self._refuse_repeat(page, walked)
            return page
        except PageError as exc:
            self.result.failed_pages += 1
            self.reporter.item_failed(f"{self.account.name} {self.source.describe(position)}",
                                      f"{exc}; skipped, asked for again next sync")
            return None

    def _refuse_repeat(self, page: ApiPage, walked: set[str]) -> None:
        """A page holding only records an earlier page of this walk held is a paging fault of the
        service (a page number ignored, a cursor pointing back): taken as read, it would end the
        walk and move the mark past the page's real records, losing them; a loop would never end."""
        ids = {self._identify(r)[0] for r in page.records if isinstance(r, dict)}
        if ids and ids <= walked:
            raise PageError(f"{self.source.what} sent again the records of an earlier page (its "
                            f"paging went round in a loop)")
        walked |= ids

    # ------------------------------------------------------------------ walks
    def batches(self) -> Iterator[Batch]:
        if self.source.newest_first:
            yield from self._newest_first()
        else:
            yield from self._oldest_first()

    def _newest_first(self) -> Iterator[Batch]:
        resumed = self.cursor.walk is not None
        while True:
            done = yield from self._walk()
            if not (done and resumed):
                return
            resumed = False  # a finished resumed walk: look for what arrived since it began

    def _walk(self) -> Generator[Batch, None, bool]:
        """One walk from the newest page down to the mark; True when it finished without a gap."""
        cursor = self.cursor
        walk = cursor.walk
        start: Position = walk["resume"] if walk else self.source.first(cursor.mark)
        top: str | None = walk["top"] if walk else None
        top_ids: list[str] = list(walk.get("top_ids") or []) if walk else []
        self.failed = 0
        for position, page in self._pages(start):
            items, reached, marks = self._read(page, self.source.describe(position),
                                               stop=cursor.mark, stop_ids=cursor.mark_ids)
            if top is None and marks:
                top = max(m for m, _ in marks)
                top_ids = [i for m, i in marks if m == top]
            end = reached or page.next is None
            advance = None
            if not self.failed:
                if end:
                    self._finish_walk(top, top_ids)
                else:
                    cursor.walk = {"top": top, "top_ids": top_ids, "resume": page.next}
                advance = _saver(self.account.id, cursor)
            yield items, advance
            if end:
                break
        return not self.failed

    def _finish_walk(self, top: str | None, top_ids: list[str]) -> None:
        cursor = self.cursor
        cursor.walk = None
        if top is None:
            return
        if cursor.mark is None or top > cursor.mark:
            cursor.mark, cursor.mark_ids = top, top_ids
        elif top == cursor.mark:
            cursor.mark_ids = sorted(set(cursor.mark_ids) | set(top_ids))

    def _oldest_first(self) -> Iterator[Batch]:
        cursor = self.cursor
        self.failed = 0
        for position, page in self._pages(cursor.resume or self.source.first(cursor.mark)):
            items, _, marks = self._read(page, self.source.describe(position))
            advance = None
            if not self.failed:
                if page.next is not None:
                    cursor.resume = page.next
                else:
                    last = next((r for r in reversed(page.records) if isinstance(r, dict)), None)
                    cursor.resume = self.source.resume_after(last, position) if last else position
                ids = [self._identify(r)[0] for r in page.records if isinstance(r, dict)]
                if page.next is None or ids:
                    cursor.seen_ids = ids
                if marks:
                    cursor.mark = max([m for m, _ in marks] + ([cursor.mark] if cursor.mark else []))
                advance = _saver(self.account.id, cursor)
            yield items, advance

    def _pages(self, position: Position | None) -> Iterator[tuple[Position, ApiPage]]:
        """The readable pages from ``position`` on, each with its position. An unreadable page is
        reported, counted in ``self.failed`` and skipped when the API names the page after it."""
        in_a_row = 0
        walked: set[str] = set()  # the record ids of this walk's pages so far
        while position is not None:
            page = self._fetch(position, walked)
            if page is None:
                self.failed += 1
                in_a_row += 1
                if in_a_row >= MAX_FAILED_PAGES:
                    self._give_up()
                    return
                position = self.source.after_failed(position)
                continue
            in_a_row = 0
            yield position, page
            position = page.next

    def _give_up(self) -> None:
        self.reporter.item_failed(self.account.name, f"{MAX_FAILED_PAGES} unreadable pages in a row; "
                                                     f"stopped here, the next sync asks for them again")


def _with_problems(draft: SubmissionDraft, problems: list[str]) -> SubmissionDraft:
    return replace(draft, problems=tuple(dict.fromkeys([*draft.problems, *problems])))


def _unreadable(plugin: str, problem: str) -> SubmissionDraft:
    return SubmissionDraft(
        message_id=None, subject=None, sent_at=None, submitted_at=None, body_text="", full_text="",
        body_html=None, fields={}, visitor_name=None, visitor_email=None, visitor_phone=None,
        visitor_company=None, topic=None, page_url=None, post_title=None, plugin=plugin,
        is_submission=True, not_submission_reason=None, is_spam=False, spam_reason=None,
        problems=(problem,))


def open_client(source: Source, token: str, *, cancel: CancelToken | None = None,
                **options: Any) -> ApiClient:
    return ApiClient(source.auth(token), what=source.what, account=source.account.name,
                     cancel=cancel, **options)


def sync_api_account(db: Database, account: AccountInfo, token: str, *,
                     reporter: Reporter | None = None, cancel: CancelToken | None = None,
                     **client_options: Any) -> ApiSyncResult:
    """One sync of a form-API account; refused while another process syncs it.

    ``client_options`` go to :class:`ApiClient` (timeouts, attempts, backoff), for tests and tools.
    """
    with account_lock(db, account.id, account.name):
        return sync_once(db, account, token, reporter=reporter, cancel=cancel, **client_options)


def sync_once(db: Database, account: AccountInfo, token: str, *,
              reporter: Reporter | None = None, cancel: CancelToken | None = None,
              **client_options: Any) -> ApiSyncResult:
    """One sync of a form-API account by a caller that already holds its sync lock (the worker)."""
    reporter = reporter or NullReporter()
    source = source_for(account)
    result = ApiSyncResult()
    with open_client(source, token, cancel=cancel, **client_options) as client:
        try:
            source.prepare(client)
            batches = _Run(source, client, load_cursor(db, account.id), reporter, result).batches()
            # The first page is asked for before the store begins, so that a rejected token or a
            # wrong form id is one error line, without a "0 added" summary before it.
            first = next(batches, None)
            stored = store_all(db, itertools.chain([first] if first else [], batches),
                               account_id=account.id,
                               what=f"sync {account.name}", reporter=reporter, cancel=cancel)
            result.merge(stored)
        finally:
            result.requests, result.retries = client.requests, client.retries
            if client.retries:
                log.info("%s: %d requests, %d retried", account.name, client.requests,
                         client.retries)
    return result


def sync_with_keyring(db: Database, account: AccountInfo, *, reporter: Reporter | None = None,
                      cancel: CancelToken | None = None) -> ApiSyncResult:
    """:func:`sync_api_account` with the token read from the keyring."""
    token = secrets.get_secret(account.secret_ref or secrets.secret_ref(account.name))
    return sync_api_account(db, account, token, reporter=reporter, cancel=cancel)


def check_connection(info: AccountInfo, token: str, **client_options: Any) -> None:
    """Fetch one page (after the form's labels where the preset needs them); raise an ApiError
    subclass naming the failure (DNS, refused, TLS, token rejected, form not found, unreadable)."""
    source = source_for(info)
    options = {"max_attempts": 2, **client_options}
    with open_client(source, token, **options) as client:
        source.prepare(client)
        source.fetch(client, source.first(None))
