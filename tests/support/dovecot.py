"""A throwaway Dovecot IMAP server on loopback, for the IMAP integration tests.

User ``alice`` with ``PASSWORD``; a self-signed certificate valid for 127.0.0.1 and localhost. As root,
mail is stored as ``nobody`` (Dovecot refuses uid 0 for mail processes) and the directory lives
under /tmp with o+x on every parent (Dovecot's auth process runs as user ``dovecot``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.postgres import free_port

USER = "alice"
PASSWORD = "al1ce-Tr0ub4dor-7731"  # distinctive: tests search files for it
# A second user whose password goes beyond ASCII (Dovecot takes only ASCII user names).
WIDE_USER, WIDE_PASSWORD = "zoe", "pässwörd-ü-9931"

CONFIG = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {internal_user}
default_login_user = {login_user}
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests log in with wrong passwords on purpose: without these, each failure answered 2 s late and
# every login after it from 127.0.0.1 waited out the penalty too (4 s, up to 15).
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={d}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {ssl_port}
    ssl = yes
  }}
}}
"""


def available() -> bool:
    return shutil.which("dovecot") is not None and shutil.which("openssl") is not None


def _wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not listen on {port}")


@dataclass
class DovecotServer:
    root: Path
    port: int
    ssl_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def cert(self) -> Path:
        return self.root / "cert.pem"

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    @classmethod
    def create(cls) -> DovecotServer:
        root = Path(tempfile.mkdtemp(prefix="leaddesk-dovecot-", dir="/tmp"))
        root.chmod(0o755)
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
            check=True, capture_output=True)
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n"
                                     f"{WIDE_USER}:{{PLAIN}}{WIDE_PASSWORD}\n", encoding="utf-8")
        as_root = os.geteuid() == 0
        if as_root:
            shutil.chown(root / "mail", "nobody", "nogroup")
        me = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
        group = subprocess.run(["id", "-gn"], capture_output=True, text=True,
                               check=True).stdout.strip()
        server = cls(root=root, port=free_port(), ssl_port=free_port())
        server.config.write_text(CONFIG.format(
            d=root, port=server.port, ssl_port=server.ssl_port,
            internal_user="dovecot" if as_root else me, login_user="dovenull" if as_root else me,
            mail_user="nobody" if as_root else me, mail_group="nogroup" if as_root else group))
        server.start()
        return server

    def start(self) -> None:
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port)
        _wait_for_port(self.ssl_port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def doveadm(self, *args: str) -> str:
        return subprocess.run(["doveadm", "-c", str(self.config), *args], capture_output=True,
                              text=True, check=True).stdout

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
