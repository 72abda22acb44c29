"""Sending over SMTP with smtplib: implicit TLS or STARTTLS, AUTH, certificates always verified.

Every failure becomes one :class:`SmtpError` line naming the exact cause (DNS, refused, TLS,
authentication, timeout, a refused recipient), never the password.

smtplib has a per-read timeout only, which a server trickling its replies (a byte every 20 s)
never trips: the whole session (greeting, login, the send) runs under one overall deadline
(leaddesk.net_deadline), the floor plus the message's bytes at a slow-but-honest rate, past which
the socket is shut down (mid-TLS-handshake too, implicit or STARTTLS). A send cut after the
message's end went over is "may have been delivered", never "not sent".
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import socket
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from leaddesk.account_settings import SmtpSettings
from leaddesk.errors import LeadDeskError
from leaddesk.lines import login_password
from leaddesk.net_deadline import Deadline, allowed
from leaddesk.net_errors import reach_failure, server_words, tls_context

TIMEOUT_SECONDS = 30.0
SECURITY_HINT = "ssl for port 465, starttls for 587"


class SmtpError(LeadDeskError):
    """Raised when a reply cannot be sent; the message names the cause and what to do."""


class SmtpUncertainError(SmtpError):
    """Raised when the connection broke after the whole message was handed to the server but
    before it confirmed it: the message may have been delivered. The reply is not marked sent;
    sending it again reuses its Message-ID, so a copy that did arrive is the same message."""


def explain(exc: BaseException, settings: SmtpSettings, *, connecting: bool = False) -> SmtpError:
    """One clear line for a connection, TLS, login or delivery failure; ``connecting``: before
    the login, where a wrong port or --security shows as silence or a closed connection."""
    where = settings.where
    unreachable = reach_failure(exc, service="SMTP", host=settings.host, port=settings.port,
                                security_hint=SECURITY_HINT)
    if unreachable is not None:
        return SmtpError(unreachable)
    timeout = isinstance(exc, TimeoutError | socket.timeout) or (
        isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc))
    if connecting and (timeout or isinstance(exc, smtplib.SMTPServerDisconnected
                                             | ConnectionError | EOFError)):
        what = "did not answer in time" if timeout else "closed the connection"
        return SmtpError(f"the SMTP server {where} {what} before the login: check the port and "
                         f"--security ({SECURITY_HINT}); nothing was sent")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpError(f"the SMTP server {where} refused the login for {settings.user}: wrong user "
                         f"name or password; set it again with `leaddesk accounts edit NAME "
                         f"--password-stdin`")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SmtpError(f"the SMTP server {where} does not offer what is needed ({_reply(exc)}); "
                         f"check --security")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(sorted(exc.recipients))
        answers = list(exc.recipients.values())
        said = "; ".join(sorted({_reply(smtplib.SMTPResponseException(code, text))
                                 for code, text in answers}))
        if answers and all(400 <= code < 500 for code, _ in answers):
            # 4xx is "not now" (greylisting, a full mailbox, a rate limit), not a wrong address.
            return SmtpError(f"the SMTP server {where} turned the recipient {refused} away for now "
                             f"({said}); nothing was sent, try again later")
        return SmtpError(f"the SMTP server {where} refused the recipient {refused}; check the "
                         f"address ({said})")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SmtpError(f"the SMTP server {where} refused the sender {exc.sender} ({_reply(exc)}); "
                         f"check the From address of the account")
    # smtplib turns a read timeout into "SMTPServerDisconnected: … timed out".
    if timeout:
        return SmtpError(f"the SMTP server {where} did not answer in time; nothing was sent, try "
                         f"again")
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | EOFError):
        return SmtpError(f"the SMTP server {where} closed the connection; nothing was sent, check "
                         f"--security and try again")
    if isinstance(exc, smtplib.SMTPResponseException):
        # 4xx is the server's "not now" (full disk, greylisting): the same reply may go later.
        later = "try again later" if 400 <= exc.smtp_code < 500 else "check the message and the account"
        return SmtpError(f"the SMTP server {where} answered with an error: {_reply(exc)}; nothing "
                         f"was sent, {later}")
    return SmtpError(f"SMTP failure with {where}: {exc.__class__.__name__}: "
                     f"{server_words(str(exc))}")


def _reply(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    error = getattr(exc, "smtp_error", b"")
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error or "")
    text = text or str(exc)  # smtplib's own refusals (no STARTTLS, no AUTH) carry no reply
    # smtplib joins a multi-line reply ("550-…" lines) with a line break: one line for the user.
    text = server_words(text)
    return f"{code} {text}".strip() if code else text


def _login(client: smtplib.SMTP, settings: SmtpSettings, password: str) -> None:
    """AUTH; a user name or password beyond ASCII goes as SASL PLAIN in UTF-8 (RFC 4616), which
    smtplib cannot send (it encodes every AUTH answer as ASCII: UnicodeEncodeError). A password
    stored with a line break around it logs in without it; one inside is refused unsent."""
    user = settings.user
    sent = login_password(password)
    if sent is None:
        raise SmtpError(f"the password for {user} on {settings.where} holds a line break or a NUL "
                        f"character, which no SMTP login can carry: it was probably stored with "
                        f"one; set it again with `leaddesk accounts edit NAME --password-stdin`")
    password = sent
    if (user + password).isascii():
        client.login(user, password)
        return
    client.ehlo_or_helo_if_needed()
    if "PLAIN" not in client.esmtp_features.get("auth", "").upper().split():
        raise SmtpError(f"the SMTP server {settings.where} cannot take a user name or password with "
                        f"letters beyond ASCII (it offers no AUTH PLAIN); use an ASCII password")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, answer = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


class _WatchedSMTP(smtplib.SMTP):
    """smtplib.SMTP whose socket the deadline can shut from the start: the constructor already
    reads the greeting, which a trickling server can stretch too."""

    def __init__(self, deadline: Deadline, host: str, port: int) -> None:
        deadline.source = lambda: self.sock
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)


class _WatchedSMTPSSL(smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL whose socket the deadline can shut from the start (see _WatchedSMTP)."""

    def __init__(self, deadline: Deadline, host: str, port: int, context: ssl.SSLContext) -> None:
        deadline.source = lambda: self.sock
        # The handshake runs before self.sock is set: the context hands its socket over.
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=deadline.watch(context))


