""""Test connection" for every kind of account: log in and name the exact failure.

IMAP and SMTP failures say which step broke (DNS, refused, TLS, authentication, timeout) through
the sources' own explainers; API sources are checked by ``leaddesk.ingest.api``. The secret is read
from the keyring by the caller and never appears in a message.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from typing import Any, cast

from imapclient.exceptions import IMAPClientError

from leaddesk.accounts import AccountInfo
from leaddesk.errors import LeadDeskError, NotYetAvailableError

ApiCheck = Callable[[AccountInfo, str], None]


def check_imap(info: AccountInfo, password: str) -> str:
    from leaddesk.ingest import imap

    settings = imap.ImapSettings.from_account(info)
    client = imap.connect(settings, password)
    try:
        try:
            selected = client.select_folder(settings.folder, readonly=True)
        except (OSError, IMAPClientError, EOFError) as exc:
            raise imap.ImapError(f"logged in to {settings.where}, but the folder "
                                 f"{settings.folder!r} cannot be opened ({exc}); check --folder"
                                 ) from None
    finally:
        with contextlib.suppress(OSError, IMAPClientError, EOFError):
            client.logout()
    count = int(selected.get(b"EXISTS", 0))
    return f"logged in to {settings.where} as {settings.user}; {settings.folder} holds {count:,} messages"


def check_smtp(info: AccountInfo, password: str) -> str:
    from leaddesk.reply import smtp

    settings = smtp.SmtpSettings.from_account(info)
    smtp.check(settings, password)
    return f"logged in to {settings.where} as {settings.user} ({settings.security})"


def _api_check() -> ApiCheck:
    try:
        module: Any = importlib.import_module("leaddesk.ingest.api")
    except ImportError:
        module = None
    function = getattr(module, "check_connection", None)
    if function is None:
        raise NotYetAvailableError("testing API sources is not in this release yet")
    return cast(ApiCheck, function)


def check_connection(info: AccountInfo, secret: str) -> str:
    """Log in with ``secret``; returns one line saying what worked, or raises a LeadDeskError."""
    if info.kind == "imap":
        return check_imap(info, secret)
    if info.kind == "smtp":
        return check_smtp(info, secret)
    if info.kind == "api":
        _api_check()(info, secret)
        return f"the {info.settings.get('preset', 'API')} source answered and accepted the token"
    raise LeadDeskError(f"{info.name} is a {info.kind} account: there is no connection to test")
