"""Ingest benchmark: import a Maildir of form notifications and sync an IMAP folder, against peers.

    python -m bench.bench_ingest --sizes 5000 100000 --imap 5000 10000 [--repeat 3] [--diagnose]

For each size it writes (or reuses) a Maildir of N notifications in /tmp (:mod:`bench.ingest_corpus`),
then in the same run, in rounds (``--repeat``; one round for 50,000 messages and more unless
``--repeat-large``), every tool once per round on the same files:

* LeadDesk: the ``leaddesk import`` command (``leaddesk.cli.main``) into a fresh SQLite database, in
  a child process (:mod:`bench.ingest_child`);
* the floor: :mod:`bench.ingest_floor`, compat32 parse + insert into an FTS5 table, one process;
* ``mu index`` (after an untimed ``mu init``);
* ``notmuch new`` over a hard-linked copy of the Maildir (no flag synchronisation; ``--no-notmuch``).

With ``--imap N …`` it starts a throwaway Dovecot per size, fills a folder with N of the messages and
times, in rounds, ``mbsync`` pulling the folder into a local Maildir (``FSync yes``, its default),
a LeadDesk sync of it (``imap.sync_account``) and mbsync with ``FSync no``. Every measured process is
reaped with ``wait4`` under GNU time: wall time (cold start included), CPU time and peak RSS are that
process's own. ``--diagnose`` adds a parse-only run, a run without the full-text trigger and
cProfile summaries of an import and a sync.

Targets from issue #20: LeadDesk imports at least 1.5 x as many messages per second as mu and at
least 0.5 x as many as the floor, at 5k and 100k; importing 100k stays under 300 MB RSS; a LeadDesk
IMAP sync of 5k and 10k takes at most 1.0 x mbsync's time. The ratios are per round (the tools of a
round ran in the same minutes), and the median of the rounds decides. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.ingest_corpus import CorpusInfo, build_maildir
from bench.ingest_peers import Run, missing_tools, mu_index, notmuch_new, run_measured, versions

REPO = Path(__file__).resolve().parents[1]
IMPORT_TARGET = 1.5   # LeadDesk msgs/s >= 1.5 x mu's
FLOOR_TARGET = 0.5    # LeadDesk msgs/s >= 0.5 x the floor's
SYNC_TARGET = 1.0     # LeadDesk sync time <= 1.0 x mbsync's (FSync yes, its default)
DEFAULT_SYNC_BATCH = 1000  # leaddesk.ingest.imap.BATCH_SIZE: messages per transaction
RSS_TARGET_MB = 300   # importing 100k (RSS_TARGET_SIZE messages or more)
RSS_TARGET_SIZE = 100_000


@dataclass
class Row:
    """One measured tool run, as the table shows it."""

    section: str                 # "import 10k", "imap 10k"
    tool: str
    messages: int                # what the tool reports it stored or indexed
    expected: int                # what it should have
    run: Run
    inner_seconds: float | None = None   # LeadDesk: the import command / sync_account alone
    load: float = 0.0            # 1-minute load average when the run started
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Messages per second of wall time, start of the process to its end."""
        return self.messages / self.run.wall if self.run.wall else 0.0

    @property
    def cpu_rate(self) -> float:
        """Messages per CPU second (user + system): less sensitive to a busy machine."""
        return self.messages / self.run.cpu if self.run.cpu else 0.0


