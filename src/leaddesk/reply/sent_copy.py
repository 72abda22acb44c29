"""A copy of each sent reply in the mailbox's Sent folder (IMAP APPEND), as a mail program does.

The folder is the account's ``sent_folder`` setting, else the one the server marks ``\\Sent``
(RFC 6154 SPECIAL-USE), else a folder with a usual name ("Sent", "Sent Items"…); a configured
folder that does not exist yet is created. The copy is flagged ``\\Seen`` and dated when it was sent.

The reply is sent before its copy is filed: every failure here (the mailbox unreachable, the login
refused, a server that stops answering, each command being under the IMAP deadline) is one
:class:`SentCopyError` line that starts by saying so, and the copy is never retried here (a
stalled APPEND may have been stored: a second one would be a duplicate in Sent).
"""

from __future__ import annotations

from datetime import datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import SENT

from leaddesk.account_settings import ImapSettings
from leaddesk.accounts import AccountInfo
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import imap
from leaddesk.ingest.imap_deadline import deadline


class SentCopyError(LeadDeskError):
    """Raised when the reply went out but its copy could not be stored in the Sent folder."""


# What the user does after a copy that was not filed: the reply itself is out.
_UNFILED = "do not send the reply again"
_PREFIX = "the reply was sent, but its copy was not filed in the Sent folder: "


def find_sent_folder(client: IMAPClient, settings: ImapSettings, configured: str | None) -> str:
    if configured:
        with deadline(client, settings, "while looking for the Sent folder", then=_UNFILED):
            if not client.folder_exists(configured):
                client.create_folder(configured)
        return configured
    with deadline(client, settings, "while looking for the Sent folder", then=_UNFILED):
        found = client.find_special_folder(SENT)
    if found:
        return str(found)
    raise SentCopyError(f"{_PREFIX}the mailbox has no Sent folder (none is marked \\Sent or "
                        f"named Sent); name one with `leaddesk accounts edit NAME --sent-folder "
                        f"FOLDER`")


def append_copy(mailbox: AccountInfo, password: str, raw: bytes, when: datetime,
                folder: str | None = None) -> str:
    """Store ``raw`` in the Sent folder of ``mailbox``; returns the folder's name."""
    settings = mailbox.imap
    try:
        client = imap.connect(settings, password)
    except imap.ImapError as exc:
        raise SentCopyError(f"{_PREFIX}{exc}") from None
    try:
        target = find_sent_folder(client, settings, folder)
        with deadline(client, settings, f"while storing it in {target}", size=len(raw),
                      then=f"it may be missing there; {_UNFILED}"):
            client.append(target, raw, flags=(b"\\Seen",), msg_time=when)
    except SentCopyError:
        raise
    except imap.ImapError as exc:
        raise SentCopyError(f"{_PREFIX}{exc}") from None
    except (OSError, IMAPClientError, EOFError) as exc:
        raise SentCopyError(f"{_PREFIX}{imap.explain(exc, settings)}") from None
    finally:
        # The copy is stored or the error raised already; a failing LOGOUT changes nothing.
        imap.logout(client)
    return target
