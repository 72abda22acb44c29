"""Conversations benchmark: what reading the Sent folder adds to an IMAP sync.

    python -m bench.bench_conversations [--inbox 10000] [--sent 5000] [--related 100] [--repeat 3]

A throwaway Dovecot gets an INBOX-like folder of ``--inbox`` form notifications and a Sent folder
of ``--sent`` messages, of which ``--related`` belong to leads (half threaded by In-Reply-To, half
only addressed to the lead's visitor) and the rest is ordinary office mail with bodies of a few
kilobytes. Each round syncs INBOX into a fresh SQLite database with the Sent folder off, then
syncs again with it on: INBOX has nothing new, so the second sync's time is what reading Sent
adds. Both halves run back to back in one round, so a busy machine slows both alike (comparing
two separate full syncs was dominated by noise on the shared 2-core box). The figure is the
median over the rounds. The target (issue #17): reading Sent adds at most 20 % to the sync time.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import func, select
from tests.support.dovecot import PASSWORD, USER
from tests.support.mail import notification

from bench.ingest_imap import dovecot, load_folder
from leaddesk import accounts
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import Message, Submission
from leaddesk.ingest import imap

LEADS_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENT_AT = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
OFFICE_TEXT = ("Dear partner,\r\n\r\nplease find the figures for the last quarter below. "
               "We will discuss them on Thursday.\r\n\r\n" + "Line item, amount, note\r\n" * 60)


def sent_message(i: int, related: int, inbox: int) -> bytes:
    """The i-th Sent message: a reply to lead i for the first ``related``, else office mail."""
    when = format_datetime(SENT_AT + timedelta(minutes=i))
    if i < related:
        n = 1 + i * max(1, inbox // max(1, related))
        thread = (f"In-Reply-To: <notification-{n}@example-pharma-agency.com>\r\n"
                  if i % 2 == 0 else "")
        return (f"From: Bob <bob@example-agency.com>\r\nTo: visitor{n}@example.net\r\n"
                f"Subject: Re: Patient engagement\r\nDate: {when}\r\n"
                f"Message-ID: <bob-{i}@example-agency.com>\r\n{thread}"
                f"Content-Type: text/plain; charset=UTF-8\r\n\r\n"
                f"Hello, here is the white paper you asked for.\r\n").encode()
    return (f"From: Bob <bob@example-agency.com>\r\nTo: partner{i}@supplier.example\r\n"
            f"Subject: Quarterly figures {i}\r\nDate: {when}\r\n"
            f"Message-ID: <office-{i}@example-agency.com>\r\n"
            f"Content-Type: text/plain; charset=UTF-8\r\n\r\n{OFFICE_TEXT}").encode()


def write_maildir(root: Path, messages: list[bytes], first: datetime) -> Path:
    cur = root / "cur"
    cur.mkdir(parents=True)
    for i, raw in enumerate(messages):
        path = cur / f"{i:07d}.bench:2,S"
        path.write_bytes(raw)
        stamp = (first + timedelta(seconds=i)).timestamp()
        os.utime(path, (stamp, stamp))
    return root


def account(db: Database, port: int, cert: Path, sent_folder: str) -> AccountInfo:
    with db.session() as session:
        return accounts.add_account(session, "bench", "imap", {
            "host": "127.0.0.1", "port": port, "security": "ssl", "user": USER,
            "folder": "bench", "ca_file": str(cert), "sent_folder": sent_folder}, actor="bench")


@dataclass
class Round:
    inbox: float  # seconds: the INBOX sync of a fresh database (Sent not read)
    sent: float  # seconds: the next sync, which finds INBOX unchanged and reads Sent
    inbox_cpu: float  # LeadDesk's CPU seconds for each, parse workers included (not Dovecot's)
    sent_cpu: float

    @property
    def overhead(self) -> float:
        return self.sent / self.inbox


def cpu_seconds() -> float:
    """CPU used by this process and its finished children (the INBOX sync's parse workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_round(work: Path, port: int, cert: Path, tag: str, inbox: int, related: int) -> Round:
    """Sync INBOX alone into a fresh database, then read Sent; check what was stored."""
    db = Database.open(f"sqlite:///{work / f'{tag}.db'}")
    try:
        info = account(db, port, cert, "bench-sent")
        times: list[tuple[float, float]] = []
        for sent in (False, True):
            wall, cpu = time.perf_counter(), cpu_seconds()
            imap.sync_account(db, info, PASSWORD, sent=sent)
            times.append((time.perf_counter() - wall, cpu_seconds() - cpu))
        with db.session() as s:
            leads = s.execute(select(func.count()).select_from(Submission)).scalar_one()
            joined = s.execute(select(func.count()).select_from(Message)).scalar_one()
    finally:
        db.close()
    if leads != inbox or joined != related:
        raise SystemExit(f"wrong result: {leads} leads, {joined} joined (expected {inbox}, "
                         f"{related})")
    (inbox_s, inbox_cpu), (sent_s, sent_cpu) = times
    return Round(inbox_s, sent_s, inbox_cpu, sent_cpu)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=int, default=10_000)
    parser.add_argument("--sent", type=int, default=5_000)
    parser.add_argument("--related", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="leaddesk-bench-conv-") as tmp, dovecot() as server:
        work = Path(tmp)
        inbox = write_maildir(work / "inbox", [notification(n) for n in range(1, args.inbox + 1)],
                              LEADS_AT)
        sent = write_maildir(work / "sent", [sent_message(i, args.related, args.inbox)
                                             for i in range(args.sent)], SENT_AT)
        load_folder(server, inbox, args.inbox, "bench")
        load_folder(server, sent, args.sent, "bench-sent")
        print(f"INBOX {args.inbox:,} notifications, Sent {args.sent:,} messages "
              f"({args.related} to leads); {args.repeat} rounds", file=sys.stderr)
        for n in range(args.repeat):
            got = one_round(work, server.ssl_port, server.cert, f"r{n}", args.inbox, args.related)
            rounds.append(got)
            print(f"  round {n + 1}: INBOX {got.inbox:6.2f} s (cpu {got.inbox_cpu:5.2f}), "
                  f"Sent {got.sent:5.2f} s (cpu {got.sent_cpu:4.2f}), +{100 * got.overhead:4.1f} %",
                  file=sys.stderr)
    inbox_s = statistics.median(r.inbox for r in rounds)
    sent_s = statistics.median(r.sent for r in rounds)
    share = statistics.median(r.overhead for r in rounds)
    cpu = statistics.median(r.sent_cpu / r.inbox_cpu for r in rounds)
    print(f"INBOX sync, {args.inbox:,} messages      {inbox_s:6.2f} s (median)")
    print(f"Sent folder, {args.sent:,} messages      {sent_s:6.2f} s (median), "
          f"{args.related} joined leads")
    print(f"reading Sent adds               {100 * share:5.1f} % wall, {100 * cpu:5.1f} % CPU "
          f"(target ≤ 20 %)")


if __name__ == "__main__":
    main()
