"""What a failure to reach or secure a mail server means, shared by IMAP and SMTP.

:func:`reach_failure` names the step that broke (DNS, refused, untrusted certificate, TLS) in one
line with what to do; :func:`tls_context` is the only way a TLS context is made (always
verifying; a private CA is given as a file); :func:`server_words` makes a server's own text fit
to quote in a one-line message. The protocol part of each explanation stays with
its protocol (leaddesk.ingest.imap, leaddesk.reply.smtp).
"""

from __future__ import annotations

import socket
import ssl

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


def server_words(text: str, limit: int = 200) -> str:
    """A server's own words as one short line of printable characters: a multi-line reply
    (SMTP's "550-…" lines) joined, control characters (a hostile server's terminal escapes)
    dropped, and the length capped."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
