"""What rules cost on arrival: the same generated 10k Maildir imported with no rules and with ten
realistic ones, in the same run, on fresh SQLite databases; prints the ratio (target ≤ 10 %).

    python -m bench.bench_rules [--count 10000] [--repeat 3] [--work /tmp/leaddesk-bench-rules]

The corpus is bench/ingest_corpus.py's (the ingest benchmark's, reused when cached). Runs alternate
(none, rules, none, rules …) so that load from other jobs on the machine falls on both; the best of
each and the medians are compared. The time spent inside the rules' hook is also measured directly
and set against the rest of the same run, which a busy machine disturbs less than two separate runs.
CPU seconds are counted too: this process's (storing, and the hook's share of it) and with the
parsing workers it started, so the CPU an import costs with and without rules compares even when
other jobs make the wall clock jump.
The verdict is the wall-clock medians' ratio (the target is the import's time), with the CPU
medians' beside it; the load average is printed at the start and the end.
The rules route by topic (round-robin, an owner, tags), words, visitor domain,
phone country code, returning contacts, night hours and weekends, and mark one pattern spam:
together they change most leads, many in several ways.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import func, select

from bench.ingest_corpus import build_maildir
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission, TeamMember, TopicMapping
from leaddesk.ingest.files import import_paths
from leaddesk.rules import arrival, catalog
from leaddesk.rules.spec import RuleSpec, parse_action, parse_condition

TOPICS = ("Patient engagement", "Speakers bureaus", "Micro-influencers",
          "Public/private partnerships (IMI)", "Medical education", "Market access",
          "Digital campaigns")
MEMBERS = ("Anja Becker", "Marc Dupont", "Sofia Conti", "Lars Holm")
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], bool], ...] = (
    ("speakers", ("topic=Speakers bureaus",),
     ("assign=round-robin:Anja Becker,Marc Dupont", "tag=speakers"), True),
    ("engagement", ("topic=Patient engagement",), ("assign=Sofia Conti",), False),
    ("pricing words", ("words=price,pricing,quote,budget,proposal",), ("tag=hot",), False),
    ("free mail", ("domain=gmail.com,outlook.com,yahoo.com,hotmail.com",), ("tag=personal",),
     False),
    ("nordics", ("phone-prefix=+45,+46,+47,+358",), ("tag=nordics", "assign=Lars Holm"), False),
    ("returning", ("contact=returning",), ("tag=existing client",), False),
    ("night", ("hours=20-07",), ("tag=after hours",), False),
    ("weekend", ("days=sat,sun",), ("tag=weekend",), False),
    ("imi post", ("post=imi", "site=example-pharma-agency.com"), ("status=open",), False),
    ("seo spam", ("words=backlinks,seo ranking",), ("spam",), True),
)


def prepare(path: Path, with_rules: bool) -> Database:
    if path.exists():
        path.unlink()
    db = Database.open(f"sqlite:///{path}")
    with db.session() as s:
        for topic in TOPICS:  # the team's topics, so a form's subject naming one is the topic
            s.add(TopicMapping(kind="category", term=topic, topic=topic))
        for name in MEMBERS:
            s.add(TeamMember(name=name))
    if with_rules:
        with db.session() as s:
            for name, when, do, stop in RULES:
                catalog.add_rule(s, RuleSpec(name, tuple(parse_condition(c) for c in when),
                                             tuple(parse_action(a) for a in do), stop=stop),
                                 actor="bench")
    return db


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    hook: float  # of which inside the rules' hook
    stored: int
    changes: int  # audited changes to leads
    cpu: float  # CPU seconds of this process (storing, rules)
    hook_cpu: float  # of which inside the rules' hook
    all_cpu: float  # CPU seconds of this process and the parsing workers it started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(maildir: Path, work: Path, with_rules: bool) -> Run:
    """One import into a fresh database. The parsing workers are counted in ``all_cpu`` once
    the import has ended them (the pool is shut down and waited for at the end of an import)."""
    db = prepare(work / ("rules.db" if with_rules else "plain.db"), with_rules)
    in_hook = [0.0, 0.0]
    # The rules' hooks in the store (store.py calls them by attribute): deciding new rows before
    # the insert, finishing them after it, and the rules on stored leads (the fallback).
    # (Those present: run against main's code before them, apply_new is all there is.)
    hooks = {name: getattr(arrival, name) for name in ("decide_new", "finish_new", "apply_new")
             if hasattr(arrival, name)}

    def timed(hook: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return hook(*args)
            finally:
                in_hook[0] += time.perf_counter() - started
                in_hook[1] += time.process_time() - cpu
        return run

    for name, hook in hooks.items():
        setattr(arrival, name, timed(hook))
    try:
        started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        result = import_paths(db, [maildir])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        children = _children_cpu() - children
        with db.session() as s:
            changes = int(s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.entity == "submission")) or 0)
            stored = int(s.scalar(select(func.count()).select_from(Submission)) or 0)
        assert stored == result.added
        return Run(seconds, in_hook[0], stored, changes, cpu, in_hook[1], cpu + children)
    finally:
        for name, hook in hooks.items():
            setattr(arrival, name, hook)
        db.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/leaddesk-bench-rules"))
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = build_maildir(args.work / f"maildir-{args.count}", args.count, args.seed)
    print(f"load average at the start: {_load()}")
    print(f"corpus: {corpus.count} messages in {corpus.path}"
          + (" (reused)" if corpus.reused else f" (written in {corpus.seconds:.1f} s)"))
    runs: dict[bool, list[float]] = {False: [], True: []}
    all_cpu: dict[bool, list[float]] = {False: [], True: []}
    shares: list[float] = []
    cpu_shares: list[float] = []  # the hook's CPU over the rest of the import's CPU
    for n in range(args.repeat):
        for with_rules in (False, True):
            run = measure(corpus.path, args.work, with_rules)
            runs[with_rules].append(run.seconds)
            all_cpu[with_rules].append(run.all_cpu)
            if with_rules:
                shares.append(run.hook / (run.seconds - run.hook))
                cpu_shares.append(run.hook_cpu / (run.all_cpu - run.hook_cpu))
            label = f"{len(RULES)} rules" if with_rules else "no rules"
            print(f"run {n + 1}  {label:9}  {run.seconds:6.2f} s (in the rules' hook "
                  f"{run.hook:5.2f} s)  CPU {run.all_cpu:5.2f} s, storing {run.cpu:5.2f} s "
                  f"(hook {run.hook_cpu:4.2f} s)  {run.stored} leads  {run.changes} changes "
                  f"audited", flush=True)
    plain, ruled = min(runs[False]), min(runs[True])
    print(f"\nimport of {args.count}: {plain:.2f} s without rules, {ruled:.2f} s with "
          f"{len(RULES)} rules (best of {args.repeat} each)")
    plain_median, ruled_median = median(runs[False]), median(runs[True])
    print(f"medians: {plain_median:.2f} s without rules, {ruled_median:.2f} s with rules, "
          f"{ruled_median / plain_median - 1:+.1%}; inside the hook over the rest of the same "
          f"run: median {median(shares):+.1%}")
    print(f"CPU (this process and the parsing workers), medians: {median(all_cpu[False]):.2f} s "
          f"without rules, {median(all_cpu[True]):.2f} s with, "
          f"{median(all_cpu[True]) / median(all_cpu[False]) - 1:+.1%}; the hook's CPU over the "
          f"rest of the same import's: median {median(cpu_shares):+.1%}")
    wall = ruled_median / plain_median - 1
    cpu = median(all_cpu[True]) / median(all_cpu[False]) - 1
    # The target is the import's time: the wall-clock medians decide it; CPU is reported beside
    # it (steadier when other jobs share the machine), and so is the best of each.
    print(f"rules cost {wall:+.1%} of the import time by the wall-clock medians (best of each "
          f"{ruled / plain - 1:+.1%}), {cpu:+.1%} by CPU; target ≤ +10 %: "
          f"{'met' if wall <= 0.10 else 'NOT met'} by wall clock, "
          f"{'met' if cpu <= 0.10 else 'NOT met'} by CPU")
    print(f"load average at the end: {_load()}")


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


if __name__ == "__main__":
    main()
