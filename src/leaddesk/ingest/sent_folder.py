"""An IMAP account's Sent folder as a source of the team's replies sent from any mail program.

The folder is the account's ``sent_folder`` setting, else the one marked ``\\Sent`` (RFC 6154),
else one named Sent / Sent Items / Sent Messages; ``sent_sync = false`` turns the reading off.
It has its own UIDVALIDITY + UID state (a ``sync_states`` row of its own), advanced in the same
transaction as the messages each batch adds, so an interrupted sync resumes with no gap and no
duplicate, exactly like INBOX.

Only headers are fetched first (``BODY.PEEK[HEADER.FIELDS (…)]``): most of a Sent folder is
unrelated mail. A body is fetched only for a message that threads into a lead (its
In-Reply-To/References name the lead's mail) or is addressed to a lead's visitor. LeadDesk's own
replies, appended to Sent when they were sent, are recognised by their Message-ID and skipped
without a body fetch. Each command runs under the same deadline as INBOX's
(:mod:`leaddesk.ingest.imap_deadline`): the header FETCH also asks each message's RFC822.SIZE, so
the body FETCH's deadline is sized to the bodies it brings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import SENT

from leaddesk.account_settings import ImapSettings
from leaddesk.accounts import AccountInfo
from leaddesk.conversations import headers, threads
from leaddesk.conversations.headers import MailHeaders
from leaddesk.conversations.record import Added, NewMessage, add_messages
from leaddesk.db import Database
from leaddesk.ingest import imap
from leaddesk.ingest.imap_deadline import HEADER_BYTES, deadline
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken, NullReporter, Reporter

log = logging.getLogger(__name__)

HEADER_FETCH = f"BODY.PEEK[HEADER.FIELDS ({' '.join(headers.FIELDS)})]"


def enabled(account: AccountInfo) -> bool:
    return account.settings.get("sent_sync", True) is not False


def find_folder(client: IMAPClient, account: AccountInfo, settings: ImapSettings) -> str | None:
    """The folder to read, or None when the mailbox has none (then there is nothing to read)."""
    configured = account.settings.get("sent_folder")
    if configured:
        with deadline(client, settings, "while listing its folders"):
            exists = client.folder_exists(configured)
        if not exists:
            raise imap.ImapError(
                f"the Sent folder {configured!r} does not exist on {settings.where}; name another "
                f"with `leaddesk accounts edit {account.name} --sent-folder FOLDER` or turn the "
                f"Sent sync off with --no-sent-sync")
        return str(configured)
    with deadline(client, settings, "while listing its folders"):
        found = client.find_special_folder(SENT)
    return str(found) if found else None


def _header_block(data: dict[bytes, object]) -> bytes:
    for key, value in data.items():
        if key.startswith(b"BODY[HEADER") and isinstance(value, bytes | bytearray):
            return bytes(value)
    return b""


def _size(data: dict[bytes, object]) -> int:
    size = data.get(b"RFC822.SIZE")
    return size if isinstance(size, int) else 0


def _pick(db: Database, mails: Sequence[tuple[int, MailHeaders]]) -> tuple[list[tuple[int, int]], int]:
    """(uid, lead) of the mails that belong to a lead and are not stored yet, and how many are
    stored already (LeadDesk's own replies, mail met in INBOX)."""
    with db.session() as session:
        known = threads.load(session, [mail for _, mail in mails])
        fresh = [(uid, mail) for uid, mail in mails if mail.message_id not in known.lead_of]
        picked: dict[int, int] = {}
        unmatched: list[tuple[int, MailHeaders]] = []
        for uid, mail in fresh:
            lead = known.lead_for(mail)
            if lead is not None:
                picked[uid] = lead
            elif not known.names_erased(mail):
                unmatched.append((uid, mail))
        found = threads.by_recipient(session, [mail for _, mail in unmatched])
        picked.update({unmatched[i][0]: lead for i, lead in found.items()})
    return sorted(picked.items()), len(mails) - len(fresh)


def sync_sent(db: Database, client: IMAPClient, account: AccountInfo,
              settings: ImapSettings, folder: str, *, batch_size: int = imap.FETCH_SIZE,
              reporter: Reporter | None = None, cancel: CancelToken | None = None) -> BatchResult:
    """Read the Sent folder's new messages; those that belong to leads join them as outbound."""
    reporter = reporter or NullReporter()
    cancel = cancel or CancelToken()
    sent = replace(settings, folder=folder)
    result = BatchResult()
    try:
        plan = imap.plan_folder(db, client, account, sent)
    except (OSError, IMAPClientError, EOFError) as exc:
        raise imap.explain(exc, settings) from None
    reporter.started(f"sent {account.name}", len(plan.uids))
    try:
        if not plan.uids:
            if plan.reset:  # remember the new UIDVALIDITY even when the folder is empty
                db.write(lambda: _advance(db, account, folder, plan.uidvalidity))
            return result
        for start in range(0, len(plan.uids), batch_size):
            cancel.raise_if_cancelled()
            chunk = plan.uids[start:start + batch_size]
            _batch(db, client, account, sent, plan, chunk, result)
            reporter.progress(start + len(chunk), len(plan.uids))
    except (OSError, IMAPClientError, EOFError) as exc:
        raise imap.explain(exc, settings) from None
    finally:
        reporter.finished(f"sent {account.name}: {result.threaded} joined conversations, "
                          f"{result.duplicates} already there")
    return result


def _advance(db: Database, account: AccountInfo, folder: str, uidvalidity: int) -> None:
    with db.session() as session:
        imap.advance(account.id, folder, uidvalidity, 0)(session)


def _batch(db: Database, client: IMAPClient, account: AccountInfo, sent: ImapSettings,
           plan: imap.FolderPlan, chunk: list[int], result: BatchResult) -> None:
    folder = sent.folder
    with deadline(client, sent, "in the middle of the Sent folder's headers",
                  size=HEADER_BYTES * len(chunk)):
        fetched = client.fetch(chunk, [HEADER_FETCH, "RFC822.SIZE"])
    mails = [(uid, headers.read(_header_block(fetched[uid]))) for uid in chunk
             if uid in fetched]  # a message expunged between SEARCH and FETCH is gone
    picked, stored = _pick(db, mails)
    size = sum(_size(fetched[uid]) for uid, _ in picked)
    with deadline(client, sent, "in the middle of a message batch of the Sent folder",
                  size=size + HEADER_BYTES * len(picked)):
        bodies = client.fetch([uid for uid, _ in picked], ["BODY.PEEK[]", "INTERNALDATE"]) \
            if picked else {}
    new: list[NewMessage] = []
    for uid, lead in picked:
        data = bodies.get(uid)
        if data is None:
            continue
        raw = bytes(data[b"BODY[]"])
        internal = data.get(b"INTERNALDATE")
        new.append(NewMessage(
            submission_id=lead, direction="out", headers=headers.read(raw),
            text=parse_message(raw).full_text, raw=raw, account_id=account.id,
            source_key=plan.key(account.id, folder, uid),
            received_at=imap.aware(internal) if isinstance(internal, datetime) else None))
    # The messages and the folder's new position in one transaction.
    def write() -> Added:
        with db.session() as session:
            known = threads.load(session, [m.headers for m in new])
            added = add_messages(session, new, known)
            imap.advance(account.id, folder, plan.uidvalidity, chunk[-1])(session)
            return added

    added = db.write(write)
    result.threaded += added.added
    result.duplicates += added.duplicates + stored
    log.debug("sent %s: %d headers, %d picked, %d added", folder, len(mails), len(picked),
              added.added)
