"""The tuned query plans give exactly what plain SQL gives, on a database where they run.

tests/test_query.py pins the API on a handful of rows, where every search takes the simplest
plan. The large-table branches (walking the received-date index, intersecting a narrow filter
with the text matches, looking up a rare word's matches by id, counting by complement) start only
at thousands of rows. This builds such a database once per session with the benchmark generator
(cached in pytest's cache directory when it is enabled, so later runs skip the build), scales the
planner's row thresholds down by the same factor as the data, checks that every branch ran, and
compares every answer with the plain-SQL reference of ``bench.verify``.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bench import generate, verify

from leaddesk.db import Database, search
from leaddesk.query import counts, pages, stream, text_plan, word_maps

ROWS = 20_000
SCALE = 10  # the planner's thresholds are for 100k–1M rows; the data here is ~1/10 of that
THRESHOLDS = ("COMMON", "WALK_BATCH_MAX", "SORT_MAX", "NARROW_ROWS", "KNOWN_SORT_MAX")


def _key() -> str:
    """Changes when the generator or the schema changes, so a stale cached file is rebuilt."""
    digest = hashlib.sha256(Path(generate.__file__).read_bytes())
    migrations = Path(generate.__file__).parents[1] / "src/leaddesk/db/migrations/versions"
    for revision in sorted(migrations.glob("*.py")):
        digest.update(revision.read_bytes())
    return f"{ROWS}-{digest.hexdigest()[:12]}"


@pytest.fixture(scope="session")
def planner_db_file(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)
    folder = (cache.mkdir("leaddesk-planner-db") if cache is not None
              else tmp_path_factory.mktemp("planner-db"))
    path = folder / f"leaddesk-{_key()}.db"
    if not path.exists():
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        db = Database.open(f"sqlite:///{building}")
        try:
            generate.populate(db, ROWS, progress=False)
        finally:
            db.close()
        for stale in folder.glob("leaddesk-*.db"):
            stale.unlink()
        shutil.move(building, path)
    return path


@pytest.fixture
def planner_db(planner_db_file: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "planner.db"  # queries only, but a test must never change the cache
    shutil.copy(planner_db_file, copy)
    db = Database.open(f"sqlite:///{copy}", upgrade=False)
    yield db
    db.close()


@pytest.fixture
def branches(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Scaled thresholds, and a count of each large-table branch the planner takes."""
    for name in THRESHOLDS:
        scaled = getattr(text_plan, name) // SCALE
        for module in (text_plan, pages, counts):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, scaled)
    monkeypatch.setattr(pages, "WALK_FROM", pages.WALK_FROM // SCALE)
    taken: Counter[str] = Counter()

    def spy(module: Any, name: str, label: str | None = None) -> None:
        real: Callable[..., Any] = getattr(module, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            taken[label or name] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(module, name, call)

    real_steer = pages.order_steer

    def steer(session: Any, flt: Any, *, every: bool) -> Any:
        chosen = real_steer(session, flt, every=every)
        taken[f"{'list' if every else 'page'} {flt.sort} {chosen.value}"] += 1
        return chosen
    monkeypatch.setattr(pages, "order_steer", steer)
    monkeypatch.setattr(stream, "order_steer", steer)
    spy(pages, "_ids_by_id", "text by id")
    spy(pages, "_walk_text", "text walk")
    spy(pages, "intersection", "page by intersection")
    spy(counts, "intersection", "count by intersection")
    spy(counts, "_group_conditions", "count from the counts table")
    spy(search, "count_all_matches", "count of a common word in the index")
    spy(word_maps, "_read", "common word from its kept map")
    spy(word_maps, "_sieve", "common word through the sieve")
    spy(word_maps, "_kept", "kept map read again")
    return taken


@pytest.mark.slow
@pytest.mark.parametrize("maps", [True, False], ids=["word maps", "sql only"])
def test_the_tuned_plans_agree_with_plain_sql(planner_db: Database, branches: Counter[str],
                                              monkeypatch: pytest.MonkeyPatch,
                                              maps: bool) -> None:
    if not maps:  # every common word in SQL, as inside a transaction
        monkeypatch.setattr(word_maps, "_version", lambda raw: None)
    real_among = word_maps.kept_among

    def among(*args: Any) -> set[int] | None:
        hits = real_among(*args)
        if hits is not None:
            branches["walk through a kept map"] += 1
        return hits
    monkeypatch.setattr(word_maps, "kept_among", among)
    real_walk = pages._walk_text

    def walk(*args: Any, **kwargs: Any) -> list[int]:
        if kwargs.get("hits") is not None:
            branches["walk through known matches"] += 1
        return real_walk(*args, **kwargs)
    monkeypatch.setattr(pages, "_walk_text", walk)
    problems = verify.check(planner_db)
    assert problems == 0, f"{problems} answers differ from plain SQL (details on stderr)"
    expected = ["text by id", "text walk", "page by intersection", "count by intersection",
                "count from the counts table"]
    expected += (["common word from its kept map", "kept map read again", "walk through a kept map",
                  "common word through the sieve", "walk through known matches"]
                 if maps
                 else ["count of a common word in the index"])
    # Lists and pages in another order: a walk of the name index for many rows, a sort for few
    # (the Market access topic alone, scaled), and every id of a view the received-date index
    # holds walked too (the Inbox).
    expected += ["page name ordered", "page name free", "list name ordered", "list name free",
                 "page topic free", "list received ordered", "list received free"]
    for branch in expected:
        assert branches[branch] > 0, f"the planner never took the {branch} branch"
    if not maps:
        assert branches["common word from its kept map"] == 0
        assert branches["common word through the sieve"] == 0
