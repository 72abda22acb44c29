"""Response-times benchmark: business-time arithmetic, the overdue filter and the insights report.

    python -m bench.bench_response_times [--rows 100000] [--runs 10]

Builds a throwaway SQLite database (the real schema) of ``--rows`` leads spread over a year, 70 %
answered between 10 minutes and 5 days after arrival, with owners and topics, under a Europe/
Stockholm Mon-Fri 09:00-17:00 policy, and prints:

* one lead's business time (``seconds_between``) for a one-day and a one-year span, and the list
  badge (``overdue``) per row;
* the overdue filter through ``leaddesk.query``: the count and the first page of the "Overdue"
  view, with the deadline worked out once;
* ``response_stats.report`` (every lead's time to first answer, grouped three ways).

Figures are wall-clock milliseconds (median and worst of ``--runs``, after one warm-up run).
See bench/README.md, Response times.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from leaddesk import query, response_stats, response_times
from leaddesk.business_hours import BusinessHours
from leaddesk.db import Database
from leaddesk.db.models import Submission, TeamMember
from leaddesk.response_times import ResponsePolicy

START = datetime(2025, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
TOPICS = ("Speakers bureaus", "Market access", "Patient engagement", "Medical education", None)
POLICY = ResponsePolicy(BusinessHours("Europe/Stockholm"), 8.0)


def build(path: Path, rows: int) -> Database:
    db = Database.open(f"sqlite:///{path}")
    rng = random.Random(22)
    with db.session() as s:
        members = [TeamMember(name=n) for n in ("Anna", "Ben", "Chloé", "Dev")]
        s.add_all(members)
        s.flush()
        response_times.save_policy(s, POLICY, actor="bench")
        owners = [m.id for m in members] + [None]
        batch = []
        for i in range(rows):
            received = START + timedelta(seconds=rng.randrange(365 * 86400))
            answered = (received + timedelta(minutes=rng.randrange(10, 5 * 24 * 60))
                        if rng.random() < 0.7 else None)
            batch.append({"source_key": f"bench:{i}", "received_at": received,
                          "first_answered_at": answered, "topic": rng.choice(TOPICS),
                          "assignee_id": rng.choice(owners), "status": "waiting" if answered
                          else rng.choice(("new", "open", "done")), "fields": {},
                          "problems": [], "subject": f"Lead {i}", "body_text": "Hello"})
            if len(batch) == 5000:
                s.execute(insert(Submission), batch)
                batch.clear()
        if batch:
            s.execute(insert(Submission), batch)
    return db


def timed(what: str, run: Callable[[], object], runs: int, per: int = 1) -> None:
    run()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000 / per)
    unit = "ms" if per == 1 else "ms each"
    print(f"  {what:<52} median {statistics.median(samples):9.3f} {unit}   "
          f"worst {max(samples):9.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", type=Path, metavar="DB",
                        help="build the database at DB once and reuse it (outside the repository)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = args.keep or Path(tmp) / "bench.db"
        db = Database.open(f"sqlite:///{path}") if path.exists() else build(path, args.rows)
        print(f"{args.rows:,} leads ready in {time.perf_counter() - started:.1f} s")
        hours = POLICY.hours
        day_ago, year_ago = NOW - timedelta(days=1), NOW - timedelta(days=365)
        print("business-time arithmetic")
        timed("seconds_between, a one-day span (x1000)",
              lambda: [hours.seconds_between(day_ago, NOW) for _ in range(1000)], args.runs, 1000)
        timed("seconds_between, a one-year span (x100)",
              lambda: [hours.seconds_between(year_ago, NOW) for _ in range(100)], args.runs, 100)
        timed("overdue_before (the deadline)", lambda: POLICY.overdue_before(NOW), args.runs)
        with db.session() as s:
            rows = query.find(s, query.Filter(), limit=50).rows
        timed("overdue() for a page of 50 list rows",
              lambda: [response_times.overdue(r, NOW, POLICY) for r in rows], args.runs)
        late = query.Filter(statuses=("new", "open", "waiting"), overdue=True,
                            overdue_before=POLICY.overdue_before(NOW))
        with db.session() as s:
            print(f"the Overdue view ({query.count(s, late):,} of {args.rows:,} leads)")
            timed("count", lambda: query.count(s, late), args.runs)
            timed("first page of 50, newest first",
                  lambda: query.find(s, late, limit=50), args.runs)
            print("insights")
            found = response_stats.report(s, now=NOW)
            timed("response_stats.report (every grouping)",
                  lambda: response_stats.report(s, now=NOW), max(3, args.runs // 3))
        overall = found.overall
        print(f"  overall: {overall.answered:,} answered, median "
              f"{response_stats.duration_text(overall.median_s)}, p90 "
              f"{response_stats.duration_text(overall.p90_s)}, {overall.waiting:,} waiting")
        db.close()


if __name__ == "__main__":
    main()
