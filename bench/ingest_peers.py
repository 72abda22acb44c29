"""Running measured child processes, and the peers of the ingest benchmark: notmuch, mu, mbsync.

:func:`run_measured` starts a command and reaps it with ``os.wait4``, which returns that child's own
resource usage: wall time, user and system CPU seconds and peak RSS (``ru_maxrss``, kB on Linux).
Every tool, LeadDesk included, is measured this way, with its output sent to files so that a
chatty tool cannot stall on a full pipe.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.01


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    command: tuple[str, ...]
    wall: float          # seconds from start to exit
    user: float          # CPU seconds in user mode (the process and the children it waited for)
    system: float        # CPU seconds in the kernel
    maxrss_kb: int       # peak resident set size
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.system

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def check(self) -> Run:
        """This run, or an error naming the command and its last output lines if it failed."""
        if not self.ok:
            tail = "\n".join((self.stderr or self.stdout).strip().splitlines()[-8:])
            what = "timed out" if self.timed_out else f"exit status {self.returncode}"
            raise RuntimeError(f"{' '.join(self.command)}: {what}\n{tail}")
        return self


TIME = "/usr/bin/time"   # GNU time (Debian package "time")


def run_measured(command: Sequence[str | os.PathLike[str]], *, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None, timeout: float | None = None) -> Run:
    """Run ``command`` to its end (or kill it after ``timeout`` seconds) and measure it.

    The command runs under GNU time, which reaps it with ``wait4`` and reports its own figures. The
    go-between matters for the peak RSS: Linux carries the parent's memory high-water mark over a
    fork and exec into the child's ``ru_maxrss``, so a child of this (large) Python process would
    never report less than the parent's size; a child of GNU time starts from about 2 MB.
    """
    argv = tuple(os.fspath(part) for part in command)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".time") as figures:
        started = time.perf_counter()
        process = subprocess.Popen([TIME, "-f", "%e %U %S %M", "-o", figures.name, "--", *argv],
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   env=dict(env) if env is not None else None, cwd=cwd,
                                   start_new_session=True)
        deadline = None if timeout is None else started + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)   # GNU time and the command under it
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(POLL_SECONDS)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)   # reaped here, not by Popen
        user, system, maxrss = usage.ru_utime, usage.ru_stime, usage.ru_maxrss
        lines = figures.read().strip().splitlines()
        if lines and len(lines[-1].split()) == 4:
            _elapsed, user_text, system_text, maxrss_text = lines[-1].split()
            user, system, maxrss = float(user_text), float(system_text), int(maxrss_text)
        out.seek(0)
        err.seek(0)
        return Run(argv, wall, user, system, maxrss, process.returncode, timed_out,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def _first_line(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return "not installed"
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def versions() -> dict[str, str]:
    """The versions of everything measured, for the report."""
    import sqlite3

    import sqlalchemy

    import leaddesk
    return {
        "leaddesk": leaddesk.__version__,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "notmuch": _first_line(["notmuch", "--version"]),
        "mu": _first_line(["mu", "--version"]).replace("mu (mail indexer/searcher) version", "mu"),
        "mbsync": _first_line(["mbsync", "--version"]),
        "dovecot": _first_line(["dovecot", "--version"]),
    }


def missing_tools() -> list[str]:
    """The peers' programs that are not installed, with the Debian package to install."""
    packages = {"notmuch": "notmuch", "mu": "maildir-utils", "mbsync": "isync",
                "dovecot": "dovecot-imapd", "doveadm": "dovecot-core", TIME: "time"}
    return [f"{tool} (apt-get install {package})" for tool, package in packages.items()
            if shutil.which(tool) is None]


def count_files(maildir: Path) -> int:
    """Messages in a Maildir folder (cur/ and new/)."""
    return sum(1 for sub in ("cur", "new") if (maildir / sub).is_dir()
               for name in os.listdir(maildir / sub) if not name.startswith("."))


# ----------------------------------------------------------------- notmuch

NOTMUCH_CONFIG = """\
[database]
path={root}

[user]
name=LeadDesk Bench
primary_email=bench@example.org

[new]
tags=new;
ignore=

[search]
exclude_tags=

[maildir]
synchronize_flags=false
"""


def notmuch_new(maildir: Path, work: Path, timeout: float | None) -> tuple[Run, int]:
    """``notmuch new`` over a hard-linked copy of ``maildir`` (notmuch keeps its database inside
    the mail root; the copy leaves the corpus untouched). Returns the run and the indexed count."""
    root = work / "notmuch-root"
    subprocess.run(["cp", "-al", str(maildir), str(root)], check=True)
    config = work / "notmuch-config"
    config.write_text(NOTMUCH_CONFIG.format(root=root))
    run = run_measured(["notmuch", f"--config={config}", "new"], timeout=timeout)
    count = 0
    if run.ok:
        done = subprocess.run(["notmuch", f"--config={config}", "count", "*"], capture_output=True,
                              text=True, check=True)
        count = int(done.stdout.strip() or 0)
    return run, count


# ----------------------------------------------------------------- mu

def mu_index(maildir: Path, work: Path, timeout: float | None) -> tuple[Run, int]:
    """``mu init`` (not timed) then ``mu index`` (timed). Returns the run and the indexed count."""
    home = work / "mu-home"
    home.mkdir()
    subprocess.run(["mu", "init", f"--maildir={maildir}", f"--muhome={home}"], check=True,
                   capture_output=True)
    run = run_measured(["mu", "index", f"--muhome={home}"], timeout=timeout)
    count = 0
    if run.ok:
        done = subprocess.run(["mu", "find", f"--muhome={home}", "--fields=l", ""],
                              capture_output=True, text=True, check=False)
        count = len(done.stdout.splitlines())
    return run, count


# ----------------------------------------------------------------- mbsync

MBSYNC_CONFIG = """\
FSync {fsync}

IMAPAccount bench
Host {host}
Port {port}
User {user}
Pass {password}
SSLType {ssl_type}
{certificate}
AuthMechs LOGIN PLAIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {near}/
Inbox {near}/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:{folder}
Near :bench-near:{folder}
Create Near
Sync Pull
Expunge None
SyncState *
"""


@dataclass(frozen=True)
class ImapServer:
    """Where mbsync and LeadDesk find the folder."""

    host: str
    port: int            # the implicit-TLS port
    cert: Path           # the server's self-signed certificate
    user: str
    password: str
    folder: str


def mbsync_pull(server: ImapServer, work: Path, *, fsync: bool,
                timeout: float | None) -> tuple[Run, int]:
    """``mbsync`` pulling the folder into a fresh local Maildir over IMAPS. Returns the run and the
    number of messages that arrived."""
    near = work / f"mbsync-near-{'fsync' if fsync else 'nofsync'}-{time.monotonic_ns()}"
    near.mkdir(parents=True)
    config = near.with_suffix(".rc")
    config.write_text(MBSYNC_CONFIG.format(
        # isync 1.4 matches the certificate against DNS names only: connect by name.
        fsync="yes" if fsync else "no", host="localhost" if server.host == "127.0.0.1" else server.host,
        port=server.port, user=server.user,
        password=server.password, ssl_type="IMAPS", certificate=f"CertificateFile {server.cert}",
        near=near, folder=server.folder))
    config.chmod(0o600)
    run = run_measured(["mbsync", "-c", str(config), "-q", "bench"], timeout=timeout)
    return run, count_files(near / server.folder)


def version_number(text: str) -> str:
    """``notmuch 0.37`` -> ``0.37``: the first dotted number in a version line."""
    match = re.search(r"\d+(\.\d+)+", text)
    return match.group(0) if match else text
