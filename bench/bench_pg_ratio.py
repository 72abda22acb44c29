"""PostgreSQL against SQLite on the same rows, call by call: the query benchmark's scenarios
(bench/scenarios.py) run on both databases in alternation, so that load from other work on a
shared machine falls on both alike, and the report is the ratio the issue's target names
("PostgreSQL at 1M: the same queries within 2× of SQLite's figures").

    python -m bench.bench_pg_ratio --sqlite PATH.db --pg-db postgresql+psycopg://…/lead1m \
        [--runs 20] [--rounds 3]

Both databases must hold the same rows (``bench.generate`` with the same seed and size) at the
same schema; neither is changed (no ``VACUUM ANALYZE`` either: do it once beforehand). Each
round runs every scenario's calls once on each engine to warm caches, then its timed calls
interleaved (SQLite call i, PostgreSQL call i, …), the engine going first alternating from
round to round. Samples of all rounds are pooled: p50 / p95 per scenario and engine, the ratio,
and whether it is within 2×. CPU: this process's (both engines' client work, measured per
engine) and, when the server runs on this machine, the PostgreSQL backend's (from /proc).
When the code has ``Database.reading`` one call more is timed: the inbox's count in a session
for reads only, as `leaddesk list --count` makes it (on PostgreSQL without BEGIN and COMMIT).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from bench import pg
from bench.scenarios import Scenario, scenarios
from bench.timing import Stats
from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import Filter

TARGET = 2.0


def _timed(run: Callable[[int], object], i: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run(i)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def read_scenarios(db: Database) -> list[Scenario]:
    """The calls that `leaddesk list --count` makes in a session for reads only
    (:meth:`~leaddesk.db.Database.reading`; on PostgreSQL without BEGIN and COMMIT), when the
    database has it (main's code before it does not: then none)."""
    if not hasattr(db, "reading"):
        return []

    def count(_i: int) -> object:
        with db.reading() as session:
            return query.count(session, Filter())
    return [Scenario("count_read", "(d) count of the inbox, read session (`list --count`)",
                     count)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", required=True, help="the SQLite database file")
    parser.add_argument("--pg-db", required=True, help="the PostgreSQL database URL")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    lite = Database.open(f"sqlite:///{args.sqlite}", upgrade=False)
    post = Database.open(args.pg_db, upgrade=False)
    engines = {"SQLite": lite, "PostgreSQL": post}
    started, load = time.perf_counter(), [os.getloadavg()[0]]
    try:
        plans = {name: scenarios(db, args.runs) + read_scenarios(db)
                 for name, db in engines.items()}
        server = pg.backend_cpu(post)
        keys = [s.key for s in plans["SQLite"]]
        labels = {s.key: s.label for s in plans["SQLite"]}
        walls: dict[tuple[str, str], list[float]] = {}
        cpus: dict[tuple[str, str], float] = {}
        server_cpu: dict[str, float] = {}
        for round_ in range(args.rounds):
            order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
            for n, key in enumerate(keys):
                runs = {name: plans[name][n].run for name in engines}
                for name in order:  # warm: every variant once
                    for i in range(args.runs):
                        runs[name](i)
                before = server()
                for i in range(args.runs):
                    for name in order:
                        wall, cpu = _timed(runs[name], i)
                        walls.setdefault((key, name), []).append(wall)
                        cpus[key, name] = cpus.get((key, name), 0.0) + cpu
                server_cpu[key] = server_cpu.get(key, 0.0) + server() - before
            load.append(os.getloadavg()[0])
    finally:
        for db in engines.values():
            db.close()
    calls = args.runs * args.rounds
    print(f"{args.rounds} rounds × {args.runs} calls per scenario and engine, interleaved; "
          f"{time.perf_counter() - started:.0f} s; load average {min(load):.1f}-{max(load):.1f}")
    print("| call | SQLite p50 / p95 | PostgreSQL p50 / p95 | PostgreSQL / SQLite (p50 / p95) "
          "| within 2×? | client CPU per call, SQLite / PostgreSQL | PostgreSQL server CPU "
          "per call |")
    print("|---|---|---|---|---|---|---|")
    for key in keys:
        lite_s, post_s = Stats(tuple(walls[key, "SQLite"])), Stats(tuple(walls[key, "PostgreSQL"]))
        r50, r95 = post_s.p50 / lite_s.p50, post_s.p95 / lite_s.p95
        verdict = "yes" if r50 <= TARGET and r95 <= TARGET else (
            "p50 yes, p95 **no**" if r50 <= TARGET else "p95 yes, p50 **no**" if r95 <= TARGET
            else "**no**")
        print(f"| {labels[key]} | {lite_s.p50:.1f} / {lite_s.p95:.1f} | {post_s.p50:.1f} / "
              f"{post_s.p95:.1f} | {r50:.2f}× / {r95:.2f}× | {verdict} | "
              f"{cpus[key, 'SQLite'] / calls:.1f} / {cpus[key, 'PostgreSQL'] / calls:.1f} ms | "
              f"{server_cpu[key] * 1000 / calls:.1f} ms |")


if __name__ == "__main__":
    main()
