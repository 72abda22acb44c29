"""A Dovecot folder full of notifications for the IMAP half of the ingest benchmark.

The server is the tests' throwaway Dovecot (:class:`tests.support.dovecot.DovecotServer`: loopback,
user alice, a self-signed certificate). APPENDing 10,000 messages over IMAP would take a while, so
the messages are copied straight into the folder's Maildir (owned by the mail user, ``nobody`` when
run as root, with their mtimes, which Dovecot takes as INTERNALDATE) and Dovecot is told to look
with ``doveadm force-resync``.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.dovecot import PASSWORD, USER, DovecotServer, available

from bench.ingest_peers import ImapServer

FOLDER = "bench"


@dataclass(frozen=True)
class LoadedFolder:
    """A folder filled by :func:`load_folder`."""

    server: ImapServer
    messages: int
    seconds: float


@contextmanager
def dovecot() -> Iterator[DovecotServer]:
    """A throwaway Dovecot for the duration of the block."""
    if not available():
        raise SystemExit("--imap needs Dovecot and openssl (apt-get install dovecot-imapd)")
    server = DovecotServer.create()
    try:
        yield server
    finally:
        server.destroy()


def _mail_owner() -> tuple[int, int] | None:
    # DovecotServer stores mail as nobody:nogroup when it runs as root (Dovecot refuses uid 0).
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid


def load_folder(server: DovecotServer, maildir: Path, count: int,
                folder: str = FOLDER) -> LoadedFolder:
    """Fill ``folder`` with the first ``count`` messages of the Maildir ``maildir``."""
    started = time.perf_counter()
    server.doveadm("mailbox", "create", "-u", USER, folder)
    target = server.root / "mail" / USER / "Maildir" / f".{folder}" / "cur"
    owner = _mail_owner()
    names = sorted(name for name in os.listdir(maildir / "cur") if not name.startswith("."))
    if len(names) < count:
        raise SystemExit(f"the corpus {maildir} holds {len(names)} messages, fewer than {count}")
    for name in names[:count]:
        destination = target / name
        shutil.copy2(maildir / "cur" / name, destination)
        if owner is not None:
            os.chown(destination, *owner)
    server.doveadm("force-resync", "-u", USER, folder)
    status = server.doveadm("mailbox", "status", "-u", USER, "messages", folder)
    match = re.search(r"messages=(\d+)", status)
    messages = int(match.group(1)) if match else 0
    if messages != count:
        raise RuntimeError(f"Dovecot sees {messages} messages in {folder}, expected {count}")
    imap = ImapServer("127.0.0.1", server.ssl_port, server.cert, USER, PASSWORD, folder)
    return LoadedFolder(imap, messages, time.perf_counter() - started)
