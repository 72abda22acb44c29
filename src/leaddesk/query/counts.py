"""Totals and facets: :func:`count` and :func:`facets` (counts per status, topic, tag and
assignee), with the SQLite shortcuts for the plain inbox (whole indexes less the hidden rows).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import Status, Submission, Tag, TeamMember, submission_tags
from leaddesk.query.filters import UNASSIGNED, Filter, Steer, conditions, dialect_of, without_index
from leaddesk.query.text_plan import TextPlan, has_narrow_filters, intersection, text_steer


@dataclass(frozen=True)
class Facets:
    """Counts per value. Each facet ignores its own dimension of the filter, so the sidebar keeps
    showing the other topics while one is selected. ``None`` keys are "no topic" / "unassigned"."""

    statuses: dict[str, int] = field(default_factory=dict)
    topics: dict[str | None, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    assignees: dict[str | None, int] = field(default_factory=dict)


_FACET_DIMENSIONS = frozenset({"statuses", "topics", "assignees"})
FACET_GROUPS_MAX = 4_000    # possible (status, topic, assignee) groups counted one by one


def count(session: Session, flt: Filter) -> int:
    return count_planned(session, flt, TextPlan.make(session, flt))


def count_planned(session: Session, flt: Filter, plan: TextPlan | None) -> int:
    """:func:`count` with the text plan already made (:func:`~leaddesk.query.pages.find` has one)."""
    dialect = dialect_of(session)
    if plan is not None and plan.found == 0:
        return 0
    if dialect == "sqlite" and _only_exclusions(flt):
        # Counting a whole index reads page headers only; the hidden rows are few.
        visible: ColumnElement[Any] = select(func.count()).select_from(Submission).scalar_subquery()
        for part in _hidden(flt):
            visible = visible - select(func.count()).select_from(Submission).where(*part)\
                .scalar_subquery()
        return int(session.execute(select(visible)).scalar_one())
    if plan is not None and has_narrow_filters(flt) and not plan.by_id():
        stmt = select(func.count()).select_from(intersection(flt, plan).subquery())
    else:
        stmt = select(func.count()).select_from(Submission).where(
            *conditions(flt, dialect, steer=text_steer(plan), plan=plan))
    return int(session.execute(stmt).scalar_one())


def _only_exclusions(flt: Filter, *, skip: Collection[str] = ()) -> bool:
    """True when nothing narrows ``flt`` but hiding spam and non-submissions (the plain inbox)."""
    narrowing = (
        search.terms(flt.text), "statuses" not in skip and flt.statuses,
        "topics" not in skip and flt.topics, "tags" not in skip and flt.tags,
        "assignees" not in skip and flt.assignees, flt.accounts, flt.ids,
        flt.received_from is not None, flt.received_to is not None, flt.replied is not None,
        flt.contact_id is not None)
    return not any(narrowing)


def _hidden(flt: Filter) -> list[list[ColumnElement[bool]]]:
    """What the plain inbox hides, as disjoint condition lists (non-submissions, then spam)."""
    parts: list[list[ColumnElement[bool]]] = []
    if not flt.include_non_submissions:
        parts.append([Submission.is_submission.is_(False)])
    if not flt.include_spam:
        spam = [Submission.status == Status.SPAM.value]
        if not flt.include_non_submissions:
            spam.insert(0, Submission.is_submission.is_(True))
        parts.append(spam)
    return parts


def facets(session: Session, flt: Filter) -> Facets:
    """Counts per status, topic, tag and assignee under the rest of the filter.

    Statuses, topics and assignees come from counts per (status, topic, assignee) group, taken
    in one pass; each facet then drops its own dimension of the filter here, in Python.
    """
    dialect = dialect_of(session)
    members = dict(session.execute(select(TeamMember.id, TeamMember.name)).all())
    names = {a for a in flt.assignees if a is not None}
    plan = TextPlan.make(session, flt)
    steer = text_steer(plan)
    groups = None
    if dialect == "sqlite" and _only_exclusions(flt, skip=_FACET_DIMENSIONS):
        groups = _group_counts_by_seek(session, flt)
    if groups is None:
        groups = [tuple(g) for g in session.execute(
            select(Submission.status, Submission.topic, Submission.assignee_id, func.count())
            .where(*conditions(flt, dialect, skip=_FACET_DIMENSIONS, steer=steer, plan=plan))
            .group_by(Submission.status, Submission.topic, Submission.assignee_id))]

    def status_ok(status: str) -> bool:
        if flt.statuses:
            return status in flt.statuses
        return flt.include_spam or status != Status.SPAM.value

    def topic_ok(topic: str | None) -> bool:
        return not flt.topics or topic in flt.topics

    def assignee_ok(member: int | None) -> bool:
        if not flt.assignees:
            return True
        if member is None:
            return UNASSIGNED in flt.assignees
        return members.get(member) in names

    statuses: dict[str, int] = {}
    topics: dict[str | None, int] = {}
    assignees: dict[str | None, int] = {}
    for status, topic, member, n in groups:
        if topic_ok(topic) and assignee_ok(member):
            statuses[status] = statuses.get(status, 0) + n
        if status_ok(status) and assignee_ok(member):
            topics[topic] = topics.get(topic, 0) + n
        if status_ok(status) and topic_ok(topic):
            name = members.get(member) if member is not None else None
            assignees[name] = assignees.get(name, 0) + n
    return Facets(statuses=_by_key(statuses), topics=_by_key(topics),
                  tags=_by_key(_tag_counts(session, flt, dialect, steer, plan)),
                  assignees=_by_key(assignees))


# Each possible (shown, status, topic, assignee) group, counted as one exact range of the facet
# index. The value lists are JSON, so the statement stays the same and is prepared once.
_GROUP_COUNTS = text("""
    SELECT s.value, t.value, m.value, (
        SELECT count(*) FROM submissions
        WHERE is_submission = k.value AND status = s.value
          AND topic IS t.value AND assignee_id IS m.value)
    FROM json_each(:shown) AS k, json_each(:statuses) AS s, json_each(:topics) AS t,
         json_each(:members) AS m""")


def _group_counts_by_seek(session: Session, flt: Filter) -> list[tuple[Any, ...]] | None:
    """(status, topic, assignee id, count) of the plain inbox's groups, on SQLite; None when
    there are too many possible groups for this to pay.

    Rather than group a million index entries, count each possible group as one exact range of
    the facet index: counting a range only compares keys, about twice as fast. The possible
    values come from skipping through the indexes (a few lookups per distinct value).
    """
    values: dict[str, list[Any]] = {"shown": [0, 1] if flt.include_non_submissions else [1]}
    combinations = len(values["shown"])
    for name, attribute in (("statuses", Submission.status), ("topics", Submission.topic),
                            ("members", Submission.assignee_id)):
        found = _distinct(session, attribute, most=FACET_GROUPS_MAX // combinations)
        if found is None:
            return None
        values[name], combinations = found, combinations * max(len(found), 1)
    groups: dict[tuple[Any, ...], int] = {}
    params = {name: json.dumps(found) for name, found in values.items()}
    for status, topic, member, n in session.execute(_GROUP_COUNTS, params):
        if n:
            groups[status, topic, member] = groups.get((status, topic, member), 0) + n
    return [(*key, n) for key, n in groups.items()]


def _distinct(session: Session, attribute: Any, *, most: int) -> list[Any] | None:
    """The distinct values of an indexed column, NULL first, one index seek per value; None if
    there are more than ``most``."""
    found: list[Any] = []
    if attribute.expression.nullable and session.execute(
            select(Submission.id).where(attribute.is_(None)).limit(1)).first():
        found.append(None)
    value = session.execute(select(func.min(attribute))).scalar()
    while value is not None:
        if len(found) >= most:
            return None
        found.append(value)
        value = session.execute(select(func.min(attribute)).where(attribute > value)).scalar()
    return found


def _tag_counts(session: Session, flt: Filter, dialect: str, steer: Steer,
                plan: TextPlan | None) -> dict[str, int]:
    tag_names = dict(session.execute(select(Tag.id, Tag.name)).all())
    if _only_exclusions(flt, skip={"tags"}):
        # Every link, less those of hidden rows: short index reads instead of a join that would
        # look up a row per link (on PostgreSQL: instead of scanning every row).
        counts: dict[int, int] = dict(session.execute(
            select(submission_tags.c.tag_id, func.count()).group_by(submission_tags.c.tag_id))
            .all())
        for part in _hidden(flt):
            hidden = session.execute(  # from the hidden rows to their links, never the reverse
                select(submission_tags.c.tag_id, func.count()).select_from(Submission)
                .join(submission_tags, submission_tags.c.submission_id == (
                    without_index(Submission.id) if dialect == "sqlite" else Submission.id))
                .where(*part).group_by(submission_tags.c.tag_id))
            for tag_id, n in hidden:
                counts[tag_id] -= n
        return {tag_names[t]: n for t, n in counts.items() if n > 0}
    links = session.execute(
        select(Tag.name, func.count())
        .select_from(submission_tags)
        .join(Tag, Tag.id == submission_tags.c.tag_id)
        .join(Submission, Submission.id == submission_tags.c.submission_id)
        .where(*conditions(flt, dialect, skip={"tags"}, steer=steer, plan=plan))
        .group_by(Tag.name))
    return {name: int(n) for name, n in links}


def _by_key(counts: dict[Any, int]) -> dict[Any, int]:
    """Counts in key order, ``None`` first (as SQLite's GROUP BY returns them)."""
    return dict(sorted(counts.items(), key=lambda item: (item[0] is not None, item[0] or "")))
