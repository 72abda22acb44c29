"""IMAP mailboxes as a source, with IMAPClient.

Incremental by UIDVALIDITY + UID: each batch of messages and the new "last UID" are stored in one
transaction, so an interrupted sync (cut connection, SIGKILL) resumes with no gap and no duplicate.
The folder is opened read-only and bodies are fetched with BODY.PEEK: LeadDesk never sets \\Seen
and never deletes on the server. A UIDVALIDITY change restarts from the first UID and relies on
the store's Message-ID dedup, so nothing is missed and nothing doubled; so does a UIDNEXT at or
below the last UID read (UIDs numbered again under the old UIDVALIDITY). After the folder, the
account's Sent folder is read (:mod:`leaddesk.ingest.sent_folder`), so replies sent from any
mail program join their leads. What a failure means is :mod:`leaddesk.ingest.imap_errors`; its
exceptions and :func:`explain` are named through this module too. Every command that moves mail
runs under a deadline sized to it (:mod:`leaddesk.ingest.imap_deadline`), so a server trickling
bytes ends the sync with one line instead of hanging it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import net_deadline
from leaddesk.account_settings import ImapSettings
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import SyncState
from leaddesk.db.types import utcnow
from leaddesk.ingest import labels
from leaddesk.ingest.imap_deadline import (
    HEADER_BYTES,
    SIZE_LINE_BYTES,
    UID_BYTES,
    WatchedClient,
    deadline,
    socket_of,
)
from leaddesk.ingest.imap_deadline import ImapStalledError as ImapStalledError
from leaddesk.ingest.imap_errors import SECURITY_HINT
from leaddesk.ingest.imap_errors import ImapError as ImapError
from leaddesk.ingest.imap_errors import ImapLoginError as ImapLoginError
from leaddesk.ingest.imap_errors import explain as explain
from leaddesk.ingest.labels import LabelBook
from leaddesk.ingest.locks import account_lock
from leaddesk.ingest.parallel import parse_chunks
from leaddesk.ingest.store import BatchResult, Incoming, merge_batches, store_all
from leaddesk.lines import login_password
from leaddesk.net_errors import server_words, tls_context
from leaddesk.progress import CancelToken, Reporter

log = logging.getLogger(__name__)
# imapclient logs the whole protocol at DEBUG (it redacts only our LOGIN line): message bodies,
# visitors' personal data, and a server's answer quoting the password back. Held at INFO,
# whatever level the root logger runs at.
logging.getLogger("imapclient").setLevel(logging.INFO)

# Messages per transaction (the command line's --batch-size): each transaction has a fixed cost,
# which at 200 was about a fifth of the store's time; fetched and parsed FETCH_SIZE at a time.
BATCH_SIZE = 1000
FETCH_SIZE = 200  # messages per FETCH and per parse chunk (the workers share the chunks out)
BATCH_BYTES = 4 * 1024 * 1024  # a FETCH holds about this much mail at most (one large message alone)
FETCH_AHEAD = 4  # FETCHes ahead of the one being parsed and stored
SIZE_QUERY = 2000  # UIDs per RFC822.SIZE FETCH
TIMEOUT_SECONDS = 30.0
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE before the server's 30-minute timeout


def connect(settings: ImapSettings, password: str) -> IMAPClient:
    step = "connect"
    try:
        # The constructor reads the greeting (after the TLS handshake, with ssl): a server that
        # accepts and then stays silent or creeps is cut like any command.
        with deadline(None, settings, "its greeting", then=_CHECK_PORT) as watchdog:
            implicit = settings.security == "ssl"
            context = watchdog.watch(tls_context(settings.ca_file, ImapError)) if implicit else None
            client = WatchedClient(watchdog, settings.host, port=settings.port, ssl=implicit,
                                   ssl_context=context, timeout=TIMEOUT_SECONDS)
        if settings.security == "starttls":
            with deadline(client, settings, "during STARTTLS", then=_LATER) as watchdog:
                client.starttls(watchdog.watch(tls_context(settings.ca_file, ImapError)))
        step = "login"
        with deadline(client, settings, "during the login", then=_LATER):
            _login(client, settings, password)
    except ImapError:
        raise
    except (OSError, IMAPClientError, EOFError) as exc:
        raise explain(exc, settings, step=step, password=password) from None
    return client


_LATER = "nothing was read; try again later"
_CHECK_PORT = f"nothing was read; check the port and --security ({SECURITY_HINT}), then try again"


def _login(client: IMAPClient, settings: ImapSettings, password: str) -> None:
    """LOGIN, or SASL PLAIN for a user name or password beyond ASCII: imaplib sends LOGIN's
    arguments as ASCII only (it raised UnicodeEncodeError), SASL PLAIN carries UTF-8.

    A password stored with a line break after it (by a tool that kept the Enter) logs in
    without it; one with a line break or a NUL inside is refused before it is sent: imaplib
    would send it as is, the server would read the rest as a command of its own, and the
    refusal would read as a wrong password."""
    sent = login_password(password)
    if sent is None:
        raise ImapLoginError(f"the password for {settings.user} on {settings.where} holds a "
                             f"line break or a NUL character, which no password sent over IMAP "
                             f"can hold: it was probably stored with one; set it again with "
                             f"`leaddesk accounts edit NAME --password-stdin`")
    password = sent
    if (settings.user + password).isascii():
        client.login(settings.user, password)
    elif b"AUTH=PLAIN" in client.capabilities():
        client.plain_login(settings.user, password)
    else:
        raise ImapLoginError(f"the IMAP server {settings.where} cannot take a user name or "
                             f"password with letters beyond ASCII (it offers no AUTH=PLAIN); ask "
                             f"its administrator, or use an ASCII password")


@dataclass
class FolderPlan:
    uidvalidity: int
    uids: list[int]
    reset: bool  # UIDVALIDITY changed since the last sync, or the UIDs were numbered again
    renumberings: int = 0  # times the UIDs were numbered again under this UIDVALIDITY

    def key(self, account_id: int, folder: str, uid: int) -> str:
        """A message's source key. Once UIDs were numbered again under the same UIDVALIDITY, a
        reused UID names another message: the key says which numbering it belongs to."""
        numbering = f"{self.uidvalidity}+{self.renumberings}" if self.renumberings \
            else str(self.uidvalidity)
        return f"imap:{account_id}:{folder}:{numbering}:{uid}"


def _state(session: Session, account_id: int, folder: str) -> SyncState:
    state = session.execute(select(SyncState).where(
        SyncState.account_id == account_id, SyncState.folder == folder)).scalar()
    if state is None:
        state = SyncState(account_id=account_id, folder=folder)
        session.add(state)
        session.flush()
    return state


def open_folder(client: IMAPClient, account: AccountInfo, settings: ImapSettings) -> Any:
    """Open the account's folder read-only; a folder renamed or deleted on the server is named
    with what to do (the server's own words end up after it)."""
    try:
        with deadline(client, settings, f"while opening the folder {settings.folder}"):
            return client.select_folder(settings.folder, readonly=True)
    except IMAPClientAbortError:
        raise
    except IMAPClientError as exc:
        # Dovecot appends its timings, "(0.001 + 0.000 secs).": noise to a user.
        said = server_words(re.sub(r"\s*\([\d.+ ]+secs\)\.?$", "",
                                   str(exc).removeprefix("select failed: ")))
        raise ImapError(f"the folder {settings.folder} cannot be opened on {settings.where} "
                        f"({said}): it may have been renamed or deleted; name the folder with "
                        f"`leaddesk accounts edit {account.name} --folder FOLDER`. Nothing stored "
                        f"was lost") from None


def plan_folder(db: Database, client: IMAPClient, account: AccountInfo,
                settings: ImapSettings) -> FolderPlan:
    info = open_folder(client, account, settings)
    try:
        uidvalidity = int(info[b"UIDVALIDITY"])
    except (KeyError, TypeError, ValueError):
        # Without it a renumbered folder cannot be told apart: new mail under old UIDs would be
        # skipped for good. Nothing is read rather than something lost.
        raise ImapError(f"the IMAP server {settings.where} did not say the UIDVALIDITY of "
                        f"{settings.folder}, which LeadDesk needs to know which messages it has "
                        f"read; nothing was read. Ask the server's administrator") from None

    uidnext = info.get(b"UIDNEXT")

    def read_state() -> tuple[bool, int, bool, int]:  # a write: a first sync adds the state
        with db.session() as session:
            state = _state(session, account.id, settings.folder)
            changed = state.uidvalidity is not None and state.uidvalidity != uidvalidity
            count = 0 if changed else _renumberings(state.cursor)
            if not changed and renumbered(uidnext, state.last_uid):
                count, changed = _numbered_again(state), True
            last_uid = 0 if changed or state.uidvalidity is None else int(state.last_uid or 0)
            return changed, last_uid, state.uidvalidity is None, count

    reset, last_uid, first_sync, renumberings = db.write(read_state)
    if last_uid and _last_read_moved(db, client, settings, last_uid, FolderPlan(
            uidvalidity, [], False, renumberings).key(account.id, settings.folder, last_uid)):
        def again() -> int:
            with db.session() as session:
                return _numbered_again(_state(session, account.id, settings.folder))

        renumberings, reset, last_uid = db.write(again), True, 0
    if reset:
        log.warning("the UIDs of %s were numbered again (UIDVALIDITY %s, UIDNEXT %s); re-reading "
                    "the folder, matching on Message-ID", settings.folder, uidvalidity, uidnext)
    criteria: list[Any] = ["UID", f"{last_uid + 1}:*"]
    if settings.since and (first_sync or reset):
        criteria += ["SINCE", settings.since]
    # "n:*" always matches the highest UID, even below n: keep only the new ones.
    exists = info.get(b"EXISTS")
    with deadline(client, settings, f"while searching the folder {settings.folder}",
                  size=UID_BYTES * exists if isinstance(exists, int) else 0):
        found = client.search(criteria)
    uids = sorted(uid for uid in found if uid > last_uid)
    return FolderPlan(uidvalidity=uidvalidity, uids=uids, reset=reset, renumberings=renumberings)


_MESSAGE_ID_FETCH = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"


def renumbered(uidnext: Any, last_uid: int | None) -> bool:
    """Whether a folder's UIDs were numbered again under an unchanged UIDVALIDITY: its UIDNEXT
    is at or below a UID already read, which a server keeping RFC 3501 never shows (a mailbox
    restored from a backup or moved by a migration tool does). Reading on from the old last UID
    would skip every new message under a reused UID for good."""
    return isinstance(uidnext, int) and last_uid is not None and 0 < uidnext <= last_uid


def _numbered_again(state: SyncState) -> int:
    """Count one more numbering of the folder's UIDs and read it from the first UID; written at
    once, so that a sync cut before its first batch does not count it twice."""
    count = _renumberings(state.cursor) + 1
    state.cursor, state.last_uid = str(count), 0
    return count


def _last_read_moved(db: Database, client: IMAPClient, settings: ImapSettings, last_uid: int,
                     key: str) -> bool:
    """Whether the message now at the last UID read is another than the one stored under it:
    the UIDs were numbered again and more mail came in since than the folder held before, so
    UIDNEXT alone does not show it. No verdict (False) where either side has no Message-ID,
    the message is gone from the server, or nothing was stored under that key (a Sent message
    no lead needed): the cost of a wrong "yes" is the whole folder read again."""
    from leaddesk.db.models import Message, Submission
    from leaddesk.ingest.parse.headers import message_id  # the store's reading of the header

    with db.session() as session:
        stored = session.execute(select(Submission.message_id)
                                 .where(Submission.source_key == key)).scalar()
        if stored is None:
            stored = session.execute(select(Message.message_id)
                                     .where(Message.source_key == key)).scalar()
    if not stored:
        return False
    with deadline(client, settings, "while checking the last message read",
                  size=HEADER_BYTES):
        fetched = client.fetch([last_uid], [_MESSAGE_ID_FETCH])
    data = fetched.get(last_uid) or {}
    block = next((bytes(v) for k, v in data.items()
                  if isinstance(k, bytes) and k.startswith(b"BODY[HEADER")), b"")
    value = " ".join(block.decode("latin-1").partition(":")[2].split())
    found = message_id(value) if value else None
    # Longer than the one stored: the column clipped it (998 characters); no verdict then.
    return found is not None and len(found) <= len(stored) and found != stored


def _renumberings(cursor: str | None) -> int:
    """How often the folder's UIDs were numbered again under its UIDVALIDITY (an IMAP folder's
    SyncState.cursor)."""
    return int(cursor) if cursor and cursor.isdigit() else 0


def advance(account_id: int, folder: str, uidvalidity: int, last_uid: int
            ) -> Callable[[Session], None]:
    """The state update that goes into the transaction of the batch ending at ``last_uid``."""
    def move(session: Session) -> None:
        state = _state(session, account_id, folder)
        if state.uidvalidity != uidvalidity:
            state.cursor = None  # a new UIDVALIDITY starts a new numbering
        state.uidvalidity = uidvalidity
        state.last_uid = last_uid
        state.synced_at = utcnow()
    return move


def _batches(client: IMAPClient, account: AccountInfo, settings: ImapSettings, plan: FolderPlan,
             batch_size: int, site_addresses: Sequence[str], book: LabelBook
             ) -> Iterator[tuple[Sequence[Incoming], Callable[[Session], Any] | None]]:
    if not plan.uids:
        # Nothing new, but remember the UIDVALIDITY (a first sync of an empty folder, a reset).
        yield [], advance(account.id, settings.folder, plan.uidvalidity, 0) if plan.reset else None
        return
    with _Fetcher(client, account, settings, plan, min(batch_size, FETCH_SIZE)) as fetched:
        # Each FETCH's state update names its last UID, which covers the FETCHes before it: a
        # transaction of several takes the last one's (merge_batches).
        yield from merge_batches(_parsed(fetched, account, settings, plan, site_addresses, book),
                                 most=batch_size)


def _parsed(fetched: Iterator[tuple[Fetched, list[bytes]]], account: AccountInfo,
            settings: ImapSettings, plan: FolderPlan, site_addresses: Sequence[str], book: LabelBook
            ) -> Iterator[tuple[Sequence[Incoming], Callable[[Session], Any] | None]]:
    for (keys, last_uid), drafts in parse_chunks(fetched, site_addresses=site_addresses,
                                                 total=len(plan.uids), book=book):
        items = [Incoming(key, raw, draft, received)
                 for (key, raw, received), draft in zip(keys, drafts, strict=True)]
        yield items, advance(account.id, settings.folder, plan.uidvalidity, last_uid)


Fetched = tuple[list[tuple[str, bytes, datetime | None]], int]


def plan_batches(uids: Sequence[int], sizes: dict[int, int], batch_size: int,
                 batch_bytes: int = BATCH_BYTES) -> list[list[int]]:
    """UIDs cut into batches of at most ``batch_size`` messages and about ``batch_bytes`` bytes
    (a message larger than that alone makes a batch), so a folder of large mail never holds
    hundreds of megabytes at once. A UID without a size (expunged meanwhile) counts as empty."""
    batches: list[list[int]] = []
    batch: list[int] = []
    held = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (len(batch) >= batch_size or held + size > batch_bytes):
            batches.append(batch)
            batch, held = [], 0
        batch.append(uid)
        held += size
    if batch:
        batches.append(batch)
    return batches


def _sizes(client: IMAPClient, settings: ImapSettings, uids: Sequence[int]) -> dict[int, int]:
    """RFC822.SIZE of each UID, asked in one FETCH per 2,000 UIDs (a command line of at most
    16 kB: servers refuse longer ones, Dovecot at 64 kB)."""
    sizes: dict[int, int] = {}
    for start in range(0, len(uids), SIZE_QUERY):
        chunk = uids[start:start + SIZE_QUERY]
        with deadline(client, settings, "while listing the sizes of new messages",
                      size=SIZE_LINE_BYTES * len(chunk)):
            answer = client.fetch(chunk, ["RFC822.SIZE"])
        for uid, data in answer.items():
            size = data.get(b"RFC822.SIZE")
            if isinstance(size, int):
                sizes[uid] = size
    return sizes


class _Fetcher:
    """Fetches the planned batches on a thread of its own, a few batches ahead of the consumer.

    The network and the server's work overlap with parsing and storing: while one batch is being
    stored, the next ones are already on their way. Iterating yields what :func:`_fetch_batch`
    gives, in order; an error of the fetch thread (already explained) is raised in the consumer at
    the batch it stopped. Leaving the ``with`` block stops the thread and waits for it, so the
    connection is free again (for the Sent folder, IDLE or logout) when the block is left.
    """

    def __init__(self, client: IMAPClient, account: AccountInfo, settings: ImapSettings,
                 plan: FolderPlan, batch_size: int) -> None:
        self.client, self.account, self.settings, self.plan = client, account, settings, plan
        self.batch_size = batch_size
        self.queue: queue.Queue[tuple[Fetched, list[bytes]] | BaseException | None] = \
            queue.Queue(maxsize=FETCH_AHEAD)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="imap-fetch", daemon=True)

    def __enter__(self) -> Iterator[tuple[Fetched, list[bytes]]]:
        self.thread.start()
        return self._drain()

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        while self.thread.is_alive():  # unblock a put() waiting for room, then let it see stop
            with contextlib.suppress(queue.Empty):
                self.queue.get(timeout=0.05)
        self.thread.join()

    def _put(self, item: tuple[Fetched, list[bytes]] | BaseException | None) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            try:
                sizes = _sizes(self.client, self.settings, self.plan.uids)
                batches = plan_batches(self.plan.uids, sizes, self.batch_size, BATCH_BYTES)
            except (OSError, IMAPClientError, EOFError) as exc:
                raise explain(exc, self.settings) from None
            for chunk in batches:
                size = sum(sizes.get(uid, 0) for uid in chunk)
                if self.stop.is_set() or not self._put(_fetch_batch(
                        self.client, self.account, self.settings, self.plan, chunk, size)):
                    return
            self._put(None)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def _drain(self) -> Iterator[tuple[Fetched, list[bytes]]]:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item


