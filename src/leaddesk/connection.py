""""Test connection" for every kind of account, and what a failed connection means.

IMAP and SMTP failures say which step broke (DNS, refused, TLS, authentication, timeout): the
socket and TLS part is shared here (:func:`reach_failure`, :func:`tls_context`), the protocol part
is in each source's explainer; API sources are checked by ``leaddesk.ingest.api``. The secret is
read from the keyring by the caller and never appears in a message.
"""

from __future__ import annotations

import socket
import ssl

from imapclient.exceptions import IMAPClientError

from leaddesk.accounts import AccountInfo
from leaddesk.errors import LeadDeskError


def tls_context(ca_file: str | None, error: type[LeadDeskError]) -> ssl.SSLContext:
    """A verifying TLS context; a private CA is given as a file, never switched off."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise error(f"cannot read the CA file {ca_file}: {exc}") from None


def reach_failure(exc: BaseException, *, service: str, host: str, port: int,
                  security_hint: str) -> str | None:
    """The message for a failure to find, reach or secure the server (DNS, refused, untrusted
    certificate, TLS), or None when ``exc`` is none of those."""
    where = f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the {service} server {host} (DNS lookup failed); check the host name"
    if isinstance(exc, ConnectionRefusedError):
        return (f"the {service} server {where} refused the connection; check the host, the port "
                f"and that the server is running")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the certificate of {where} is not trusted ({exc.verify_message}); if the server "
                f"uses its own CA, give it with --ca-file")
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed ({exc.reason or exc}); check --security ({security_hint})"
    return None


def check_imap(info: AccountInfo, password: str) -> str:
    from leaddesk.ingest import imap

    settings = imap.ImapSettings.from_account(info)
    client = imap.connect(settings, password)
    try:
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
    from leaddesk.reply import smtp

    settings = smtp.SmtpSettings.from_account(info)
    smtp.check(settings, password)
    return f"logged in to {settings.where} as {settings.user} ({settings.security})"


def check_connection(info: AccountInfo, secret: str) -> str:
    """Log in with ``secret``; returns one line saying what worked, or raises a LeadDeskError."""
    if info.kind == "imap":
        return check_imap(info, secret)
    if info.kind == "smtp":
        return check_smtp(info, secret)
    if info.kind == "api":
        from leaddesk.ingest import api

        api.check_connection(info, secret)
        return f"the {info.settings.get('preset', 'API')} source answered and accepted the token"
    raise LeadDeskError(f"{info.name} is a {info.kind} account: there is no connection to test")
