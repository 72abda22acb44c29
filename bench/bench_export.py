"""Export benchmark: a million submissions to CSV with LeadDesk, beside ``sqlite3 -csv``.

    python -m bench.bench_export [--db /tmp/x.db] [--rows 1000000] [--small-rows 100000]

Builds (or reuses, ``--db`` / ``--small-db``) SQLite databases of ``--rows`` and ``--small-rows``
submissions with :mod:`bench.generate`, then, ``--runs`` times and interleaved so that both meet
the same machine, exports every submission (``leaddesk export --all``, newest first; ``--scope
inbox``: plain ``leaddesk export``, spam and other mail left out) with:

* LeadDesk: ``export_to_file`` (generic preset, UTF-8 with BOM) in a child process;
* the sqlite3 shell: ``-csv -header`` writing the same database columns (tags joined the same way)
  in the same order; it has no first/last name split, LeadDesk's two extra columns.

Each child is reaped with ``os.wait4``: wall time, CPU time and peak RSS (``ru_maxrss``). On Linux
its CPU time includes the processes it reaped itself: a large LeadDesk export's helper process
(:mod:`leaddesk.export.sqlite_split`), whose CPU time the child also prints. Its peak RSS is not
in ``ru_maxrss``, which holds the largest process's (and a spawned process's counts the fork's
copy of its parent before the exec). The small database shows whether LeadDesk's RSS stays flat
as rows grow; one export per lead (window functions in the database) is timed for information. Everything goes
to ``--work`` (default /tmp); nothing is written in the repository. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SQLITE3 = "/usr/bin/sqlite3"
REPO = Path(__file__).resolve().parents[1]

# The sqlite3 shell's side: the generic preset's database columns, the same rows, the same order.
SQLITE_SQL = """\
.headers on
.mode csv
.output {out}
SELECT s.id, s.message_id, s.received_at, s.submitted_at, s.visitor_name, s.visitor_email,
       s.visitor_phone, s.visitor_company, s.topic,
       (SELECT group_concat(name, '; ') FROM (
            SELECT t.name FROM submission_tags st JOIN tags t ON t.id = st.tag_id
            WHERE st.submission_id = s.id ORDER BY t.name)) AS tags,
       s.status, m.name AS assignee, s.page_url, p.title AS post_title, s.body_text AS message,
       a.name AS account
