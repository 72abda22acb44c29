"""Syncing every account the window or the CLI syncs: which accounts, and one pass over them.

:func:`sync_targets` names the accounts a sync covers (one by name, or every enabled IMAP mailbox
and form API); :func:`sync_every_account` runs one pass over them with the secret from the
keyring, reporting through the core's Reporter. An account that fails (a refused login, a
rejected token) is noted in the outcome and the next account still syncs; so does one that meets
a bug, logged with its traceback (the secret blanked out) and reported in one line.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from leaddesk import accounts, secrets
from leaddesk.accounts import AccountInfo
from leaddesk.changes import CREATED, Change, Kind
from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import api, imap
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken, Reporter

log = logging.getLogger(__name__)

SYNCED_KINDS = ("imap", "api")


@dataclass
class SyncOutcome:
    added: int = 0
    added_ids: list[int] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # who answered (leaddesk.conversations)
    threaded: int = 0  # e-mails that joined conversations (answers, colleagues' replies)
    errors: list[tuple[str, str]] = field(default_factory=list)  # account, message
    accounts: int = 0

    @property
    def changes(self) -> list[Change]:
        """The new leads, as the change record the window refreshes by."""
        changes = [Change.of(Kind.SUBMISSION, self.added_ids, {CREATED})] if self.added_ids else []
        if self.threaded:  # answers and replies joined leads (ids not reported): reopened, unread
            changes.append(Change.of(Kind.SUBMISSION, None, {"answers", "replies", "unread", "status"}))
        return changes


def sync_targets(session: Session, name: str | None = None) -> list[AccountInfo]:
    """The account called ``name``, or every enabled account that is synced."""
    if name:
        account = accounts.get_account(session, name)
        if account.kind not in SYNCED_KINDS:
            raise LeadDeskError(f"{name} is an {account.kind} account: only IMAP mailboxes and "
                                f"form APIs are synced")
        return [account]
    return [a for a in accounts.list_accounts(session) if a.enabled and a.kind in SYNCED_KINDS]


def sync_every_account(db: Database, reporter: Reporter, cancel: CancelToken) -> SyncOutcome:
    """One pass over every enabled IMAP and API account (blocking: run it in a worker)."""
    outcome = SyncOutcome()
    with db.session() as session:
        targets = sync_targets(session)
    outcome.accounts = len(targets)
    for account in targets:
        if cancel.cancelled:
            break
        secret = ""
        try:
            secret = secrets.get_secret(account.secret_ref or secrets.secret_ref(account.name))
            if account.kind == "api":
                result: BatchResult = api.sync_api_account(db, account, secret,
                                                           reporter=reporter, cancel=cancel)
            else:
                result = imap.sync_account(db, account, secret, reporter=reporter, cancel=cancel)
            outcome.added += result.added
            outcome.added_ids.extend(result.added_ids)
            outcome.answers.extend(a.who for a in result.answers)
            outcome.threaded += result.threaded
        except LeadDeskError as exc:
            log.info("sync of %s failed: %s", account.name, exc)
            outcome.errors.append((account.name, str(exc)))
        except Exception as exc:  # a bug met by one account's data: the others still sync
            _unexpected(outcome, account, exc, secret)
    return outcome


def _unexpected(outcome: SyncOutcome, account: AccountInfo, exc: Exception, secret: str) -> None:
    """Log an unexpected failure with its traceback (the secret blanked out: an exception's
    text may quote anything) and report it in one line naming only its kind."""
    detail = "".join(traceback.format_exception(exc))
    if secret:
        detail = detail.replace(secret, "•••")
    log.error("sync of %s failed unexpectedly:\n%s", account.name, detail)
    outcome.errors.append((account.name, f"an unexpected error ({type(exc).__name__}) stopped "
                                         f"this account's sync; what it stored is kept, the "
                                         f"other accounts were synced. The details are in the "
                                         f"log: please report them"))
