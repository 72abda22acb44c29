"""What a failure to reach or secure a server means, shared by IMAP, SMTP and the form APIs.

:func:`reach_failure` names the step that broke (DNS, refused, untrusted certificate, TLS) in one
line with what to do; :func:`certificate_failure` tells a certificate made out to another host or
out of its dates (which a CA file does not mend) from one of an unknown issuer;
:func:`tls_context` is the only way a TLS context is made (always verifying; a private CA is given
as a file); :func:`server_words` makes a server's own text fit to quote in a one-line message. The
protocol part of each explanation stays with its protocol (leaddesk.ingest.imap,
leaddesk.reply.smtp, leaddesk.ingest.api.client).
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
        return certificate_failure(exc, where, other_host="set --host to the server name the "
                                                          "provider gives",
                                   untrusted="if the server uses its own CA, give it with "
                                             "--ca-file")
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed ({exc.reason or exc}); check --security ({security_hint})"
    return None


# OpenSSL's verify codes for a certificate that is trusted but wrong: made out to another host
# name or address, or outside its dates. A CA file mends neither.
_OTHER_HOST = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
_OUT_OF_DATE = {10: "has expired", 9: "is not valid yet"}  # CERT_HAS_EXPIRED, CERT_NOT_YET_VALID


def certificate_failure(exc: ssl.SSLCertVerificationError, where: str, *, other_host: str,
                        untrusted: str) -> str:
    """What is wrong with the certificate of ``where`` and what to do: ``other_host`` when it is
    made out to another host, ``untrusted`` when its issuer is unknown; an expired one is the
    server's to renew."""
    said = exc.verify_message
    if exc.verify_code in _OTHER_HOST:
        return f"the certificate of {where} is made out to another host ({said}); {other_host}"
    if exc.verify_code in _OUT_OF_DATE:
        return (f"the certificate of {where} {_OUT_OF_DATE[exc.verify_code]} ({said}): the "
                f"server's administrator must renew it; if it should be valid, check this "
                f"computer's date and time")
    return f"the certificate of {where} is not trusted ({said}); {untrusted}"


def server_words(text: str, limit: int = 200) -> str:
    """A server's own words as one short line of printable characters: a multi-line reply
    (SMTP's "550-…" lines) joined, control characters (a hostile server's terminal escapes)
    dropped, and the length capped."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