def _short(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _load() -> float:
    return os.getloadavg()[0]


def _child(*args: object) -> list[str]:
    return [sys.executable, "-m", "bench.ingest_child", *map(str, args)]


def _child_env() -> dict[str, str]:
    paths = [str(REPO), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def _child_result(run: Run) -> dict[str, Any]:
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines and run.ok else {}


def _stored(db_path: Path) -> int:
    """Submissions committed so far (for a run that was stopped at the time limit)."""
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM submissions").fetchone()[0])
    except sqlite3.Error:
        return 0


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def _warm(corpus: CorpusInfo) -> None:
    """Read every message once, so that no tool pays for a cold page cache that the next one
    finds warm."""
    for sub in ("cur", "new"):
        with os.scandir(corpus.path / sub) as entries:
            for entry in entries:
                with open(entry.path, "rb") as handle:
                    handle.read()


def _say(text: str) -> None:
    print(text, flush=True)


# ----------------------------------------------------------------- import

def leaddesk_import(corpus: CorpusInfo, work: Path, section: str, timeout: float,
                    *extra: str) -> Row:
    """LeadDesk's import of the corpus in a child process."""
    db_path = work / "leaddesk.db"
    load = _load()
    run = run_measured(_child("import", "--db", db_path, *extra, corpus.path), env=_child_env(),
                       cwd=REPO, timeout=timeout)
    result = _child_result(run)
    if not run.timed_out:
        run.check()
    stored = result.get("db", {}).get("submissions", _stored(db_path))
    note = f"stopped after {timeout:.0f} s" if run.timed_out else ""
    return Row(section, "LeadDesk import", stored, corpus.count, run, result.get("seconds"), load,
               note, result)


def floor_import(corpus: CorpusInfo, work: Path, section: str, timeout: float) -> Row:
    """The floor (:mod:`bench.ingest_floor`): compat32 parse + FTS5 insert, one process."""
    load = _load()
    run = run_measured([sys.executable, "-m", "bench.ingest_floor", "--db", work / "floor.db",
                        corpus.path], env=_child_env(), cwd=REPO, timeout=timeout)
    result = _child_result(run)
    if not run.timed_out:
        run.check()
    return Row(section, "floor (compat32 + FTS5)", int(result.get("messages", 0)), corpus.count,
               run, result.get("seconds"), load,
               f"stopped after {timeout:.0f} s" if run.timed_out else "")


def bench_import(corpus: CorpusInfo, work: Path, timeout: float, repeat: int = 1,
                 notmuch: bool = True) -> list[Row]:
    """LeadDesk, the floor, mu (and notmuch) on the same Maildir, interleaved ``repeat`` times:
    each round runs every tool once, so a busy minute on the shared machine hits all of them."""
    section = f"import {_short(corpus.count)}"
    rows = []
    peers: list[tuple[str, Callable[[Path, Path, float | None], tuple[Run, int]]]] = [
        ("mu index", mu_index)]
    if notmuch:
        peers.append(("notmuch new", notmuch_new))
    for round_number in range(1, repeat + 1):
        _say(f"  round {round_number} of {repeat}: LeadDesk import of {corpus.count:,} messages ...")
        rows.append(leaddesk_import(corpus, _fresh(work / "leaddesk"), section, timeout))
        _say(f"    {rows[-1].rate:,.0f} msgs/s, peak RSS {_mb(rows[-1].run.maxrss_kb)} MB")
        _say("  floor ...")
        rows.append(floor_import(corpus, _fresh(work / "floor"), section, timeout))
        _say(f"    {rows[-1].rate:,.0f} msgs/s")
        for tool, runner in peers:
            _say(f"  {tool} ...")
            load = _load()
            run, count = runner(corpus.path, _fresh(work / tool.split()[0]), timeout)
            if not run.timed_out:
                run.check()
            rows.append(Row(section, tool, count, corpus.count, run, None, load,
                            f"stopped after {timeout:.0f} s" if run.timed_out else ""))
            _say(f"    {rows[-1].rate:,.0f} msgs/s")
        ours = rows[-2 - len(peers)]
        floor, mu = rows[-1 - len(peers)], rows[-len(peers)]
        if ours.rate and mu.rate and floor.rate:
            _say(f"  round {round_number}: LeadDesk = {ours.rate / mu.rate:.2f} x mu, "
                 f"{ours.rate / floor.rate:.2f} x the floor")
    return rows


# ----------------------------------------------------------------- IMAP

def bench_imap(corpus: CorpusInfo, count: int, work: Path, batch_sizes: list[int], repeat: int,
               timeout: float) -> tuple[list[Row], dict[str, Any]]:
    """Fill a Dovecot folder, then LeadDesk syncs and mbsync pulls (FSync yes, the default, and
    no), interleaved ``repeat`` times; then any other LeadDesk batch sizes once each."""
    from bench.ingest_imap import dovecot, load_folder
    from bench.ingest_peers import mbsync_pull

    section = f"imap {_short(count)}"
    rows: list[Row] = []
    with dovecot() as server:
        loaded = load_folder(server, corpus.path, count)
        info = {"load_seconds": loaded.seconds, "messages": loaded.messages}
        _say(f"  Dovecot folder filled with {loaded.messages:,} messages "
             f"({loaded.seconds:.1f} s); warming up with one untimed mbsync ...")
        imap = loaded.server
        mbsync_pull(imap, _fresh(work / "mbsync-warm-up"), fsync=False, timeout=timeout)[0].check()

        def mbsync(fsync: bool) -> Row:
            load = _load()
            run, got = mbsync_pull(imap, _fresh(work / "mbsync"), fsync=fsync, timeout=timeout)
            run.check()
            rows.append(Row(section, f"mbsync (FSync {'yes' if fsync else 'no'})", got, count,
                            run, None, load))
            _say(f"    {rows[-1].tool}: {run.wall:.2f} s")
            return rows[-1]

        def leaddesk(batch: int) -> Row:
            db_path = _fresh(work / "leaddesk-sync") / "leaddesk.db"
            load = _load()
            run = run_measured(_child("sync", "--db", db_path, "--host", imap.host, "--port",
                                      imap.port, "--ca-file", imap.cert, "--user", imap.user,
                                      "--folder", imap.folder, "--batch-size", batch),
                               env={**_child_env(), "BENCH_IMAP_PASSWORD": imap.password},
                               cwd=REPO, timeout=timeout)
            result = _child_result(run)
            if not run.timed_out:
                run.check()
            stored = result.get("db", {}).get("submissions", _stored(db_path))
            rows.append(Row(section, f"LeadDesk sync (batch {batch})", stored, count, run,
                            result.get("seconds"), load,
                            f"stopped after {timeout:.0f} s" if run.timed_out else "", result))
            _say(f"    {rows[-1].tool}: {run.wall:.2f} s, peak RSS {_mb(run.maxrss_kb)} MB")
            return rows[-1]

        for round_number in range(1, repeat + 1):
            theirs = mbsync(fsync=True)
            ours = leaddesk(DEFAULT_SYNC_BATCH)
            mbsync(fsync=False)
            _say(f"  round {round_number}: LeadDesk sync = {ours.run.wall / theirs.run.wall:.2f} x "
                 f"mbsync's time (FSync yes)")
        for batch in batch_sizes:
            if batch != DEFAULT_SYNC_BATCH or repeat == 0:
                leaddesk(batch)
    return rows, info


# ----------------------------------------------------------------- diagnosis

def _profile_entries(path: Path) -> dict[tuple[str, int, str], tuple[Any, ...]]:
    stats = pstats.Stats(str(path))
    return stats.stats  # type: ignore[attr-defined,no-any-return]


def _find(entries: dict[tuple[str, int, str], tuple[Any, ...]], file_end: str,
          function: str) -> tuple[Any, ...] | None:
    matches = [value for (filename, _line, name), value in entries.items()
               if name == function and filename.replace("\\", "/").endswith(file_end)]
    return max(matches, key=lambda value: value[3]) if matches else None


def profile_summary(path: Path, top: str) -> list[tuple[str, float]]:
    """(label, seconds) from a cProfile dump: where an import or a sync spends its time.

    Times are cumulative and nest (the store includes the SQL); under the profiler the Python parts
    run slower than they do unprofiled, so read them as shares.
    """
    entries = _profile_entries(path)

    def cum(file_end: str, function: str) -> float:
        value = _find(entries, file_end, function)
        return float(value[3]) if value else 0.0

    def own(file_end: str, function: str) -> float:
        value = _find(entries, file_end, function)
        return float(value[2]) if value else 0.0

    total = cum(*top.split(":"))
    sql = own("~", "<method 'execute' of 'sqlite3.Cursor' objects>") + own(
        "~", "<method 'executemany' of 'sqlite3.Cursor' objects>")
    commit = own("~", "<method 'commit' of 'sqlite3.Connection' objects>")
    store = cum("leaddesk/ingest/store.py", "store_batch")
    flush_value = _find(entries, "sqlalchemy/orm/session.py", "flush")
    flush_in_store = 0.0
    if flush_value:
        for (filename, _line, name), caller in flush_value[4].items():
            if name == "store_one" and filename.endswith("leaddesk/ingest/store.py"):
                flush_in_store = float(caller[3])
    rows = [("total (profiled)", total)]
    if top.startswith("leaddesk/ingest/imap.py"):
        rows.append(("  IMAP FETCH (network, server, imaplib)",
                     cum("imapclient/imapclient.py", "fetch")))
    else:
        rows.append(("  read the Maildir", cum("leaddesk/ingest/mailfiles.py", "_from_source")))
    rows += [
        ("  parse_message", cum("leaddesk/ingest/parse/parser.py", "parse_message")),
        ("    MIME (email.message_from_bytes)", cum("email/__init__.py", "message_from_bytes")),
        ("    HTML to text (html.parser)", cum("leaddesk/ingest/parse/html_text.py", "render")),
        ("    e-mail validation (email_validator)",
         cum("email_validator/validate_email.py", "validate_email")),
        ("  store (store_batch)", store),
        ("    contact upsert (_contact, with its flush)", cum("leaddesk/ingest/store.py", "_contact")),
        ("    tombstone check (is_tombstoned)", cum("leaddesk/contacts.py", "is_tombstoned")),
        ("    dedup query (_existing)", cum("leaddesk/ingest/store.py", "_existing")),
        ("    post lookup (_post)", cum("leaddesk/ingest/store.py", "_post")),
        ("    submission INSERT (flush in store_one)", flush_in_store),
        ("    inside SQLite (all statements, FTS trigger included)", sql),
        ("    COMMIT", commit),
        ("    SQLAlchemy + store Python (store - SQLite - COMMIT)", store - sql - commit),
    ]
    return rows


def diagnose(corpus: CorpusInfo, work: Path, timeout: float) -> dict[str, Any]:
    """Where LeadDesk's time goes, on a small corpus: parse only, an import with and without the
    FTS insert trigger, and cProfile summaries of an import and of an IMAP sync."""
    from bench.ingest_imap import dovecot, load_folder

    out: dict[str, Any] = {"messages": corpus.count}
    _say(f"  diagnosis on {corpus.count:,} messages: parse only ...")
    run = run_measured(_child("parse", corpus.path), env=_child_env(), cwd=REPO, timeout=timeout)
    parsed = _child_result(run.check())
    out["parse_only"] = {"rate": parsed["messages"] / parsed["seconds"], **parsed}
    for key, flags in (("import", ()), ("import_no_fts", ("--no-fts-triggers",))):
        _say(f"  ... {key.replace('_', ' ')} ...")
        row = leaddesk_import(corpus, _fresh(work / key), "diagnosis", timeout, *flags)
        out[key] = {"rate": row.messages / row.inner_seconds if row.inner_seconds else 0.0,
                    "inner_seconds": row.inner_seconds, "wall": row.run.wall}
    _say("  ... import under cProfile ...")
    profile = work / "import.prof"
    leaddesk_import(corpus, _fresh(work / "import-profile"), "diagnosis", timeout,
                    "--profile", str(profile))
    out["import_profile"] = profile_summary(profile, "leaddesk/ingest/files.py:import_paths")
    out["import_profile_file"] = str(profile)
    _say("  ... IMAP sync under cProfile ...")
    with dovecot() as server:
        imap = load_folder(server, corpus.path, corpus.count).server
        sync_profile = work / "sync.prof"
        db_path = _fresh(work / "sync-profile") / "leaddesk.db"
        run_measured(_child("sync", "--db", db_path, "--port", imap.port, "--ca-file", imap.cert,
                            "--folder", imap.folder, "--profile", sync_profile),
                     env={**_child_env(), "BENCH_IMAP_PASSWORD": imap.password}, cwd=REPO,
                     timeout=timeout).check()
    out["sync_profile"] = profile_summary(sync_profile, "leaddesk/ingest/imap.py:sync_account")
    out["sync_profile_file"] = str(sync_profile)
    return out


# ----------------------------------------------------------------- report

def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f}"


def table(rows: list[Row]) -> str:
    """The figures as a Markdown table."""
    lines = ["| test | tool | messages | wall s | msgs/s | CPU s | msgs/CPU-s | peak RSS MB | load |"
             " note |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        count = f"{row.messages:,}" + ("" if row.messages == row.expected else f" of {row.expected:,}")
        note = row.note
        if row.inner_seconds:
            inner = f"in-process {row.messages / row.inner_seconds:,.0f} msgs/s"
            note = f"{inner}; {note}" if note else inner
        lines.append(f"| {row.section} | {row.tool} | {count} | {row.run.wall:,.1f} | "
                     f"{row.rate:,.0f} | {row.run.cpu:,.1f} | {row.cpu_rate:,.0f} | "
                     f"{_mb(row.run.maxrss_kb)} | {row.load:.1f} | {note} |")
    return "\n".join(lines)


def _runs(rows: list[Row], section: str, prefix: str) -> list[Row]:
    return [r for r in rows if r.section == section and r.tool.startswith(prefix)
            and not r.run.timed_out]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _rounds(rows: list[Row], section: str, ours: str, theirs: str) -> list[tuple[Row, Row]]:
    """(ours, theirs) run in the same round: the n-th run of each tool in the section."""
    return list(zip(_runs(rows, section, ours), _runs(rows, section, theirs), strict=False))


def targets(rows: list[Row]) -> list[str]:
    """One line per target and section: the median of the per-round ratios, each round's ratio,
    the median rates, and whether the target is met (by the median)."""
    lines = []
    for section in dict.fromkeys(r.section for r in rows):
        if section.startswith("import"):
            for peer, name, target in (("mu", "mu index", IMPORT_TARGET),
                                       ("floor", "the floor", FLOOR_TARGET)):
                pairs = _rounds(rows, section, "LeadDesk", peer)
                ratios = [ours.rate / theirs.rate for ours, theirs in pairs if theirs.rate]
                if not ratios:
                    continue
                ratio = _median(ratios)
                lines.append(
                    f"{section}: LeadDesk {_median([o.rate for o, _ in pairs]):,.0f} msgs/s, "
                    f"{name} {_median([t.rate for _, t in pairs]):,.0f} msgs/s (medians of "
                    f"{len(pairs)}); ratio {ratio:.2f} x (rounds: "
                    f"{', '.join(f'{r:.2f}' for r in ratios)}); target >= {target} x: "
                    f"{'MET' if ratio >= target else 'NOT MET'}")
            ours_runs = _runs(rows, section, "LeadDesk")
            if ours_runs:
                peak = max(r.run.maxrss_kb for r in ours_runs)
                verdict = ""
                if ours_runs[0].expected >= RSS_TARGET_SIZE:
                    verdict = (f"; target < {RSS_TARGET_MB} MB: "
                               f"{'MET' if peak / 1024 < RSS_TARGET_MB else 'NOT MET'}")
                lines.append(f"{section}: LeadDesk peak RSS {_mb(peak)} MB{verdict}")
        else:
            pairs = _rounds(rows, section, f"LeadDesk sync (batch {DEFAULT_SYNC_BATCH})",
                            "mbsync (FSync yes)")
            ratios = [ours.run.wall / theirs.run.wall for ours, theirs in pairs if theirs.run.wall]
            if ratios:
                ratio = _median(ratios)
                lines.append(
                    f"{section}: LeadDesk sync {_median([o.run.wall for o, _ in pairs]):.2f} s, "
                    f"mbsync {_median([t.run.wall for _, t in pairs]):.2f} s (FSync yes; medians "
                    f"of {len(pairs)}); ratio {ratio:.2f} x (rounds: "
                    f"{', '.join(f'{r:.2f}' for r in ratios)}); target <= {SYNC_TARGET} x: "
                    f"{'MET' if ratio <= SYNC_TARGET else 'NOT MET'}")
    return lines


def report(rows: list[Row], corpora: list[CorpusInfo], diagnosis: dict[str, Any],
           tools: dict[str, str]) -> str:
    """Everything measured, as printed at the end of a run (Markdown)."""
    out = [f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Linux {platform.release()}; "
           + ", ".join(f"{k} {v}" for k, v in tools.items()), ""]
    for corpus in corpora:
        kinds = ", ".join(f"{v:,} {k}" for k, v in sorted(corpus.kinds.items()))
        out.append(f"Corpus {corpus.count:,}: {corpus.total_bytes / 1e6:,.1f} MB, "
                   f"{corpus.mean_bytes:,.0f} bytes per message on average ({kinds}); "
                   f"{len(corpus.fixtures)} templates")
    out += ["", table(rows), "", "Targets:"] + [f"- {line}" for line in targets(rows)]
    checks = [_stored_check(row, corpora) for row in rows if row.extra.get("db")]
    if checks:
        out += ["", "What LeadDesk stored (against the corpus's templates):"]
        out += [f"- {line}" for line in checks if line]
    if diagnosis:
        parse, full, nofts = (diagnosis["parse_only"], diagnosis["import"],
                              diagnosis["import_no_fts"])
        out += ["", f"Diagnosis on {diagnosis['messages']:,} messages (in-process rates):",
                f"- parse_message alone: {parse['rate']:,.0f} msgs/s",
                f"- the import command: {full['rate']:,.0f} msgs/s, so the store takes "
                f"{_share_of_store(parse['rate'], full['rate']):.0%} of an import",
                f"- the same without the FTS insert trigger (schema made beforehand): "
                f"{nofts['rate']:,.0f} msgs/s"]
        for key, title in (("import_profile", "import"), ("sync_profile", "IMAP sync")):
            if key in diagnosis:
                entries = diagnosis[key]
                total = entries[0][1] or 1.0
                out += ["", f"cProfile of the {title} (cumulative seconds under the profiler, "
                            f"share of the total):", "```"]
                out += [f"{label:<62} {seconds:8.1f} s {seconds / total:6.1%}"
                        for label, seconds in entries]
                out.append("```")
    return "\n".join(out)


def _share_of_store(parse_rate: float, import_rate: float) -> float:
    """The share of an import's time that is not parsing: 1 - (time to parse / time to import)."""
    return 1 - import_rate / parse_rate if parse_rate else 0.0


def _stored_check(row: Row, corpora: list[CorpusInfo]) -> str:
    db = row.extra["db"]
    corpus = next((c for c in corpora if c.count >= row.expected), None)
    if corpus is None or corpus.count != row.expected:
        return (f"{row.section}, {row.tool}: {db['submissions']:,} stored, {db['spam']:,} as spam, "
                f"{db['not_submissions']:,} not submissions, {db['contacts']:,} contacts")
    return (f"{row.section}, {row.tool}: {db['submissions']:,} stored of {corpus.count:,}; "
            f"{db['spam']:,} as spam ({corpus.kinds.get('spam', 0):,} from spam templates), "
            f"{db['not_submissions']:,} not submissions ({corpus.kinds.get('other', 0):,} from "
            f"such templates), {db['contacts']:,} contacts")


def _as_json(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"section": r.section, "tool": r.tool, "messages": r.messages, "expected": r.expected,
             "rate": r.rate, "cpu_rate": r.cpu_rate, "inner_seconds": r.inner_seconds,
             "load": r.load, "note": r.note, "child": r.extra,
             "run": {k: v for k, v in asdict(r.run).items() if k not in ("stdout", "stderr")}}
            for r in rows]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[5_000, 100_000],
                        help="Maildir sizes to import (default 5000 100000)")
    parser.add_argument("--imap", type=int, nargs="*", default=[], metavar="N",
                        help="also sync IMAP folders of N messages (e.g. 5000 10000)")
    parser.add_argument("--batch-sizes", type=int, nargs="*", default=[],
                        help="other LeadDesk sync batch sizes to try once each")
    parser.add_argument("--repeat", type=int, default=3,
                        help="interleaved rounds of LeadDesk and its peers per test (default 3)")
    parser.add_argument("--repeat-large", type=int, default=1,
                        help="rounds for imports of 50,000 messages or more (default 1)")
    parser.add_argument("--no-notmuch", action="store_true", help="leave notmuch out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/leaddesk-bench-ingest"),
                        help="where corpora (kept for reuse) and databases go")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="stop any one tool run after this many seconds (default 900)")
    parser.add_argument("--diagnose", type=int, nargs="?", const=2000, default=0, metavar="N",
                        help="parse-only, no-FTS and cProfile runs on a corpus of N (2000)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)

    missing = missing_tools()
    if missing:
        raise SystemExit("missing: " + ", ".join(missing))
    tools = versions()
    started = time.perf_counter()
    _say(f"{platform.machine()}, {os.cpu_count()} CPUs; " + ", ".join(
        f"{k} {v}" for k, v in tools.items()))
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(args.sizes))
    for count in args.imap:
        if not any(size >= count for size in sizes):
            sizes.append(count)   # a corpus for the IMAP folder only
    corpora: list[CorpusInfo] = []
    rows: list[Row] = []
    for size in sizes:
        _say(f"Corpus of {size:,} messages ...")
        corpus = build_maildir(args.work / f"maildir-{size}-seed{args.seed}", size, args.seed)
        corpora.append(corpus)
        _say(f"  {'reused' if corpus.reused else f'written in {corpus.seconds:.1f} s'}: "
             f"{corpus.path} ({corpus.mean_bytes:,.0f} bytes per message on average)")
        if size in args.sizes:
            _warm(corpus)
            rows += bench_import(corpus, args.work / "runs", args.timeout,
                                 args.repeat if size < 50_000 else args.repeat_large,
                                 notmuch=not args.no_notmuch)
    imap_info: dict[int, Any] = {}
    for count in args.imap:
        corpus = next(c for c in corpora if c.count >= count)
        _say(f"IMAP sync of {count:,} messages ...")
        imap_rows, imap_info[count] = bench_imap(corpus, count,
                                                 _fresh(args.work / "runs" / "imap"),
                                                 args.batch_sizes, args.repeat, args.timeout)
        rows += imap_rows
    diagnosis: dict[str, Any] = {}
    if args.diagnose:
        small = build_maildir(args.work / f"maildir-{args.diagnose}-seed{args.seed}", args.diagnose,
                              args.seed)
        diagnosis = diagnose(small, _fresh(args.work / "runs" / "diagnose"), args.timeout)
    _say("")
    _say(report(rows, corpora, diagnosis, tools))
    _say(f"\n(whole run: {time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps({
            "versions": tools, "cpus": os.cpu_count(), "rows": _as_json(rows), "imap": imap_info,
            "corpora": [{"count": c.count, "bytes": c.total_bytes, "kinds": c.kinds,
                         "fixtures": c.fixtures, "path": str(c.path)} for c in corpora],
            "diagnosis": diagnosis, "seconds": time.perf_counter() - started}, indent=1))


if __name__ == "__main__":
    main()
