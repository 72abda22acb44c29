"""The quick read of the plain inbox gives exactly what the query API gives, and steps aside
whenever it cannot be sure (another filter, an outdated schema, not a plain SQLite file)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench import generate

from leaddesk import query
from leaddesk.cli import main
from leaddesk.db import Database, migrate
from leaddesk.query import quick
from leaddesk.query.spec import Filter, Sort

ROWS = 700  # generated: tags, owners, posts, spam, non-submissions, JSON problems and fields


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "inbox.db"
    db = Database.open(f"sqlite:///{path}")
    try:
        generate.populate(db, ROWS, progress=False)
    finally:
        db.close()
    return path


@pytest.fixture
def url(generated: Path, tmp_path: Path) -> str:
    copy = tmp_path / "inbox.db"
    copy.write_bytes(generated.read_bytes())
    return f"sqlite:///{copy}"


@pytest.fixture
def connection(url: str) -> Iterator[sqlite3.Connection]:
    found = quick.connect(url)
    assert found is not None
    yield found
    found.close()


FILTERS = [Filter(), Filter(include_spam=True, include_non_submissions=True),
           Filter(include_spam=True), Filter(include_non_submissions=True), Filter(descending=False),
           # The window's views by status (one status reads its index, several do not).
           Filter(statuses=("new", "open")), Filter(statuses=("done",), descending=False),
           Filter(statuses=("spam",)), Filter(statuses=("waiting", "spam"), include_spam=True,
                                              include_non_submissions=True)]


@pytest.mark.parametrize("flt", FILTERS)
@pytest.mark.parametrize(("limit", "offset"), [(50, 0), (7, 333), (10_000, 0)])
def test_pages_and_totals_are_those_of_the_query_api(url: str, connection: sqlite3.Connection,
                                                      flt: Filter, limit: int, offset: int) -> None:
    db = Database.open(url)
    try:
        with db.session() as session:
            expected = query.find(session, flt, limit=limit, offset=offset)
            counted = query.count(session, flt)
    finally:
        db.close()
    got = quick.page(connection, flt, limit=limit, offset=offset)
    assert got.rows == expected.rows
    assert got.total == expected.total == counted
    # The data exercises the tag lookup (nobody tags spam).
    assert any(r.tags for r in got.rows) or offset or flt.statuses == ("spam",)


def test_the_total_stays_exact_after_writes(url: str, connection: sqlite3.Connection) -> None:
    db = Database.open(url)
    try:
        with db.session() as session:
            before = query.count(session, Filter())
        connection.execute("UPDATE submissions SET status = 'spam' WHERE id IN "
                           "(SELECT id FROM submissions WHERE status != 'spam' LIMIT 5)")
        connection.execute("DELETE FROM submissions WHERE id = (SELECT max(id) FROM submissions)")
        connection.commit()
        with db.session() as session:
            after = query.count(session, Filter())
    finally:
        db.close()
    assert quick.total(connection, Filter()) == after
    assert before - 6 <= after <= before - 5


def test_only_the_plain_inbox_by_status_is_handled() -> None:
    assert all(quick.handles(f) for f in FILTERS)
    for other in (Filter(text="x"), Filter(topics=(None,)),
                  Filter(tags=("hot",)), Filter(assignees=("Ada",)), Filter(accounts=("a",)),
                  Filter(ids=(1,)), Filter(unread=True), Filter(sort=Sort.NAME)):
        assert not quick.handles(other)


def test_the_schema_it_expects_is_the_release_s(url: str) -> None:
    assert quick.head_revision() == migrate.HEAD_REVISION
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as old:
        old.execute("UPDATE alembic_version SET version_num = '0001'")
    assert quick.connect(url) is None  # the usual path upgrades it


@pytest.mark.parametrize("url_of", [
    lambda p: f"sqlite:///{p}?mode=ro", lambda p: f"sqlite:///{p}.missing",
    lambda p: "postgresql+psycopg://nobody@localhost/x", lambda p: "sqlite://"])
def test_anything_but_an_existing_plain_sqlite_file_is_left_to_the_usual_path(
        url: str, url_of: object) -> None:
    assert callable(url_of)
    assert quick.connect(url_of(url.removeprefix("sqlite:///"))) is None


@pytest.mark.parametrize("options", [[], ["--json"], ["--all", "-n", "7", "--offset", "3"],
                                     ["--count"], ["--count", "--all"], ["--asc", "-n", "5"],
                                     ["-n", "5000"], ["--status", "new", "-n", "3"]])
def test_list_prints_the_same_either_way(url: str, options: list[str],
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["--db", url, "list", *options]) == 0
    quickly = capsys.readouterr()
    monkeypatch.setattr(quick, "connect", lambda _url: None)
    assert main(["--db", url, "list", *options]) == 0
    usually = capsys.readouterr()
    assert (quickly.out, quickly.err) == (usually.out, usually.err)
    assert quickly.out


def test_a_database_error_on_the_quick_path_is_left_to_the_usual_one(
        url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr(quick, "page", broken)
    monkeypatch.setattr(quick, "total", broken)
    for options in ([], ["--count"]):
        assert main(["--db", url, "list", *options]) == 0
        assert capsys.readouterr().out  # answered by the usual path