def _fetch_batch(client: IMAPClient, account: AccountInfo, settings: ImapSettings,
                 plan: FolderPlan, chunk: list[int], size: int = 0) -> tuple[Fetched, list[bytes]]:
    """(key, raw, INTERNALDATE) of the batch's messages with its last UID, and the raw bytes;
    ``size`` (the batch's bytes by RFC822.SIZE) sizes the FETCH's deadline."""
    try:
        with deadline(client, settings, "in the middle of a message batch",
                      size=size + SIZE_LINE_BYTES * len(chunk)):
            fetched = client.fetch(chunk, ["BODY.PEEK[]", "INTERNALDATE"])
    except (OSError, IMAPClientError, EOFError) as exc:
        raise explain(exc, settings) from None
    found = []
    for uid in chunk:
        data = fetched.get(uid)
        if data is None:  # expunged between SEARCH and FETCH
            continue
        internal = data.get(b"INTERNALDATE")
        found.append((plan.key(account.id, settings.folder, uid),
                      _body(data, uid, settings),
                      aware(internal) if isinstance(internal, datetime) else None))
    return (found, chunk[-1]), [raw for _, raw, _ in found]


def _body(data: dict[bytes, Any], uid: int, settings: ImapSettings) -> bytes:
    """The message's bytes; a body the server answered as NIL, or left out, is kept as an empty
    message (stored and flagged "the message is empty", so a person sees it) rather than crash
    the sync or skip the UID without a trace."""
    body = data.get(b"BODY[]")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    log.warning("the IMAP server sent no content for UID %s in %s; kept as an empty message",
                uid, settings.folder)
    return b""


