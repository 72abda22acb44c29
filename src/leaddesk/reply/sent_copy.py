"""A copy of each sent reply in the mailbox's Sent folder (IMAP APPEND), as a mail program does.

The folder is the account's ``sent_folder`` setting, else the one the server marks ``\\Sent``
(RFC 6154 SPECIAL-USE), else a folder with a usual name ("Sent", "Sent Items"…); a configured
folder that does not exist yet is created. The copy is flagged ``\\Seen`` and dated when it was sent.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import SENT

from leaddesk.accounts import AccountInfo
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import imap


class SentCopyError(LeadDeskError):
    """Raised when the reply went out but its copy could not be stored in the Sent folder."""


def find_sent_folder(client: IMAPClient, configured: str | None) -> str:
    if configured:
        if not client.folder_exists(configured):
            client.create_folder(configured)
        return configured
    found = client.find_special_folder(SENT)
    if found:
        return str(found)
    raise SentCopyError("the mailbox has no Sent folder (none is marked \\Sent or named Sent); "
                        "name one with `leaddesk accounts edit NAME --sent-folder FOLDER`")


def append_copy(mailbox: AccountInfo, password: str, raw: bytes, when: datetime,
                folder: str | None = None) -> str:
    """Store ``raw`` in the Sent folder of ``mailbox``; returns the folder's name."""
    settings = mailbox.imap
    client = imap.connect(settings, password)
    try:
        target = find_sent_folder(client, folder)
        client.append(target, raw, flags=(b"\\Seen",), msg_time=when)
    except (OSError, IMAPClientError, EOFError) as exc:
        raise SentCopyError(f"the reply was sent, but its copy did not reach the Sent folder: "
                            f"{imap.explain(exc, settings)}") from None
    finally:
        # The copy is stored or the error raised already; a failing LOGOUT changes nothing.
        with contextlib.suppress(OSError, IMAPClientError, EOFError):
            client.logout()
    return target
