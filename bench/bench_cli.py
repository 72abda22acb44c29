"""Command-line start-up: `leaddesk --version` and `leaddesk list` beside git, whole processes.

    python -m bench.bench_cli [--runs 10] [--rows 2000] [--db /tmp/x.db]

Builds (or reuses, ``--db``) a small SQLite database with :mod:`bench.generate`, then runs, each
``--runs`` times and interleaved so that all meet the same machine:

* `leaddesk --version` and `leaddesk list` (the first page of 50) as ``python -m leaddesk``, the
  same code the ``leaddesk`` script runs, in a fresh process each time;
* the peer: `git --version` and `git log -1` in this repository;
* with ``--baseline-src DIR``, `leaddesk list` run with another checkout's ``src`` (say main's)
  on the same database, for a before/after in the same minutes.

Prints the median wall time of each, the median CPU time (user + system, from ``os.wait4``: the
child's own, much less disturbed by other work on the machine than wall time) and the ratio of
LeadDesk's to git's. The load average is printed too: on the shared 2-core machine wall times at a
load above ~2 are inflated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def commands(db_url: str, baseline: Path | None = None) -> dict[str, list[str]]:
    leaddesk = [sys.executable, "-m", "leaddesk"]
    found = {
        "leaddesk --version": [*leaddesk, "--version"],
        "leaddesk list": [*leaddesk, "--db", db_url, "list"],
        "git --version": ["git", "--version"],
        "git log -1": ["git", "-C", str(REPO), "log", "-1"],
    }
    if baseline is not None:  # another checkout's code, same interpreter and database
        found["list (baseline)"] = ["env", f"PYTHONPATH={baseline}", *leaddesk, "--db", db_url,
                                    "list"]
    return found


def time_once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv``."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=2000, help="rows of the generated database")
    parser.add_argument("--db", type=Path, help="reuse (or create) this SQLite file")
    parser.add_argument("--baseline-src", type=Path,
                        help="also time `list` with this checkout's src/ (e.g. main's), interleaved")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="leaddesk-bench-cli-") as tmp:
        db = args.db or Path(tmp) / "cli.db"
        if not db.exists():
            subprocess.run([sys.executable, "-m", "bench.generate", "--rows", str(args.rows),
                            "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
        cmds = commands(f"sqlite:///{db}", args.baseline_src)
        for argv_ in cmds.values():  # warm the page cache and the .pyc files once
            time_once(argv_)
        walls: dict[str, list[float]] = {name: [] for name in cmds}
        cpus: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, argv_ in cmds.items():
                wall, cpu = time_once(argv_)
                walls[name].append(wall * 1000)
                cpus[name].append(cpu * 1000)
    wall_ms = {name: statistics.median(s) for name, s in walls.items()}
    cpu_ms = {name: statistics.median(s) for name, s in cpus.items()}
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.runs} runs, ms")
    print(f"  {'':<20} {'wall':>7} {'min':>7} {'cpu':>7}")
    for name in cmds:
        print(f"  {name:<20} {wall_ms[name]:7.1f} {min(walls[name]):7.1f} {cpu_ms[name]:7.1f}")
    pairs = [("leaddesk --version", "git --version"), ("leaddesk list", "git log -1")]
    if args.baseline_src is not None:
        pairs.append(("leaddesk list", "list (baseline)"))
    for ours, peer in pairs:
        print(f"ratio {ours} / {peer}: wall {wall_ms[ours] / wall_ms[peer]:.1f}x")


if __name__ == "__main__":
    main()
