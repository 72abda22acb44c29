"""What an IMAP failure means, in one line for the user: the exceptions of the IMAP readers and
:func:`explain`, which turns a connection, TLS, login or protocol failure into one of them.

A server ending the session mid-sync is quoted (its BYE says why: a restart, a kick, the folder
deleted). A refused LOGIN is read by its response code (RFC 5530): a wrong password, or a server that is
busy, wants TLS, has too many connections, or needs its administrator; the server's own words are
quoted as one printable line, with the password blanked out of them.
"""

from __future__ import annotations

import ast
import contextlib
import re
import socket

from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from leaddesk.account_settings import ImapSettings
from leaddesk.errors import LeadDeskError
from leaddesk.net_errors import reach_failure, server_words

SECURITY_HINT = "ssl for port 993, starttls for 143"


class ImapError(LeadDeskError):
    """Raised when the mailbox cannot be reached or read; the message names the exact cause."""


class ImapLoginError(ImapError):
    """Raised when the server refuses the login for a reason trying again will not mend: a wrong
    password, a locked or expired account, TLS required. (A server busy or out of connections
    raises plain :class:`ImapError`: it may pass.) Retrying a wrong password locks mailboxes."""


def explain(exc: BaseException, settings: ImapSettings, *, step: str = "sync",
            password: str = "") -> ImapError:
    """One clear line for a connection or protocol failure. ``step`` is where it happened:
    ``connect`` (before the login: a wrong port or --security shows there), ``login``, or
    ``sync`` (after it: what was stored is kept). ``password`` is blanked out of the server's
    words wherever they are quoted."""
    where = settings.where
    unreachable = reach_failure(exc, service="IMAP", host=settings.host, port=settings.port,
                                security_hint=SECURITY_HINT)
    if unreachable is not None:
        return ImapError(unreachable)
    # IMAPClient turns every failure of LOGIN into a LoginError, a dropped connection too: the
    # server's own answer is the error it was raised from.
    dropped = isinstance(exc, LoginError) and isinstance(exc.__context__, IMAPClientAbortError
                                                         | OSError | EOFError)
    if isinstance(exc, LoginError) and not dropped:
        return login_refused(exc, settings, password)
    lost = dropped or isinstance(exc, ConnectionError | EOFError | OSError | IMAPClientAbortError)
    timeout = isinstance(exc, TimeoutError | socket.timeout)
    if step != "sync" and (timeout or lost):
        what = "did not answer in time" if timeout else "closed the connection"
        when = "before the login" if step == "connect" else "during the login"
        return ImapError(f"the IMAP server {where} {what} {when}: check the port and --security "
                         f"({SECURITY_HINT}), then try again")
    if timeout:
        return ImapError(f"the IMAP server {where} did not answer in time; the sync kept "
                         f"everything fetched so far, run it again")
    goodbye = _goodbye(exc, password)
    if goodbye:
        return ImapError(f"the IMAP server {where} ended the session (it said: {goodbye}); the "
                         f"sync kept everything fetched so far, run it again")
    # imaplib reports a dropped socket as an 'abort' error, not as an OSError.
    if lost:
        return ImapError(f"the connection to {where} was lost ({exc.__class__.__name__}); the sync "
                         f"kept everything fetched so far, run it again")
    if isinstance(exc, IMAPClientError) and step == "connect":  # e.g. no STARTTLS on offer
        return ImapError(f"the IMAP server {where} answered with an error before the login: "
                         f"{server_words(str(exc))}; check --security ({SECURITY_HINT})")
    if isinstance(exc, IMAPClientError):
        return ImapError(f"the IMAP server {where} answered with an error: "
                         f"{server_words(str(exc))}")
    return ImapError(f"IMAP failure with {where}: {server_words(str(exc))}")


# imaplib's own words for a connection that dropped or went wrong, as against a server's BYE.
_NOT_THE_SERVERS = ("socket error", "unexpected", "TLS ")


def _goodbye(exc: BaseException, password: str) -> str | None:
    """The reason a server gave for ending the session mid-sync (its BYE: a restart, an
    administrator's kick, the folder deleted by another client), as one line; None when the
    connection merely dropped."""
    if not isinstance(exc, IMAPClientAbortError):
        return None
    text = re.sub(r"^(command: \S+ => )+", "", str(exc)).strip()
    if not text or text.startswith(_NOT_THE_SERVERS):
        return None
    return server_words(text.replace(password, "•••") if password else text)


# What a refused LOGIN means by its response code (RFC 5530), beyond a wrong password: the server
# is busy, wants TLS, has too many connections, or an administrator must act (an expired password
# or a locked account; [ALERT] text must be shown to the user, RFC 3501 7.1).
_LATER = "a problem on the server's side, not the password; try again later"
_LOGIN_CODES = {
    "UNAVAILABLE": f"could not check the login right now ({_LATER})",
    "LIMIT": ("has too many connections open for this user; close other mail programs on the "
              "mailbox or try again later"),
    "PRIVACYREQUIRED": f"accepts the login only over TLS; use --security ({SECURITY_HINT})",
    "EXPIRED": ("says the password has expired; change it with the mail provider, then set it "
                "with `leaddesk accounts edit NAME --password-stdin`"),
}
_PASSING_CODES = ("UNAVAILABLE", "LIMIT")  # may pass by themselves: a worker tries again
_ADMIN_CODES = ("ALERT", "CONTACTADMIN", "AUTHORIZATIONFAILED")
_CODE = re.compile(r"^\[([A-Z-]+)[^\]]*\]\s*")


def _server_said(exc: BaseException) -> str:
    """The server's own text of a refusal, as one short line of printable characters."""
    text = str(exc)
    quoted = re.fullmatch(r"b(['\"])(.*)\1", text, re.DOTALL)
    if quoted:  # imapclient hands the server's bytes over as their repr
        with contextlib.suppress(ValueError, SyntaxError):
            text = ast.literal_eval(text).decode("utf-8", "replace")
    return server_words(text)


def login_refused(exc: BaseException, settings: ImapSettings, password: str = "") -> ImapError:
    """A refused LOGIN in one line: a wrong password, unless the server's response code says
    the refusal is something else (busy, locked, expired, TLS required). Only the server's own
    words are searched for the password (a short one, "wrong", must not blank LeadDesk's)."""
    where, user = settings.where, settings.user
    said = _server_said(exc)
    if password:
        said = said.replace(password, "•••")
    code_match = _CODE.match(said)
    code = code_match.group(1) if code_match else ""
    if code in _LOGIN_CODES:
        kind = ImapError if code in _PASSING_CODES else ImapLoginError
        return kind(f"the IMAP server {where} refused the login for {user}: it "
                    f"{_LOGIN_CODES[code]} (it said: {said})")
    if code in _ADMIN_CODES:
        return ImapLoginError(f"the IMAP server {where} refused the login for {user} and says: "
                              f"{_CODE.sub('', said) or said}; ask the mailbox's administrator, "
                              f"then try again")
    return ImapLoginError(f"the IMAP server {where} refused the login for {user}: wrong "
                          f"user name or password; set it again with `leaddesk accounts edit NAME "
                          f"--password-stdin`")
