"""Team mode under load: simulated desktops triaging one PostgreSQL while a worker ingests mail.

Each client is a desktop of its own (its own engine and connection, its own name on the audit
log). In a loop it reads a lead's version, as the detail pane shows it, and makes a change with
that version (status, owner, tag or note) through the same retry wrapper as the UI; a conflict is
counted, re-read and tried once more, as a user would after the "changed by X" banner. Meanwhile a
worker imports a few new notification e-mails every half second through the real ingest pipeline,
and a listener counts the NOTIFY messages the triggers send.

Lost updates are counted afterwards from the database alone, three ways:
  * every acknowledged change must have its audit event (same actor, action and values);
  * no two acknowledged changes of one lead may have produced the same version (that would be
    one overwriting the other silently);
  * each lead's final version must be 1 + the number of acknowledged changes to it.

    .venv/bin/python -m bench.bench_team                 # 20 clients, 60 s, a private server
    .venv/bin/python -m bench.bench_team --seconds 10    # shorter
    .venv/bin/python -m bench.bench_team --pg-url postgresql+psycopg://me@host/postgres
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.factories import make_member, make_submission
from tests.support.mail import notification

from bench.pg import local_server, scratch_database
from bench.timing import Stats
from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Note, Submission
from leaddesk.errors import ConflictError
from leaddesk.ingest import files
from leaddesk.team.changes import PgListener
from leaddesk.team.resilience import run_with_retry

STATUSES = ("new", "open", "waiting", "done")
MEMBERS = ("Ada", "Bob", "Chris", "Dana", None)
TAGS = ("hot", "follow-up", "congress")


@dataclass
class Ack:
    submission_id: int
    action: str
    after: dict[str, Any]
    version: int


@dataclass
class ClientStats:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    conflicts: int = 0
    failures: list[str] = field(default_factory=list)


def _action(session: Session, sid: int, version: int, actor: str, rng: random.Random
            ) -> triage.Edit:
    kind = rng.random()
    if kind < 0.4:
        return triage.set_status(session, sid, rng.choice(STATUSES), actor=actor,
                                 expected_version=version)
    if kind < 0.7:
        return triage.assign(session, sid, rng.choice(MEMBERS), actor=actor,
                             expected_version=version)
    if kind < 0.9:
        tag = rng.choice(TAGS)
        tags = set(triage.current_tags(session, [sid])[sid])
        change = triage.remove_tag if tag in tags else triage.add_tag
        return change(session, sid, tag, actor=actor, expected_version=version)
    return triage.add_note(session, sid, f"called back ({rng.randrange(10_000)})", actor=actor,
                           expected_version=version)


def client(url: str, name: str, ids: list[int], stop: threading.Event, stats: ClientStats,
           seed: int, think_ms: float) -> None:
    db = Database.open(url, upgrade=False)
    rng = random.Random(seed)
    try:
        while not stop.is_set():
            sid = rng.choice(ids)
            for _try in range(2):  # a conflict: reload (read again) and try once more
                with db.session() as s:
                    version = triage.read_current(s, sid).version
                started = time.perf_counter()

                def act(session: Session, i: int = sid, v: int = version) -> triage.Edit:
                    return _action(session, i, v, name, rng)

                try:
                    change = run_with_retry(
                        db, act, verify=lambda s, c: triage.was_saved(s, c, actor=name))
                except ConflictError:
                    stats.conflicts += 1
                    stats.latencies_ms.append((time.perf_counter() - started) * 1000)
                    continue
                except Exception as exc:  # counted and reported, never hidden
                    stats.failures.append(f"{type(exc).__name__}: {exc}")
                    break
                stats.latencies_ms.append((time.perf_counter() - started) * 1000)
                if change.changed:
                    stats.acks.append(Ack(sid, change.action, dict(change.after), change.version))
                break
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
    finally:
        db.close()


def worker(url: str, stop: threading.Event, counts: Counter[str]) -> None:
    """New mail every half second, through parsing and the store, as a sync stores it."""
    db = Database.open(url, upgrade=False)
    n = 100_000
    try:
        with tempfile.TemporaryDirectory() as tmp:
            while not stop.is_set():
                batch = Path(tmp) / f"b{n}"
                batch.mkdir()
                for _ in range(5):
                    n += 1
                    (batch / f"{n}.eml").write_bytes(notification(n))
                result = files.import_paths(db, [batch])
                counts["ingested"] += result.added
                stop.wait(0.5)
    finally:
        db.close()


def listener(url: str, stop: threading.Event, counts: Counter[str]) -> None:
    db = Database.open(url, upgrade=False)
    feed = PgListener(db.engine)
    try:
        feed.open()
        while not stop.is_set():
            for change in feed.poll(0.5):
                counts[f"notify:{change.kind}"] += 1
    finally:
        feed.close()
        db.close()


def seed(url: str, leads: int) -> list[int]:
    db = Database.open(url)
    try:
        with db.session() as s:
            for member in MEMBERS:
                if member:
                    make_member(s, member)
            return [make_submission(s).id for _ in range(leads)]
    finally:
        db.close()


def lost_updates(url: str, everyone: list[ClientStats]) -> dict[str, int]:
    db = Database.open(url, upgrade=False)
    try:
        with db.session() as s:
            events: Counter[tuple[str, int, str, str]] = Counter(
                (actor, entity_id, action, repr(sorted((after or {}).items())))
                for actor, entity_id, action, after in s.execute(
                    select(AuditEvent.actor, AuditEvent.entity_id, AuditEvent.action,
                           AuditEvent.after).where(AuditEvent.entity == "submission")))
            # .all(): a Result has keys(), so dict() would take it for a mapping
            versions = dict(s.execute(select(Submission.id, Submission.version)).all())
            note_ids = set(s.scalars(select(Note.id)))
    finally:
        db.close()
    no_audit = 0
    missing_notes = 0
    seen_versions: Counter[tuple[int, int]] = Counter()
    per_lead: Counter[int] = Counter()
    for stats in everyone:
        for ack in stats.acks:
            key = (stats.name, ack.submission_id, ack.action, repr(sorted(ack.after.items())))
            if events[key] > 0:
                events[key] -= 1
            else:
                no_audit += 1
            if ack.action == triage.NOTE and ack.after.get("note_id") not in note_ids:
                missing_notes += 1
            seen_versions[(ack.submission_id, ack.version)] += 1
            per_lead[ack.submission_id] += 1
    same_version = sum(n - 1 for n in seen_versions.values() if n > 1)
    wrong_final = sum(1 for sid, n in per_lead.items() if versions.get(sid) != 1 + n)
    return {"acknowledged but not in the audit log": no_audit, "notes missing": missing_notes,
            "two acks, one version": same_version, "leads with a wrong final version": wrong_final}


def run(url: str, args: argparse.Namespace) -> None:
    ids = seed(url, args.leads)
    stop = threading.Event()
    everyone = [ClientStats(f"client{n:02d}") for n in range(args.clients)]
    counts: Counter[str] = Counter()
    threads = [threading.Thread(target=client, args=(url, c.name, ids, stop, c, n, args.think_ms))
               for n, c in enumerate(everyone)]
    threads += [threading.Thread(target=worker, args=(url, stop, counts)),
                threading.Thread(target=listener, args=(url, stop, counts))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    elapsed = time.perf_counter() - started
    latencies = Stats(tuple(ms for c in everyone for ms in c.latencies_ms))
    acks = sum(len(c.acks) for c in everyone)
    actions = len(latencies.samples)
    by_action: defaultdict[str, int] = defaultdict(int)
    for c in everyone:
        for ack in c.acks:
            by_action[ack.action] += 1
    lost = lost_updates(url, everyone)
    failures = [f for c in everyone for f in c.failures]
    print(f"{args.clients} clients × {elapsed:.0f} s on {args.leads} leads, think time "
          f"{args.think_ms:.0f} ms, worker ingesting")
    print(f"  actions issued        {actions:,}  ({actions / elapsed:,.0f}/s; some were no-ops)")
    print(f"  changes acknowledged  {acks:,}  ({acks / elapsed:,.0f}/s)  "
          + ", ".join(f"{k} {v}" for k, v in sorted(by_action.items())))
    print(f"  conflicts reported    {sum(c.conflicts for c in everyone):,}")
    print(f"  latency               p50 {latencies.p50:.1f} ms · p95 {latencies.p95:.1f} ms · "
          f"worst {latencies.worst:.1f} ms")
    print(f"  worker                {counts['ingested']:,} messages ingested")
    print("  NOTIFY heard          " + ", ".join(f"{k.split(':', 1)[1]} {v:,}" for k, v in
                                                  sorted(counts.items()) if k.startswith("notify")))
    print(f"  failures              {len(failures)}" + (f" (first: {failures[0]})" if failures
                                                         else ""))
    print(f"  lost updates          {sum(lost.values())}  " + ", ".join(
        f"{k}: {v}" for k, v in lost.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--leads", type=int, default=200,
                        help="leads the clients pick from (fewer: more conflicts)")
    parser.add_argument("--think-ms", type=float, default=0,
                        help="mean pause between a client's actions (default 0: flat out)")
    parser.add_argument("--pg-url", help="an existing server's maintenance database URL")
    args = parser.parse_args()
    if args.pg_url:
        with scratch_database(args.pg_url, args.leads) as url:
            run(url, args)
        return
    with local_server() as server_url, scratch_database(server_url, args.leads) as url:
        run(url, args)


if __name__ == "__main__":
    main()
