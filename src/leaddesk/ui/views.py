"""The built-in views of the sidebar (Inbox, Mine, …) and how they combine with facet choices.

Plain data, no widgets: a view is a named base filter; topics and tags picked in the sidebar or
the chips narrow it; the search box adds free text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from leaddesk.query import Filter


@dataclass(frozen=True)
class View:
    key: str
    label: str
    base: Filter


def builtin_views(me: str) -> list[View]:
    return [
        View("inbox", "Inbox", Filter(statuses=("new", "open"))),
        # The visitor wrote last: a colleague's reply from any mail client takes a lead out.
        View("needs_reply", "Needs reply", Filter(statuses=("new", "open", "waiting"),
                                                  needs_reply=True)),
        # Nobody answered within the team's target (Settings → Response times).
        View("overdue", "Overdue", Filter(statuses=("new", "open", "waiting"), overdue=True)),
        View("mine", "Mine", Filter(statuses=("new", "open", "waiting"), assignees=(me,))),
        View("unassigned", "Unassigned", Filter(statuses=("new", "open", "waiting"),
                                                assignees=(None,))),
        View("waiting", "Waiting", Filter(statuses=("waiting",))),
        View("done", "Done", Filter(statuses=("done",))),
        View("all", "All messages", Filter(include_non_submissions=True)),
        View("spam", "Spam", Filter(statuses=("spam",))),
    ]


@dataclass(frozen=True)
class Narrowing:
    """What the user added on top of the view: facet picks, a period, free text."""

    topics: tuple[str | None, ...] = ()
    tags: tuple[str, ...] = ()
    days: int | None = None
    text: str = ""

    def toggle_topic(self, topic: str | None) -> Narrowing:
        topics = tuple(t for t in self.topics if t != topic)
        return replace(self, topics=topics if len(topics) < len(self.topics) else (topic,))

    def toggle_tag(self, tag: str) -> Narrowing:
        tags = tuple(t for t in self.tags if t != tag)
        return replace(self, tags=tags if len(tags) < len(self.tags) else (*self.tags, tag))


def combine(view: View, narrowing: Narrowing, *, sort: Filter | None = None,
            now: datetime | None = None) -> Filter:
    flt = view.base
    if narrowing.topics:
        flt = flt.with_(topics=narrowing.topics)
    if narrowing.tags:
        flt = flt.with_(tags=narrowing.tags)
    if narrowing.days:
        start = (now or datetime.now().astimezone()) - timedelta(days=narrowing.days)
        flt = flt.with_(received_from=start)
    if narrowing.text.strip():
        flt = flt.with_(text=narrowing.text.strip())
    if sort is not None:
        flt = flt.with_(sort=sort.sort, descending=sort.descending)
    return flt


@dataclass(frozen=True)
class SavedView:
    """A view and narrowing the user named, to come back to in one click."""

    name: str
    view: str
    narrowing: Narrowing


def saved_views_to_json(views: list[SavedView]) -> str:
    return json.dumps([{"name": v.name, "view": v.view, "narrowing": asdict(v.narrowing)}
                       for v in views])


def saved_views_from_json(text: str) -> list[SavedView]:
    """Saved views from settings; entries that do not parse (hand-edited, older) are skipped."""
    try:
        data: Any = json.loads(text or "[]")
    except ValueError:
        return []
    views = []
    for entry in data if isinstance(data, list) else []:
        try:
            n = entry["narrowing"]
            views.append(SavedView(str(entry["name"]), str(entry["view"]), Narrowing(
                topics=tuple(n.get("topics", ())), tags=tuple(n.get("tags", ())),
                days=n.get("days"), text=str(n.get("text", "")))))
        except (KeyError, TypeError, AttributeError):
            continue
    return views
