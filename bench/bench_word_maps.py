"""A common word's total on SQLite, the first time and again: what :mod:`leaddesk.query.word_maps`
costs and saves.

    python -m bench.bench_word_maps --db /tmp/x/leaddesk-1000000.db [--runs 20] [--next-word]

``bench_query`` reports the second of two passes over its searches; here each pass is reported,
in a fresh process, so a word's first search is seen too:

* ``(b) with total``: ``find(..., with_total=True)`` over bench_query's searches (a word, a topic,
  statuses), pass 1 (every word met for the first time, the first call also the process's
  first query) then pass 2 (the same searches again);
* ``(e) count``: ``count(Filter(text="engagement"))``, the first call then the next ones (the
  second call reads the word's map).

With ``--next-word`` the process measures instead a user typing one word after another under the
same filters: each of bench_query's searches runs (not timed), then the next word of the list under
the same topic and statuses is timed: ``(f)``, a word's first search (words met again from the
15th search on, as in pass 1) with its filters' rows just read for another word.

Each run opens its own session, as in ``bench_query``. Compare with main's code by running it
with ``PYTHONPATH=/path/to/main/src:.`` (bench/README.md, "Issue #20: word maps").
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from bench.scenarios import COMMON_WORD, PAGE, WORDS, text_filters
from bench.timing import Stats
from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import Filter


def _timed(db: Database, call: object, flt: Filter) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    with db.session() as session:
        if call == "find":
            query.find(session, flt, limit=PAGE)
        else:
            query.count(session, flt)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _line(label: str, samples: list[tuple[float, float]]) -> str:
    wall = Stats(tuple(w for w, _ in samples))
    cpu = Stats(tuple(c for _, c in samples))
    return (f"| {label} | {wall.p50:6.1f} / {wall.p95:6.1f} | {cpu.p50:6.1f} / {cpu.p95:6.1f} "
            f"| {max(w for w, _ in samples):6.1f} |")


def _next_words(db: Database, runs: int) -> None:
    samples = []
    for i, flt in enumerate(text_filters(runs)):
        _timed(db, "find", flt)
        samples.append(_timed(db, "find", replace(flt, text=WORDS[(i + 1) % len(WORDS)])))
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| call | wall p50 / p95 ms | CPU p50 / p95 ms | slowest ms |")
    print("|---|---|---|---|")
    print(_line("(f) the next word under the same topic and statuses, with total", samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="an SQLite file bench.generate filled")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--next-word", action="store_true",
                        help="time the next word under the filters just searched (f) instead")
    args = parser.parse_args()
    db = Database.open(f"sqlite:///{args.db}", upgrade=False)
    if args.next_word:
        try:
            _next_words(db, args.runs)
        finally:
            db.close()
        return
    try:
        searches = text_filters(args.runs)
        passes = [[_timed(db, "find", flt) for flt in searches] for _ in range(2)]
        word = Filter(text=COMMON_WORD)
        counts = [_timed(db, "count", word) for _ in range(args.runs + 1)]
    finally:
        db.close()
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| call | wall p50 / p95 ms | CPU p50 / p95 ms | slowest ms |")
    print("|---|---|---|---|")
    print(_line("(b) text + topic + status, with total, pass 1", passes[0]))
    print(_line("(b) the same, pass 2", passes[1]))
    print(f"| (e) count of {COMMON_WORD!r}, first call | {counts[0][0]:6.1f} | {counts[0][1]:6.1f} "
          f"| |")
    print(_line(f"(e) count of {COMMON_WORD!r}, next {args.runs} calls", counts[1:]))


if __name__ == "__main__":
    main()