def _stalled(settings: SmtpSettings, deadline: Deadline) -> SmtpError:
    return SmtpError(f"the SMTP server {settings.where} stopped answering in time (the send was "
                     f"not done after {deadline.seconds:.0f} s; it sends its replies too slowly); "
                     f"nothing was sent, try again later")


def connect(settings: SmtpSettings, password: str, deadline: Deadline) -> smtplib.SMTP:
    """A logged-in SMTP session, run under ``deadline`` (entered by the caller); the caller
    quits it."""
    client: smtplib.SMTP | None = None
    connecting = True
    try:
        if settings.security == "ssl":
            client = _WatchedSMTPSSL(deadline, settings.host, settings.port,
                                     tls_context(settings.ca_file, SmtpError))
        else:
            client = _WatchedSMTP(deadline, settings.host, settings.port)
            client.ehlo()
            if settings.security == "starttls":
                # self.sock is the plain socket until the handshake ends: watched through
                # the context, a server stalling mid-handshake is cut too.
                client.starttls(context=deadline.watch(tls_context(settings.ca_file, SmtpError)))
                client.ehlo()
        connecting = False
        _login(client, settings, password)
    except SmtpError:
        _close(client)
        raise
    except (OSError, smtplib.SMTPException, EOFError) as exc:
        _close(client)
        if deadline.passed:
            raise _stalled(settings, deadline) from None
        raise explain(exc, settings, connecting=connecting) from None
    return client


def _close(client: smtplib.SMTP | None) -> None:
    if client is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.close()


def quit_quietly(client: smtplib.SMTP) -> None:
    # The message went through already; a failing QUIT changes nothing.
    with contextlib.suppress(OSError, smtplib.SMTPException, EOFError):
        client.quit()


def send(settings: SmtpSettings, password: str, message: EmailMessage,
         recipients: list[str]) -> list[str]:
    """Deliver ``message`` to ``recipients`` (To and Cc); returns those the server refused.

    When every recipient is refused smtplib raises, and nothing was sent. The whole session
    has one deadline: the floor plus the message's bytes at a slow-but-honest rate.
    """
    with Deadline(allowed(len(message.as_bytes()))) as deadline:
        client = connect(settings, password, deadline)
        handed_over = _watch_end_of_data(client)
        try:
            refused = client.send_message(message, to_addrs=recipients)
        except (OSError, smtplib.SMTPException, EOFError) as exc:
            _close(client)
            # Past the deadline the server is cut, not refusing: a reply is only the server's own.
            answered = isinstance(exc, smtplib.SMTPResponseException) and not deadline.passed
            if handed_over() and not answered:
                broke = (f"the SMTP server {settings.where} stopped answering in time (cut after "
                         f"{deadline.seconds:.0f} s)" if deadline.passed else
                         f"the connection to the SMTP server {settings.where} broke")
                raise SmtpUncertainError(
                    f"{broke} after the whole reply was handed over and before the server "
                    f"confirmed it, so it may have been delivered; it is kept as not sent: check "
                    f"the Sent folder or ask the recipient before sending it again (a second copy "
                    f"keeps the same Message-ID)") from None
            if deadline.passed:
                raise _stalled(settings, deadline) from None
            raise explain(exc, settings) from None
        quit_quietly(client)
    return sorted(refused)


def _watch_end_of_data(client: smtplib.SMTP) -> Callable[[], bool]:
    """Whether the message's last line (CRLF.CRLF) has gone to the server on ``client``: after
    it, a broken connection leaves the delivery unknown (RFC 5321 6.1 warns of exactly this)."""
    sent_end = False
    send = client.send

    def watched(data: bytes | str) -> None:
        nonlocal sent_end
        send(data)
        # smtplib.SMTP.data sends the whole quoted message, ending CRLF.CRLF, in one call.
        if isinstance(data, bytes) and data.endswith(b"\r\n.\r\n"):
            sent_end = True

    client.send = watched  # type: ignore[method-assign, assignment]
    return lambda: sent_end


def check(settings: SmtpSettings, password: str) -> None:
    """Connect, negotiate TLS and log in, then leave: the account's connection test."""
    with Deadline(allowed()) as deadline:
        quit_quietly(connect(settings, password, deadline))
