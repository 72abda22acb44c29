""""Test connection" for every kind of account, and what a failed connection means.

IMAP and SMTP failures say which step broke (DNS, refused, TLS, authentication, timeout): the
socket and TLS part is shared (:mod:`leaddesk.net_errors`), the protocol part is in each source's
explainer; API sources are checked by ``leaddesk.ingest.api``. The secret is
read from the keyring by the caller and never appears in a message.
"""

from __future__ import annotations

from imapclient.exceptions import IMAPClientError

from leaddesk.accounts import AccountInfo
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import api, imap
from leaddesk.ingest.imap_deadline import deadline
from leaddesk.reply import smtp


def check_imap(info: AccountInfo, password: str) -> str:
    settings = info.imap
    client = imap.connect(settings, password)
    try:
        with deadline(client, settings, f"while opening the folder {settings.folder}",
                      then="logged in, but the folder was not opened: try again later"):
            selected = client.select_folder(settings.folder, readonly=True)
    except (OSError, IMAPClientError, EOFError) as exc:
        raise imap.ImapError(f"logged in to {settings.where}, but the folder "
                             f"{settings.folder!r} cannot be opened ({exc}); check --folder"
                             ) from None
    finally:
        imap.logout(client)
    count = int(selected.get(b"EXISTS", 0))
    return f"logged in to {settings.where} as {settings.user}; {settings.folder} holds {count:,} messages"


def check_smtp(info: AccountInfo, password: str) -> str:
    settings = info.smtp
    smtp.check(settings, password)
    return f"logged in to {settings.where} as {settings.user} ({settings.security})"


def check_connection(info: AccountInfo, secret: str) -> str:
    """Log in with ``secret``; returns one line saying what worked, or raises a LeadDeskError."""
    if info.kind == "imap":
        return check_imap(info, secret)
    if info.kind == "smtp":
        return check_smtp(info, secret)
    if info.kind == "api":
        api.check_connection(info, secret)
        return f"the {info.settings.get('preset', 'API')} source answered and accepted the token"
    raise LeadDeskError(f"{info.name} is a {info.kind} account: there is no connection to test")
