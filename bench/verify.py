"""Check that the tuned query plans return exactly what plain SQL returns, on a benchmark database.

tests/test_query.py pins the query API's behaviour on a handful of rows, where every search takes
the simplest plan. The plans for large tables (walks, intersections, complements) only start at
thousands of rows, so this compares :mod:`leaddesk.query` with a deliberately naive reference
(one plain statement per question, as the API was first written) over many filters:

    python -m bench.verify --db /tmp/leaddesk-bench/leaddesk-100000.db
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from bench.scenarios import WORDS
from leaddesk import query
from leaddesk.db import Database, search
from leaddesk.db.models import Account, Reply, Submission, Tag, TeamMember, submission_tags
from leaddesk.query import Cursor, Filter, Sort


def _in_or_null(column: Any, values: tuple[str | None, ...]) -> ColumnElement[bool]:
    present = [v for v in values if v is not None]
    clauses: list[ColumnElement[bool]] = [column.in_(present)] if present else []
    if len(present) < len(values):
        clauses.append(column.is_(None))
    return or_(*clauses)


def reference_conditions(flt: Filter, dialect: str, skip: str = "") -> list[ColumnElement[bool]]:
    """The filter as plain SQL, with no regard for plans."""
    where: list[ColumnElement[bool]] = []
    if skip != "statuses":
        if flt.statuses:
            where.append(Submission.status.in_(flt.statuses))
        elif not flt.include_spam:
            where.append(Submission.status != "spam")
    if not flt.include_non_submissions:
        where.append(Submission.is_submission.is_(True))
    match = search.matches(dialect, flt.text) if flt.text else None
    if match is not None:
        where.append(match)
    if flt.topics and skip != "topics":
        where.append(_in_or_null(Submission.topic, flt.topics))
    if flt.assignees and skip != "assignees":
        names = [a for a in flt.assignees if a is not None]
        clauses: list[ColumnElement[bool]] = [Submission.assignee_id.in_(
            select(TeamMember.id).where(TeamMember.name.in_(names)))]
        if len(names) < len(flt.assignees):
            clauses.append(Submission.assignee_id.is_(None))
        where.append(or_(*clauses))
    if flt.tags and skip != "tags":
        for name in flt.tags:
            where.append(exists().where(
                submission_tags.c.submission_id == Submission.id,
                submission_tags.c.tag_id == select(Tag.id).where(Tag.name == name)
                .scalar_subquery()))
    if flt.accounts:
        where.append(Submission.account_id.in_(
            select(Account.id).where(Account.name.in_(flt.accounts))))
    if flt.received_from is not None:
        where.append(Submission.received_at >= flt.received_from)
    if flt.received_to is not None:
        where.append(Submission.received_at < flt.received_to)
    if flt.replied is not None:
        replied = exists().where(Reply.submission_id == Submission.id, Reply.state == "sent")
        where.append(replied if flt.replied else ~replied)
    return where


def reference_page(session: Session, flt: Filter, limit: int, offset: int,
                   after: Cursor | None) -> list[int]:
    dialect = session.get_bind().dialect.name
    stmt = reference_order(flt, select(Submission.id).where(*reference_conditions(flt, dialect)))
    if after is not None:
        key, edge = tuple_(Submission.received_at, Submission.id), tuple_(after.received_at,
                                                                          after.id)
        stmt = stmt.where(key < edge if flt.descending else key > edge)
    return list(session.execute(stmt.limit(limit).offset(offset)).scalars())


def reference_ids(session: Session, flt: Filter) -> list[int]:
    """Every id of a filter, in order."""
    dialect = session.get_bind().dialect.name
    stmt = select(Submission.id).where(*reference_conditions(flt, dialect))
    return list(session.execute(reference_order(flt, stmt)).scalars())


def reference_order(flt: Filter, stmt: Any) -> Any:
    column = {Sort.RECEIVED: Submission.received_at, Sort.NAME: Submission.visitor_name,
              Sort.TOPIC: Submission.topic, Sort.STATUS: Submission.status,
              Sort.EMAIL: Submission.visitor_email}[flt.sort]
    order = (column.desc(), Submission.id.desc()) if flt.descending else (column, Submission.id)
    return stmt.order_by(*order)


def reference_facets(session: Session, flt: Filter) -> query.Facets:
    dialect = session.get_bind().dialect.name

    def grouped(key: Any, skip: str, base: Any = None, status_flt: Filter | None = None) -> dict[
            Any, int]:
        stmt = select(key, func.count())
        if base is not None:
            stmt = stmt.select_from(base)
        stmt = stmt.where(*reference_conditions(status_flt or flt, dialect, skip)).group_by(key)
        return {k: int(n) for k, n in session.execute(stmt)}

    return query.Facets(
        statuses=grouped(Submission.status, "statuses",
                         status_flt=flt.with_(include_spam=True)),
        topics=grouped(Submission.topic, "topics"),
        tags=grouped(Tag.name, "tags", submission_tags.join(Tag).join(Submission)),
        assignees=grouped(TeamMember.name, "assignees",
                          Submission.__table__.outerjoin(TeamMember.__table__)))


def filters() -> Iterator[Filter]:
    """Searches of every frequency with every kind of filter, and filters without text."""
    narrowing: list[dict[str, Any]] = [
        {}, {"statuses": ("new",)}, {"statuses": ("new", "open")}, {"topics": ("Market access",)},
        {"topics": (None, "Speakers bureaus")}, {"statuses": ("done",), "topics": (
            "Patient engagement",)}, {"assignees": ("Anja Becker",)},
        {"assignees": (None, "Marc Dupont")}, {"tags": ("hot",)}, {"accounts": ("info@ mailbox",)},
        {"include_spam": True}, {"include_non_submissions": True, "include_spam": True},
        {"statuses": ("spam",)}]
    for words, extra in itertools.product(("", *WORDS, "send"), narrowing):
        yield Filter(text=words, **extra)
    for words in ("", "oncology", "engagement"):
        yield Filter(text=words, sort=Sort.NAME, descending=False)
        yield Filter(text=words, descending=False, statuses=("open",))
    # Lists in the window's other orders: walked (by name) or sorted over an index (topic, status).
    for sort, extra in itertools.product((Sort.NAME, Sort.TOPIC, Sort.STATUS, Sort.EMAIL),
                                         narrowing[:9]):
        yield Filter(sort=sort, descending=sort is not Sort.NAME, **extra)
    for sort in (Sort.NAME, Sort.TOPIC):  # a few rows: sorted, not walked
        yield Filter(sort=sort, statuses=("done",), topics=("Patient engagement",),
                     assignees=("Anja Becker",))


def check(db: Database, *, verbose: bool = False) -> int:
    """Compare pages (first, offset and keyset), totals and facets; return the mismatches."""
    problems = 0
    with db.session() as session:
        for flt in filters():
            got = query.find(session, flt, limit=50)
            want = reference_page(session, flt, 50, 0, None)
            total = int(session.execute(select(func.count()).select_from(Submission).where(
                *reference_conditions(flt, db.dialect))).scalar_one())
            checks = [("page", [r.id for r in got.rows], want), ("total", got.total, total),
                      ("count", query.count(session, flt), total)]
            deeper = query.find(session, flt, limit=20, offset=30, with_total=False)
            checks.append(("offset", [r.id for r in deeper.rows],
                           reference_page(session, flt, 20, 30, None)))
            if got.next_cursor is not None:
                after = query.find(session, flt, limit=50, after=got.next_cursor,
                                   with_total=False)
                checks.append(("keyset", [r.id for r in after.rows],
                               reference_page(session, flt, 50, 0, got.next_cursor)))
            checks.append(("ids", query.ids(session, flt), reference_ids(session, flt)))
            if not flt.text or flt.text in ("oncology", "proposal budget"):
                checks.append(("facets", query.facets(session, flt),
                               reference_facets(session, flt)))
            for name, actual, expected in checks:
                if actual != expected:
                    problems += 1
                    print(f"MISMATCH {name}: {flt}", file=sys.stderr)
            if verbose:
                print(f"ok {total:>8,}  {flt.text!r} {flt.statuses} {flt.topics} "
                      f"{flt.assignees} {flt.tags}")
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compare the query API with plain SQL.")
    parser.add_argument("--db", required=True, help="a benchmark SQLite file or database URL")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    db = Database.open(url, upgrade=False)
    try:
        problems = check(db, verbose=args.verbose)
    finally:
        db.close()
    print("all answers agree" if not problems else f"{problems} mismatches")
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
