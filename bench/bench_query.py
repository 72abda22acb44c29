"""Query benchmark: generate N submissions, then time the inbox, search, facets and counts.

    python -m bench.bench_query --sizes 100000 1000000 [--keep DIR] [--start-postgres]

For each size it builds a fresh SQLite database with :mod:`bench.generate` (reporting the insert
rate), reopens it as the app would, and reports p50/p95 latency over ``--runs`` runs of each
scenario in :mod:`bench.scenarios`. With ``--pg-url`` (a server's maintenance database) or
``--start-postgres`` it does the same on PostgreSQL for ``--pg-sizes``; ``--pg-db`` measures a
PostgreSQL database already filled by :mod:`bench.generate` (a million rows take minutes to load)
and keeps it. When both engines ran at one size, the report adds their ratio. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from bench import pg, verify
from bench.generate import Result, populate
from bench.scenarios import WORDS, scenarios, text_filters
from bench.timing import Stats, measure
from leaddesk.db import Database
from leaddesk.db.search import fts5_query

VERIFY_MAX_SIZE = 200_000
# The brief's targets, for SQLite at 1M rows, judged on p95.
TARGETS_MS = {"page_total": 10.0, "page": 10.0, "text_total": 50.0, "text": 50.0,
              "facets": 60.0, "count_word": 100.0, "estimate_word": 100.0}


@dataclass
class Run:
    """One database (engine and size) and what was measured on it."""

    engine: str
    size: int
    load: Result | None = None              # None when an existing database was reused
    stats: dict[str, Stats] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)  # search word -> rows it matches
    load_before: float = 0.0                # 1-minute load average around the measurements:
    load_after: float = 0.0                 # above ~1 something else competed for the 2 cores

    @property
    def title(self) -> str:
        return f"{self.engine} {_short(self.size)}"


def _short(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"


# ----------------------------------------------------------------- one database

def _load(url: str, size: int, seed: int) -> Result:
    db = Database.open(url)
    try:
        print(f"  generating {size:,} submissions ...", flush=True)
        result = populate(db, size, seed=seed)
    finally:
        db.close()
    print(f"  {result.rate:,.0f} rows/s ({result.seconds:.0f} s; database alone "
          f"{result.write_rate:,.0f} rows/s)", flush=True)
    return result


def _verify(url: str, size: int) -> None:
    if size > VERIFY_MAX_SIZE:
        print(f"  (answers not verified: the plain reference is too slow above "
              f"{VERIFY_MAX_SIZE:,} rows)", flush=True)
        return
    db = Database.open(url)
    try:
        problems = verify.check(db)
    finally:
        db.close()
    print(f"  answers checked against plain SQL: {problems or 'no'} mismatches", flush=True)
    if problems:
        raise SystemExit(f"{problems} answers differ from plain SQL; see above")


def _measure(run: Run, url: str, runs: int) -> None:
    db = Database.open(url)  # a fresh engine, as when the app starts
    run.load_before = os.getloadavg()[0]
    try:
        for scenario in scenarios(db, runs):
            started = time.perf_counter()
            measured = measure(scenario.run, runs)
            run.stats[scenario.key] = stats = measured.warm
            run.labels[scenario.key] = scenario.label
            if scenario.key == "text":  # the first scenario to meet each search
                run.stats["text_first"] = measured.first
                run.labels["text_first"] = "(b) no total, first time each search runs"
            print(f"  {scenario.label:<42} p50 {stats.p50:8.1f} ms  p95 {stats.p95:8.1f} ms"
                  f"   ({time.perf_counter() - started:.0f} s)", flush=True)
        if db.dialect == "sqlite":
            with db.engine.connect() as conn:
                for word in WORDS:
                    run.words[word] = int(conn.execute(text(
                        "SELECT count(*) FROM submissions_fts WHERE submissions_fts MATCH :q"),
                        {"q": fts5_query(word)}).scalar_one())
    finally:
        db.close()
    run.load_after = os.getloadavg()[0]


def bench_sqlite(size: int, args: argparse.Namespace) -> Run:
    print(f"SQLite, {size:,} rows", flush=True)
    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="leaddesk-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"leaddesk-{size}.db"
    run = Run("SQLite", size)
    try:
        if path.exists() and args.keep and not args.fresh:
            print(f"  reusing {path}", flush=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            run.load = _load(f"sqlite:///{path}", size, args.seed)
        _measure(run, f"sqlite:///{path}", args.runs)
        if args.verify:
            _verify(f"sqlite:///{path}", size)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return run


def bench_postgres(server_url: str, size: int, args: argparse.Namespace) -> Run:
    print(f"PostgreSQL, {size:,} rows", flush=True)
    run = Run("PostgreSQL", size)
    with pg.scratch_database(server_url, size) as url:
        run.load = _load(url, size, args.seed)
        pg.analyze(url)
        _measure(run, url, args.runs)
        if args.verify:
            _verify(url, size)
    return run


def bench_postgres_loaded(url: str, args: argparse.Namespace) -> Run:
    """An existing database ``bench.generate`` filled: analysed, measured, left as it is."""
    db = Database.open(url)
    try:
        with db.engine.connect() as conn:
            size = int(conn.execute(text("SELECT count(*) FROM submissions")).scalar_one())
    finally:
        db.close()
    print(f"PostgreSQL, {size:,} rows (loaded already)", flush=True)
    run = Run("PostgreSQL", size)
    pg.analyze(url)
    _measure(run, url, args.runs)
    return run


# ----------------------------------------------------------------- report

def _cell(stats: Stats | None) -> str:
    return f"{stats.p50:7.1f} / {stats.p95:7.1f}" if stats else "-"


def _pairs(results: list[Run]) -> list[tuple[Run, Run]]:
    """(SQLite, PostgreSQL) runs of the same size, for the ratio columns."""
    return [(lite, post) for lite in results if lite.engine == "SQLite"
            for post in results if post.engine == "PostgreSQL" and post.size == lite.size]


def _ratio(lite: Stats | None, post: Stats | None) -> str:
    if lite is None or post is None:
        return "-"
    return f"{post.p50 / lite.p50:.1f}× / {post.p95 / lite.p95:.1f}×"


def report(results: list[Run], runs: int) -> str:
    """The results as a Markdown table (latencies p50 / p95 in ms), then the search words."""
    keys = list(results[0].labels)
    pairs = _pairs(results)
    head = ["", *[r.title for r in results],
            *[f"PostgreSQL / SQLite {_short(lite.size)}" for lite, _ in pairs],
            "target (SQLite 1M, p95)"]
    lines = [f"| {' | '.join(head)} |", f"|{'---|' * len(head)}"]
    rates = [f"{r.load.rate:,.0f}" if r.load else "(reused)" for r in results]
    lines.append(f"| insert rate, rows/s | {' | '.join(rates)} |{' |' * len(pairs)} |")
    judged = next((r for r in results if r.engine == "SQLite" and r.size == 1_000_000), None)
    for key in keys:
        target = TARGETS_MS.get(key)
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:g} ms"
            if judged is not None:
                verdict += " ✅ met" if judged.stats[key].p95 <= target else " ❌ missed"
        cells = [_cell(r.stats.get(key)) for r in results]
        cells += [_ratio(lite.stats.get(key), post.stats.get(key)) for lite, post in pairs]
        lines.append(f"| {results[0].labels[key]} | {' | '.join(cells)} | {verdict} |")
    loads = [f"{r.load_before:.1f}-{r.load_after:.1f}" for r in results]
    lines.append(f"| load average while measuring | {' | '.join(loads)} |{' |' * len(pairs)} |")
    lines.append("")
    lines.append(f"Latency cells: p50 / p95 in ms over {runs} runs, each after a first pass over "
                 f"the same {runs} calls (that pass is shown for (b) only).")
    sqlite_runs = [r for r in results if r.words]
    if sqlite_runs:
        lines += ["", "Search words of (b) and the rows they match:", "",
                  f"| word | {' | '.join(r.title for r in sqlite_runs)} |",
                  f"|---|{'---|' * len(sqlite_runs)}"]
        for word in WORDS:
            lines.append(f"| {word} | {' | '.join(f'{r.words[word]:,}' for r in sqlite_runs)} |")
    return "\n".join(lines)


def _as_json(results: list[Run]) -> list[dict[str, object]]:
    return [{"engine": r.engine, "size": r.size,
             "insert_rows_per_s": r.load.rate if r.load else None,
             "write_rows_per_s": r.load.write_rate if r.load else None,
             "latency_ms": {k: {"p50": s.p50, "p95": s.p95, "max": s.worst,
                                "samples": list(s.samples)} for k, s in r.stats.items()},
             "load_average": [r.load_before, r.load_after],
             "searches": [f.text for f in text_filters(len(next(iter(r.stats.values())).samples))],
             "word_matches": r.words} for r in results]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="LeadDesk query benchmark (see bench/README.md)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000],
                        help="SQLite sizes (none: PostgreSQL only)")
    parser.add_argument("--runs", type=int, default=30, help="measured runs per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the SQLite files in DIR (and reuse them on the next run)")
    parser.add_argument("--fresh", action="store_true", help="with --keep: regenerate anyway")
    parser.add_argument("--pg-url", help="a PostgreSQL server's maintenance database URL")
    parser.add_argument("--start-postgres", action="store_true",
                        help="start a throwaway local PostgreSQL server for the run")
    parser.add_argument("--pg-sizes", type=int, nargs="+", default=[100_000],
                        help="sizes to run on PostgreSQL (default 100000)")
    parser.add_argument("--pg-db", metavar="URL",
                        help="also measure this PostgreSQL database, already filled by "
                             "bench.generate (kept as it is)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--verify", action="store_true",
                        help=f"also compare the answers with plain SQL (up to "
                             f"{VERIFY_MAX_SIZE:,} rows; see bench/verify.py)")
    args = parser.parse_args(argv)

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}", flush=True)
    results = [bench_sqlite(size, args) for size in args.sizes]
    with ExitStack() as stack:
        server = args.pg_url
        if server is None and args.start_postgres:
            server = stack.enter_context(pg.local_server())
        if server is not None:
            results += [bench_postgres(server, size, args) for size in args.pg_sizes]
    if args.pg_db:
        results.append(bench_postgres_loaded(args.pg_db, args))
    print()
    print(report(results, args.runs))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(_as_json(results), indent=1))


if __name__ == "__main__":
    main()
