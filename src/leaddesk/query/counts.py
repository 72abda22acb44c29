"""Totals and facets: :func:`count`, :func:`estimate` and :func:`facets` (counts per status, topic,
tag and assignee), with the shortcuts of the trigger-kept tables: ``facet_counts`` /
``tag_facet_counts`` give the plain inbox's total and facets, and on PostgreSQL the kept word
counts (:mod:`leaddesk.query.words`) a one-word search's total under statuses, topics and owners.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, or_, select
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import (
    Status,
    Submission,
    Tag,
    TeamMember,
    facet_counts,
    submission_tags,
    tag_facet_counts,
)
from leaddesk.query import pg_matches, pg_sql, pg_text, text_plan, word_maps, words
from leaddesk.query.filters import (
    UNASSIGNED,
    Filter,
    Steer,
    assignee_condition,
    conditions,
    dialect_of,
    in_or_null,
)
from leaddesk.query.results import Estimate
from leaddesk.query.text_plan import (
    TextPlan,
    has_narrow_filters,
    intersection,
    kept_intersection,
    text_steer,
)


@dataclass(frozen=True)
class Facets:
    """Counts per value. Each facet ignores its own dimension of the filter, so the sidebar keeps
    showing the other topics while one is selected. ``None`` keys are "no topic" / "unassigned"."""

    statuses: dict[str, int] = field(default_factory=dict)
    topics: dict[str | None, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    assignees: dict[str | None, int] = field(default_factory=dict)


_FACET_DIMENSIONS = frozenset({"statuses", "topics", "assignees"})
# PostgreSQL: a search the kept counts cannot tell and the newest documents say matches at least
# this many rows is estimated from a sample, not counted (see _sampled_estimate). With the
# 2,000-document sample one hit stands for 500 rows at a million rows: below 1,000 the search
# is rare and its exact count cheap.
SAMPLED_EXACT_BELOW = 1_000


def count(session: Session, flt: Filter) -> int:
    return count_planned(session, flt, TextPlan.make(session, flt))


def estimate(session: Session, flt: Filter) -> Estimate:
    """The number of matches without reading every match of a common word.

    Exact whenever that is cheap: no text, a rarer word (its matches are fetched once anyway), or
    a word alone counted in PostgreSQL's term counts. For a common word, its share of the rows
    times the rows the other filters pass, counted from covering indexes or the counts table: on
    SQLite the share of the newest rows (which the text plan samples), on PostgreSQL of all rows
    from the term counts, or of the newest documents when those cannot tell; on PostgreSQL a
    search the term counts cannot tell that is not rare is sampled among the newest rows its
    other filters pass (:func:`_sampled_estimate`). The UI shows "about N" and replaces it with
    :func:`count`, run in a worker.
    """
    if dialect_of(session) == "postgresql" and search.terms(flt.text):
        return _postgres_estimate(session, flt)
    plan = TextPlan.make(session, flt)
    if plan is None or plan.found is not None:
        return Estimate(count_planned(session, flt, plan), exact=True)
    others = count_planned(session, replace(flt, text=""), None)
    return Estimate(round(plan.share * others), exact=False)


def _postgres_estimate(session: Session, flt: Filter) -> Estimate:
    others = replace(flt, text="")
    if _only_exclusions(others, skip=_FACET_DIMENSIONS):
        kept = _kept_word_count(session, flt)
        if kept is not None:
            return Estimate(kept, exact=True)
    shown = Filter(include_spam=flt.include_spam, include_non_submissions=flt.include_non_submissions)
    matched = _kept_word_count(session, replace(shown, text=flt.text))
    if matched is not None:
        share = matched / max(count_planned(session, shown, None), 1)
    else:
        share = words.recent_share(session, flt.text)
        matched = round(share * count_planned(session, Filter(
            include_spam=True, include_non_submissions=True), None))
        if matched >= SAMPLED_EXACT_BELOW:
            return _sampled_estimate(session, flt, matched, share)
    if matched < text_plan.COMMON:  # few matches: the exact count is cheap
        return Estimate(count_planned(session, flt, None), exact=True)
    return Estimate(round(share * count_planned(session, others, None)), exact=False)


def _sampled_estimate(session: Session, flt: Filter, matched: int, share: float) -> Estimate:
    """PostgreSQL, a search the kept counts cannot tell (a prefix naming several words, several
    words) that the newest documents say is not rare: its share of the newest rows the other
    filters pass, times those rows. Counting it exactly costs 30-75 ms at a million rows even
    below :data:`~leaddesk.query.text_plan.COMMON` matches ("hoffmann", a prefix of 1,532
    e-mail words: a partial index match, then 10k heap pages; "proposal budget": 4.8k matches
    joined with the filters' rows), where this sample takes a few. Exact when the other filters
    pass fewer rows than the sample holds (all of them were tested)."""
    others = replace(flt, text="")
    if matched >= text_plan.COMMON:
        return Estimate(round(share * count_planned(session, others, None)), exact=False)
    window = words.RECENT_WINDOW
    found, sampled = words.newest_matches(session, flt.text, conditions(others, "postgresql"),
                                          window=window)
    if sampled < window:
        return Estimate(found, exact=True)
    return Estimate(round(found / sampled * count_planned(session, others, None)), exact=False)


def _kept_word_count(session: Session, flt: Filter) -> int | None:
    """PostgreSQL: the rows with ``flt``'s one word in the groups ``flt`` passes (it narrows by
    status, topic and owner at most), from the kept word counts; None if they cannot tell."""
    return words.kept_count(session, flt.text, lambda terms: _group_conditions(flt, terms))


def kept_total(flt: Filter) -> ScalarSelect[Any] | None:
    """The total of ``flt`` as a subquery of the trigger-kept ``facet_counts``, when they can
    tell (statuses, topics and owners at most), for a page's statement to carry
    (:mod:`leaddesk.query.pg_page`); None otherwise."""
    if not _only_exclusions(flt, skip=_FACET_DIMENSIONS):
        return None
    return select(func.coalesce(func.sum(facet_counts.c.n), 0)).where(
        *_group_conditions(flt)).scalar_subquery()


def count_planned(session: Session, flt: Filter, plan: TextPlan | None, *,
                  exact: str | None = None) -> int:
    """:func:`count` with the text plan already made (:func:`~leaddesk.query.pages.find` has one;
    on PostgreSQL it may have written the search's prefixes out: ``exact``)."""
    dialect = dialect_of(session)
    if plan is not None and plan.found == 0:
        return 0
    if _only_exclusions(flt, skip=_FACET_DIMENSIONS):
        # Statuses, topics and owners at most (the plain inbox, the sidebar's views): a few
        # hundred rows of the trigger-kept counts table, exact after every write, instead of an
        # index entry per row (leaddesk.query.quick sums the plain inbox's the same way).
        def kept_sum() -> Select[Any]:
            return select(func.coalesce(func.sum(facet_counts.c.n), 0)).where(
                *_group_conditions(flt))
        if dialect == "postgresql":  # compiled once per filter: see leaddesk.query.pg_sql
            return int(pg_sql.scalar(session, ("kept_total", *_group_key(flt)), kept_sum))
        return int(session.execute(kept_sum()).scalar_one())
    if len(flt.tags) == 1 and _only_exclusions(flt, skip={"tags", "statuses"}):
        # One tag, by status at most (a tag's view): its trigger-kept counts per status, not an
        # EXISTS on its links per lead (0.7-1.0 s a count at a million leads).
        c = tag_facet_counts.c
        tag = select(Tag.id).where(Tag.name == flt.tags[0]).scalar_subquery()
        return int(session.execute(select(func.coalesce(func.sum(c.n), 0)).where(
            c.tag_id == tag, *_group_conditions(flt, tag_facet_counts))).scalar_one())
    if dialect == "postgresql" and flt.text \
            and _only_exclusions(replace(flt, text=""), skip=_FACET_DIMENSIONS):
        # One word with statuses, topics and owners at most: its documents per facet group,
        # kept by triggers (revision 0010), instead of every candidate's document.
        kept = _kept_word_count(session, flt)
        if kept is not None:
            return kept
        # Other searches: their matches kept while the database is unchanged, intersected
        # with the ids the filters pass when those are not too many to send.
        others = replace(flt, text="")
        if count_planned(session, others, None) <= pg_matches.MAX_CANDIDATES:
            if exact is None:
                exact = pg_text.expanded(session, flt.text)
            found = pg_matches.count(session, flt.text, exact, conditions(others, dialect))
            if found is not None:
                return found
    if dialect == "sqlite" and plan is not None and plan.ids is None \
            and _only_exclusions(replace(flt, text="")):
        # A common word alone: its matches counted in the full-text index (or its kept map),
        # less those among the few rows the inbox hides (spam, not submissions).
        hidden = _hidden(flt)
        kept = word_maps.count_all(session, flt.text, None if hidden is None
                                   else select(Submission.id).where(hidden))
        if kept is not None:
            return kept
        total = search.count_all_matches(session, flt.text)
        if hidden is not None:
            total -= int(session.execute(select(func.count()).select_from(search.matches_among(
                flt.text, select(Submission.id).where(hidden)).subquery())).scalar_one())
        return total
    if plan is not None and has_narrow_filters(flt) and not plan.by_id():
        both = kept_intersection(session, flt, plan) if dialect == "sqlite" else None
        if both is not None:
            return len(both)
        stmt = select(func.count()).select_from(intersection(flt, plan).subquery())
    else:
        if dialect == "postgresql" and exact is None and flt.text:
            exact = pg_text.expanded(session, flt.text)
        stmt = select(func.count()).select_from(Submission).where(
            *conditions(flt, dialect, steer=text_steer(plan), plan=plan, exact=exact))
    return int(session.execute(stmt).scalar_one())


def _only_exclusions(flt: Filter, *, skip: Collection[str] = ()) -> bool:
    """True when nothing narrows ``flt`` but hiding spam and non-submissions (the plain inbox)."""
    narrowing = (
        search.terms(flt.text), "statuses" not in skip and flt.statuses,
        "topics" not in skip and flt.topics, "tags" not in skip and flt.tags,
        "assignees" not in skip and flt.assignees, flt.accounts, flt.ids,
        flt.received_from is not None, flt.received_to is not None, flt.replied is not None,
        flt.needs_reply is not None, flt.unread is not None, flt.contact_id is not None,
        flt.overdue is not None)
    return not any(narrowing)


def _hidden(flt: Filter) -> ColumnElement[bool] | None:
    """The rows ``flt`` hides although they match everything else (None: it hides none)."""
    parts: list[ColumnElement[bool]] = []
    if not flt.include_non_submissions:
        parts.append(Submission.is_submission.is_(False))
    if not flt.include_spam:
        parts.append(Submission.status == Status.SPAM.value)
    return or_(*parts) if parts else None


def _group_key(flt: Filter) -> tuple[Any, ...]:
    """Everything of ``flt`` that :func:`_group_conditions` reads."""
    return (flt.statuses, flt.include_spam, flt.include_non_submissions, flt.topics,
            flt.assignees)


def _group_conditions(flt: Filter, table: Any = facet_counts) -> list[ColumnElement[bool]]:
    """:func:`~leaddesk.query.filters.conditions` of a filter that narrows by status, topic and
    owner at most, on the groups of ``facet_counts`` (or another table of the same groups)."""
    c = table.c
    where: list[ColumnElement[bool]] = []
    if flt.statuses:
        where.append(c.status.in_(flt.statuses))
    elif not flt.include_spam:
        where.append(c.status != Status.SPAM.value)
    if not flt.include_non_submissions:
        where.append(c.is_submission.is_(True))
    if flt.topics:
        where.append(in_or_null(c.topic, flt.topics))
    if flt.assignees:
        where.append(assignee_condition(c.assignee_id, flt.assignees))
    return where


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
    if _only_exclusions(flt, skip=_FACET_DIMENSIONS):
        groups = _kept_group_counts(session, flt)
    else:
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


def _shown(flt: Filter, table: Any) -> list[ColumnElement[bool]]:
    """The plain inbox's rows of a trigger-kept counts table: spam and non-submissions hidden
    unless the filter shows them."""
    shown: list[ColumnElement[bool]] = []
    if not flt.include_non_submissions:
        shown.append(table.c.is_submission.is_(True))
    if not flt.include_spam:
        shown.append(table.c.status != Status.SPAM.value)
    return shown


def _kept_group_counts(session: Session, flt: Filter) -> list[tuple[Any, ...]]:
    """(status, topic, assignee id, count) of the plain inbox's groups, from ``facet_counts``.

    Spam stays in: the status facet shows it whatever the filter (see ``status_ok``)."""
    c = facet_counts.c
    shown = [] if flt.include_non_submissions else [c.is_submission.is_(True)]
    total = func.sum(c.n)
    return [tuple(g) for g in session.execute(
        select(c.status, c.topic, c.assignee_id, total).where(*shown)
        .group_by(c.status, c.topic, c.assignee_id).having(total > 0))]


def _tag_counts(session: Session, flt: Filter, dialect: str, steer: Steer,
                plan: TextPlan | None) -> dict[str, int]:
    tag_names = dict(session.execute(select(Tag.id, Tag.name)).all())
    if _only_exclusions(flt, skip={"tags", "statuses"}):
        # The kept counts are per (tag, shown, status): the inbox's statuses are a condition on
        # them, not a join of every tag link with its lead (225 ms at a million leads).
        c = tag_facet_counts.c
        total = func.sum(c.n)
        statuses = [c.status.in_(flt.statuses)] if flt.statuses else []
        kept = session.execute(select(c.tag_id, total)
                               .where(*_shown(flt, tag_facet_counts), *statuses)
                               .group_by(c.tag_id).having(total > 0))
        return {tag_names[t]: int(n) for t, n in kept if t in tag_names}
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