def with_mailbox(site_addresses: Sequence[str], settings: ImapSettings) -> list[str]:
    """The site's addresses plus the mailbox's own, none of which is ever the visitor."""
    # The mailbox's own address sends and receives the notifications: it is never the visitor.
    own = [settings.user] if "@" in settings.user else []
    return [*site_addresses, *own]


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def sync_once(db: Database, client: IMAPClient, account: AccountInfo, settings: ImapSettings, *,
              batch_size: int = BATCH_SIZE, site_addresses: Sequence[str] = (),
              reporter: Reporter | None = None, cancel: CancelToken | None = None,
              sent: bool = True) -> BatchResult:
    """Read the folder's new mail, then (unless ``sent`` is False or the account says so) the
    Sent folder's; the folder is selected again at the end, ready for IDLE."""
    from leaddesk.ingest import sent_folder  # it builds on this module's connection helpers

    try:
        plan = plan_folder(db, client, account, settings)
    except (OSError, IMAPClientError, EOFError) as exc:
        raise explain(exc, settings) from None
    with db.session() as session:
        book = labels.load(session)  # read per sync: a label taught meanwhile applies at once
    result = store_all(db, _batches(client, account, settings, plan, batch_size, site_addresses,
                                    book),
                       account_id=account.id, what=f"sync {account.name}", total=len(plan.uids),
                       reporter=reporter, cancel=cancel)
    if sent and sent_folder.enabled(account):
        try:
            folder = sent_folder.find_folder(client, account, settings)
            if folder is not None and folder != settings.folder:
                result.merge(sent_folder.sync_sent(db, client, account, settings, folder,
                                                   batch_size=min(batch_size, FETCH_SIZE),
                                                   reporter=reporter,
                                                   cancel=cancel))
            open_folder(client, account, settings)
        except (OSError, IMAPClientError, EOFError) as exc:
            raise explain(exc, settings) from None
    return result


