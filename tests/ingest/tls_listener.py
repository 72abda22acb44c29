"""A TLS server on loopback whose certificate is wrong in one way (made out to another host, or
expired), for the certificate faults of the IMAP and form-API clients. It counts handshakes that
got through: a client that refuses the certificate sends nothing, its secret least of all."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from pathlib import Path

import pytest

from tests.support.listener import Scripted


def certificate(folder: Path, *, names: tuple[str, ...], expired: bool = False) -> Path:
    """A self-signed certificate (with its key, in one PEM file) made out to ``names`` (IP
    addresses or host names), valid now or ``expired`` a day ago; trusting it as a CA file
    leaves only the fault under test."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    start, end = (now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)) if expired \
        else (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / f"cert-{'-'.join(names)}{'-expired' if expired else ''}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return path


class TlsListener(Scripted):
    """Accepts TLS with ``cert`` on 127.0.0.1:``port``; after a handshake that got through it
    sends ``greeting`` and counts it in ``handshakes``."""

    def __init__(self, cert: Path, greeting: bytes = b"* OK [CAPABILITY IMAP4rev1] ready\r\n"
                 ) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert)
        self.greeting = greeting
        self.handshakes = 0
        super().__init__()

    def serve(self, conn: socket.socket, number: int) -> None:
        conn.settimeout(10)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused the certificate: as it should
        self.handshakes += 1
        with tls:
            tls.sendall(self.greeting)
            tls.recv(4096)
