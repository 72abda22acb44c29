"""A real SMTP server on loopback (aiosmtpd) that records exactly what it received (fixture
``smtp_server``: a factory taking the mode). This plugin also shares the real Dovecot fixtures of
tests/ingest (``dovecot``, ``mailbox``, ``imap_account``) with the reply, CLI and leak tests.

Modes: ``plain`` (AUTH without TLS, allowed on loopback), ``starttls`` (AUTH only after STARTTLS),
``ssl`` (implicit TLS, SMTPS). The certificate is self-signed for 127.0.0.1 and localhost; a
client trusts it only when given ``cert`` as its CA file. User ``USER`` / ``PASSWORD``.
"""

from __future__ import annotations

import ssl
import subprocess
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.ingest.conftest import dovecot, imap_account, mailbox  # noqa: F401  (shared fixtures)
from tests.support.postgres import free_port

USER = "sender@example.com"
PASSWORD = "smtp-Secr3t-canary-5519"  # distinctive: tests search files and logs for it
WIDE_USER, WIDE_PASSWORD = "zoe@example.com", "pässwörd-ü-5519"  # a password beyond ASCII


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate valid for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      bytes(envelope.original_content or envelope.content)))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            self.logins.append(login)
            ok = {USER: PASSWORD, WIDE_USER: WIDE_PASSWORD}.get(login) == auth_data.password.decode()
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """``with SmtpServer(mode, cert_dir) as server:`` … ``server.received`` … ``server.port``."""

    def __init__(self, mode: str, cert_dir: Path, handler: Handler | None = None) -> None:
        self.mode = mode
        self.cert, key = make_certificate(cert_dir)
        self.handler = handler or Handler()
        self.port = free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        options: dict[str, Any] = {"authenticator": self.handler.authenticate,
                                   "auth_required": True}
        if mode == "plain":
            options["auth_require_tls"] = False
        elif mode == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif mode == "ssl":
            # aiosmtpd does not count implicit TLS as TLS for AUTH (RECIPES.md §5).
            options.update(ssl_context=context, auth_require_tls=False)
        else:
            raise ValueError(mode)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", **options)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def logins(self) -> list[str]:
        return self.handler.logins

    def __enter__(self) -> SmtpServer:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Requiring AUTH while not requiring TLS"
            self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


ServerFactory = Callable[[str], SmtpServer]


@pytest.fixture(scope="session")
def cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("smtp-cert")


@pytest.fixture
def smtp_server(cert_dir: Path) -> Iterator[ServerFactory]:
    """Start servers of the given modes for one test; all stop at its end."""
    started: list[SmtpServer] = []

    def start(mode: str = "plain") -> SmtpServer:
        server = SmtpServer(mode, cert_dir).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__()