def sync_account(db: Database, account: AccountInfo, password: str, *,
                 batch_size: int = BATCH_SIZE, site_addresses: Sequence[str] = (),
                 reporter: Reporter | None = None, cancel: CancelToken | None = None,
                 sent: bool = True) -> BatchResult:
    """One sync of an IMAP account: refused if another process is syncing it right now."""
    settings = account.imap
    site_addresses = with_mailbox(site_addresses, settings)
    with account_lock(db, account.id, account.name):
        client = connect(settings, password)
        try:
            return sync_once(db, client, account, settings, batch_size=batch_size,
                             site_addresses=site_addresses, reporter=reporter, cancel=cancel,
                             sent=sent)
        finally:
            logout(client)


def logout(client: IMAPClient) -> None:
    """Log out, quietly: the connection may be gone already."""
    # The connection may be gone already; there is nothing left to tidy then. A server trickling
    # its goodbye is cut at the floor deadline: the sync's work is done by then.
    with contextlib.suppress(OSError, IMAPClientError, EOFError), \
            net_deadline.Deadline(net_deadline.allowed(), lambda: socket_of(client)):
        client.logout()


def announces_mail(response: Any) -> bool:
    """Whether an IDLE response says new mail arrived."""
    # Untagged IDLE responses look like (2, b"EXISTS"); others are (b"OK", ...) and the like.
    return isinstance(response, tuple) and len(response) > 1 and response[1] in (b"EXISTS",
                                                                                 b"RECENT")
