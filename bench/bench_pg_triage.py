"""What the kept word counts (revision 0010) cost a triage on PostgreSQL: a status change of one
lead and of a batch, with the word-count trigger on and off, interleaved, on an existing database.

    python -m bench.bench_pg_triage --pg-db postgresql+psycopg://…/lead1m [--rounds 20] [--batch 200]

A status change fires ``search_terms_group``, which notes the row's lexemes twice (subtracted from
the old group, added to the new one); at commit the deferred trigger sums and applies them. "off"
disables that one trigger for the run (``ALTER TABLE … DISABLE TRIGGER``), and every change made
while it is off is undone while it is still off, so the kept counts stay exact. The leads are the
newest ones in status "new" (the ones a person triages), moved to "open" and back; each change is
one transaction through :func:`leaddesk.triage.actions.set_status` / ``bulk_set_status`` as the
window makes it. Prints median and p95 per call, in ms, and the server's CPU time of each side
(``/proc`` of the backend, when the server runs on this machine).
"""

from __future__ import annotations

import argparse
import time
from statistics import median

from sqlalchemy import select, text

from bench import pg
from bench.timing import Stats
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.triage import actions

ACTOR = "bench"
TRIGGER = "search_terms_group"


def _switch(db: Database, on: bool) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE submissions {'ENABLE' if on else 'DISABLE'} "
                          f"TRIGGER {TRIGGER}"))


def _one(db: Database, lead: int, status: str) -> float:
    started = time.perf_counter()
    with db.session() as session:
        actions.set_status(session, lead, status, actor=ACTOR)
    return (time.perf_counter() - started) * 1000


def _many(db: Database, leads: list[int], status: str) -> float:
    started = time.perf_counter()
    with db.session() as session:
        actions.bulk_set_status(session, leads, status, actor=ACTOR)
    return (time.perf_counter() - started) * 1000


def run(db: Database, rounds: int, batch: int) -> dict[str, dict[str, list[float]]]:
    with db.session() as session:
        leads = list(session.execute(
            select(Submission.id).where(Submission.status == "new",
                                        Submission.is_submission.is_(True))
            .order_by(Submission.received_at.desc()).limit(rounds + batch)).scalars())
    singles, group = leads[:rounds], leads[rounds:]
    times: dict[str, dict[str, list[float]]] = {
        side: {"one": [], "batch": [], "cpu": []} for side in ("on", "off")}
    cpu = pg.backend_cpu(db)
    for i, lead in enumerate(singles):
        for side in (("on", "off") if i % 2 == 0 else ("off", "on")):
            _switch(db, side == "on")
            before = cpu()
            times[side]["one"].append(_one(db, lead, "open"))
            times[side]["one"].append(_one(db, lead, "new"))
            times[side]["batch"].append(_many(db, group, "open"))
            times[side]["batch"].append(_many(db, group, "new"))
            times[side]["cpu"].append(cpu() - before)
    _switch(db, True)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-db", required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args(argv)
    db = Database.open(args.pg_db, upgrade=False)
    try:
        times = run(db, args.rounds, args.batch)
    finally:
        _switch(db, True)
        db.close()
    print(f"status change with the word-count trigger on and off, {args.rounds} rounds, "
          f"interleaved; ms (p50 / p95)")
    print("| call | trigger on | trigger off | on / off (p50) |\n|---|---|---|---|")
    for key, label in (("one", "one lead, new ↔ open"),
                       ("batch", f"{args.batch} leads at once, new ↔ open")):
        on, off = Stats(tuple(times["on"][key])), Stats(tuple(times["off"][key]))
        print(f"| {label} | {on.p50:.1f} / {on.p95:.1f} | {off.p50:.1f} / {off.p95:.1f} | "
              f"{on.p50 / off.p50:.2f}× |")
    print(f"server CPU per round (2 single changes, 2 batches): on {median(times['on']['cpu']):.3f} s,"
          f" off {median(times['off']['cpu']):.3f} s (medians)")


if __name__ == "__main__":
    main()
