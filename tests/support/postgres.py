"""A throwaway PostgreSQL cluster on a free loopback port, for the tests that need a real server.

``LEADDESK_TEST_PG_URL`` points the tests at an existing server instead (its database must be
creatable). Without either, PostgreSQL tests are skipped, unless ``LEADDESK_REQUIRE_PG=1`` (CI)
turns that into a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "pg_ctl")):
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; Debian's packages create the "postgres" user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "c" / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                          str(self.root / "c" / "pg.log"), "-w", "-t", "30", "-o",
                          f"-p {self.port} -k {self.root / 'c'} -c listen_addresses=127.0.0.1 "
                          f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                          "start"]),
            check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                     mode, "-w", "stop"]), check=False, capture_output=True)

    def restart(self) -> None:
        """Stop (fast: every connection is cut, open transactions roll back) and start again."""
        self.stop("fast")
        self.start()

    def database(self, name: str) -> str:
        """Create database ``name`` on this server; return its URL."""
        subprocess.run(_as_postgres([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p",
                                     str(self.port), "-U", "postgres", name]),
                       check=True, capture_output=True)
        return self.url(name)

    @classmethod
    def create(cls, bindir: Path) -> PostgresServer:
        root = Path(tempfile.mkdtemp(prefix="leaddesk-pg-", dir="/tmp"))
        root.chmod(0o755)  # user postgres must traverse it
        (root / "c").mkdir()
        if os.geteuid() == 0:
            shutil.chown(root / "c", "postgres", "postgres")
        subprocess.run(
            _as_postgres([str(bindir / "initdb"), "-D", str(root / "c" / "data"), "-U",
                          "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True)
        server = cls(bindir=bindir, root=root, port=free_port())
        server.start()
        return server

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
