"""What changed: the one plain record every write hands back and every change feed announces.

A :class:`Change` names a kind of thing (a submission, contact, tag, member, post, account or
setting; presence for the "also viewing" leases), the ids it touched and the fields it wrote.
Core write functions return it (``triage.bulk_set_status`` returns one, ``triage.set_status`` an
:class:`~leaddesk.triage.Edit` whose ``change`` is one); the window's operations publish it on the
change bus, and the team change feed (:mod:`leaddesk.team.changes`) announces another desktop's
write with the same record. A page then has one thing to look at when it decides what to refresh:
known ids re-fetch those rows; a field that decides membership or order re-queries the list.

``None`` means "not known": ``ids=None`` is "some or many rows", ``fields=None`` "any field".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    SUBMISSION = "submission"
    CONTACT = "contact"
    TAG = "tag"
    MEMBER = "member"
    POST = "post"
    ACCOUNT = "account"
    SETTING = "setting"
    TEMPLATE = "template"
    PRESENCE = "presence"
    ANY = "*"  # something changed, nobody knows what (after a reconnect): refresh everything


# Pseudo-fields of a submission: it was stored (new mail) or deleted (erasure, merge).
CREATED = "created"
DELETED = "deleted"


@dataclass(frozen=True)
class Change:
    """One write: its kind, the ids it touched (None: unknown or many), the fields (None: any)."""

    kind: str
    ids: frozenset[int] | None = None
    fields: frozenset[str] | None = None

    @classmethod
    def of(cls, kind: str, ids: Iterable[int] | None = None,
           fields: Iterable[str] | None = None) -> Change:
        return cls(kind, None if ids is None else frozenset(ids),
                   None if fields is None else frozenset(fields))

    def touches(self, fields: Iterable[str]) -> bool:
        """Whether this change may have written one of ``fields``."""
        return self.fields is None or not self.fields.isdisjoint(fields)

    @property
    def count(self) -> int:
        """How many rows it names (0 when unknown)."""
        return len(self.ids) if self.ids is not None else 0


EVERYTHING = Change(Kind.ANY)


def merge(changes: Iterable[Change]) -> list[Change]:
    """One record per kind: ids and fields united (``None`` wins), so a burst refreshes once."""
    kinds: dict[str, tuple[set[int] | None, set[str] | None]] = {}
    for change in changes:
        if change.kind not in kinds:
            kinds[change.kind] = (set(), set())
        ids, fields = kinds[change.kind]
        ids = None if ids is None or change.ids is None else ids | change.ids
        fields = None if fields is None or change.fields is None else fields | change.fields
        kinds[change.kind] = (ids, fields)
    return [Change.of(kind, ids, fields) for kind, (ids, fields) in kinds.items()]