FROM submissions s
LEFT JOIN accounts a ON a.id = s.account_id
LEFT JOIN posts p ON p.id = s.post_id
LEFT JOIN team_members m ON m.id = s.assignee_id
{where}
ORDER BY s.received_at DESC, s.id DESC;
"""


@dataclass(frozen=True)
class Measured:
    """One child process: what it did and what it cost."""

    label: str
    rows: int
    wall: float        # seconds, start to exit, as the user waits for it
    cpu: float         # user + system seconds of the child (and of the processes it reaped)
    maxrss_kb: int     # peak resident set size of the child
    out_bytes: int
    helper_cpu: float = 0.0  # of that CPU time, the export's helper process (LeadDesk only)

    @property
    def rate(self) -> float:
        return self.rows / self.wall if self.wall else 0.0


def run_measured(argv: list[str], *, stdin: str | None = None) -> tuple[float, float, int, str]:
    """Run ``argv``; wall seconds, CPU seconds and peak RSS (kB) of that child alone, its stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(stdin or "")
    process.stdin.close()
    out = process.stdout.read()  # not communicate(): it would reap the child before wait4 can
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv[0]} failed with exit code {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out


# --scope: every submission (`leaddesk export --all`), or the inbox (`leaddesk export`: spam and
# mail that is not a form submission left out).
SCOPES = {"all": "", "inbox": "WHERE s.status != 'spam' AND s.is_submission = 1"}


def count_rows(db: Path, scope: str) -> int:
    """Rows the export writes (counted, not timed)."""
    out = subprocess.run([SQLITE3, "-readonly", str(db),
                          f"SELECT count(*) FROM submissions s {SCOPES[scope]}"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def leaddesk(db: Path, out: Path, label: str, scope: str, *, per: str = "submission") -> Measured:
    wall, cpu, rss, printed = run_measured([sys.executable, "-m", "bench.bench_export", "_child",
                                            "--db", str(db), "--out", str(out), "--per", per,
                                            "--scope", scope])
    result = json.loads(printed)
    return Measured(label, int(result["rows"]), wall, cpu, rss, out.stat().st_size,
                    result["helper_cpu"])


def sqlite_shell(db: Path, out: Path, rows: int, scope: str) -> Measured:
    wall, cpu, rss, _ = run_measured([SQLITE3, "-readonly", str(db)],
                                     stdin=SQLITE_SQL.format(out=out, where=SCOPES[scope]))
    return Measured("sqlite3 -csv", rows, wall, cpu, rss, out.stat().st_size)


def ensure_database(path: Path, rows: int) -> None:
    if path.exists():
        print(f"reusing {path}", flush=True)
        return
    print(f"generating {rows:,} submissions into {path} (bench.generate) ...", flush=True)
    subprocess.run([sys.executable, "-m", "bench.generate", "--rows", str(rows), "--db",
                    str(path)], cwd=REPO, check=True)


def child(argv: list[str]) -> None:
    """The measured LeadDesk process: open the database as the app does, export, print a result."""
    parser = argparse.ArgumentParser(prog="bench_export _child")
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--per", default="submission")
    parser.add_argument("--scope", choices=sorted(SCOPES), default="all")
    args = parser.parse_args(argv)
    from leaddesk.db import Database
    from leaddesk.export import ExportOptions, Per, export_to_file
    from leaddesk.query import Filter

    db = Database.open(f"sqlite:///{args.db}")
    try:
        everything = args.scope == "all"  # `leaddesk export --all`, else plain `leaddesk export`
        flt = Filter(include_spam=everything, include_non_submissions=everything)
        result = export_to_file(db, flt, args.out, ExportOptions(per=Per(args.per)))
    finally:
        db.close()
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the export's helper, if it ran
    print(json.dumps({"rows": result.rows, "seconds": result.seconds,
                      "helper_cpu": helpers.ru_utime + helpers.ru_stime}))


def _line(m: Measured) -> str:
    helper = f" (helper {m.helper_cpu:.1f})" if m.helper_cpu else ""
    return (f"  {m.label:<24} {m.rows:>10,} rows {m.wall:>7.1f} s {m.rate:>9,.0f} rows/s "
            f"cpu {m.cpu:>6.1f} s{helper}  peak RSS {m.maxrss_kb / 1024:>6.1f} MB  "
            f"{m.out_bytes / 1e6:>6.0f} MB written")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        child(argv[1:])
        return
    parser = argparse.ArgumentParser(description="Export 1M submissions to CSV with LeadDesk and "
                                     "with the sqlite3 shell; report rows/s and peak RSS.")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="the large database (built if missing)")
    parser.add_argument("--small-db", type=Path, help="the small database (built if missing)")
    parser.add_argument("--work", type=Path, default=Path("/tmp"),
                        help="where databases and exported files go (default /tmp)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs; the best counts")
    parser.add_argument("--scope", choices=sorted(SCOPES), default="all",
                        help="all: every submission (default); inbox: spam and other mail left out")
    parser.add_argument("--no-per-lead", action="store_true", help="skip the per-lead export")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    work = args.work
    big = args.db or work / f"leaddesk-bench-export-{args.rows}.db"
    small = args.small_db or work / f"leaddesk-bench-export-{args.small_rows}.db"
    ensure_database(big, args.rows)
    ensure_database(small, args.small_rows)
    out = work / "leaddesk-bench-export.csv"
    shell_out = work / "leaddesk-bench-export-sqlite3.csv"
    rows = count_rows(big, args.scope)
    print(f"exporting {rows:,} rows ({args.scope}; load average {os.getloadavg()[0]:.2f}), "
          f"{args.runs} runs", flush=True)

    ours: list[Measured] = []
    theirs: list[Measured] = []
    for _ in range(args.runs):
        theirs.append(sqlite_shell(big, shell_out, rows, args.scope))
        print(_line(theirs[-1]), flush=True)
        ours.append(leaddesk(big, out, "LeadDesk export", args.scope))
        print(_line(ours[-1]), flush=True)
        if ours[-1].rows != rows:
            raise SystemExit(f"LeadDesk wrote {ours[-1].rows:,} rows, expected {rows:,}")
    small_runs = [leaddesk(small, work / "leaddesk-bench-export-small.csv", "LeadDesk small",
                           args.scope) for _ in range(2)]
    for m in small_runs:
        print(_line(m), flush=True)
    per_lead = None
    if not args.no_per_lead:
        per_lead = leaddesk(big, work / "leaddesk-bench-export-leads.csv", "LeadDesk per lead",
                            args.scope, per="lead")
        print(_line(per_lead), flush=True)
    load = os.getloadavg()[0]

    best_ours = min(ours, key=lambda m: m.wall)
    best_theirs = min(theirs, key=lambda m: m.wall)
    best_small = min(small_runs, key=lambda m: m.wall)
    ratio = best_ours.rate / best_theirs.rate
    print("\nbest of each:")
    for m in (best_theirs, best_ours, best_small, *([per_lead] if per_lead else [])):
        print(_line(m))
    print(f"\nLeadDesk / sqlite3 rate: {ratio:.2f} (target >= 0.60, issue #20); by CPU time: "
          f"{best_theirs.cpu / best_ours.cpu:.2f}")
    print(f"peak RSS {best_small.rows:,} rows: {best_small.maxrss_kb / 1024:.1f} MB, "
          f"{best_ours.rows:,} rows: {max(m.maxrss_kb for m in ours) / 1024:.1f} MB")
    print(f"load average after: {load:.2f} (2 cores; above ~1 something else was running)")
    if args.json:
        args.json.write_text(json.dumps({
            "sqlite3": [m.__dict__ for m in theirs], "leaddesk": [m.__dict__ for m in ours],
            "small": [m.__dict__ for m in small_runs],
            "per_lead": per_lead.__dict__ if per_lead else None, "ratio": ratio,
            "scope": args.scope,
        }, indent=2))


if __name__ == "__main__":
    main()
