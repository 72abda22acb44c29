"""Team members: the people submissions can be assigned to (list, add, remove, look up).

Someone who still owns submissions is only deactivated when removed, so their work keeps showing
who had it; :func:`assignable` is the lookup assignment uses, refusing removed members.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leaddesk.db.models import Submission, TeamMember
from leaddesk.errors import ConflictError, NotFoundError, ValidationError
from leaddesk.triage.results import Member, MemberRemoval
from leaddesk.triage.validation import clean_actor, clean_email, clean_name
from leaddesk.triage.versions import audit


def _members(session: Session) -> list[TeamMember]:
    return list(session.scalars(select(TeamMember)
                                .execution_options(populate_existing=True)))


def _find_member(session: Session, name: str, members: Sequence[TeamMember] | None = None
                 ) -> TeamMember | None:
    # Exact match first, so "ada" and "Ada" could coexist from older data; then any letter case.
    members = _members(session) if members is None else members
    exact = next((m for m in members if m.name == name), None)
    if exact is not None:
        return exact
    key = name.casefold()
    return next((m for m in members if m.name.casefold() == key), None)


def _no_member(name: str) -> NotFoundError:
    return NotFoundError(f"no team member {name!r}; add one with "
                         f"`leaddesk members add {shlex.quote(name)}`")


def team(session: Session) -> list[TeamMember]:
    """Every team member, removed ones too, fresh from the database (for :func:`assignable`)."""
    return _members(session)


def assignable(session: Session, name: str, members: Sequence[TeamMember] | None = None
               ) -> TeamMember:
    """The member called ``name`` (any letter case), refusing removed members; among
    ``members`` (read by :func:`team`) when given, so many look-ups share one read."""
    cleaned = clean_name(name, "team member")
    member = _find_member(session, cleaned, members)
    if member is None:
        raise _no_member(cleaned)
    if not member.active:
        raise ValidationError(f"team member {member.name!r} was removed; add them again with "
                              f"`leaddesk members add {shlex.quote(member.name)}`")
    return member


def _assigned_counts(session: Session) -> dict[int, int]:
    result = session.execute(
        select(Submission.assignee_id, func.count())
        .where(Submission.assignee_id.is_not(None))
        .group_by(Submission.assignee_id))
    return {member_id: n for member_id, n in result if member_id is not None}


def list_members(session: Session, *, include_inactive: bool = False) -> list[Member]:
    """Team members by name, with how many submissions each one owns."""
    counts = _assigned_counts(session)
    return [Member(m.id, m.name, m.email, m.active, counts.get(m.id, 0), bool(m.away))
            for m in sorted(_members(session), key=lambda m: (m.name.casefold(), m.name))
            if m.active or include_inactive]


def add_member(session: Session, name: str, email: str | None = None, *, actor: str) -> Member:
    """Add someone submissions can be assigned to; re-adding a removed member reactivates them."""
    actor = clean_actor(actor)
    name = clean_name(name, "team member")
    address = clean_email(email)
    member = _find_member(session, name)
    if member is not None and member.active:
        raise ValidationError(f"team member {member.name!r} already exists")
    if member is not None:
        before = {"name": member.name, "email": member.email, "active": False}
        member.active = True
        member.email = address if address is not None else member.email
        action = "member.reactivate"
    else:
        before = None
        member = TeamMember(name=name, email=address, active=True)
        session.add(member)
        action = "member.add"
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(f"team member {name!r} was just added by someone else; "
                            f"reload and try again") from None
    audit(session, actor=actor, action=action, entity="member", entity_id=member.id,
           before=before, after={"name": member.name, "email": member.email, "active": True})
    return Member(member.id, member.name, member.email, True,
                  _assigned_counts(session).get(member.id, 0))


def remove_member(session: Session, name: str, *, actor: str) -> MemberRemoval:
    """Remove a team member from the list.

    Someone who owns no submission is deleted. Someone who still owns submissions is only
    deactivated: their submissions keep showing who had them (rather than silently becoming
    unassigned) until someone reassigns them, and nobody can assign new ones to them.
    """
    actor = clean_actor(actor)
    cleaned = clean_name(name, "team member")
    member = _find_member(session, cleaned)
    if member is None or not member.active:
        raise _no_member(cleaned)
    owned = _assigned_counts(session).get(member.id, 0)
    before = {"name": member.name, "email": member.email, "active": True}
    if owned:
        member.active = False
        action, after = "member.deactivate", {**before, "active": False, "still_assigned": owned}
    else:
        session.delete(member)
        action, after = "member.remove", None
    session.flush()
    audit(session, actor=actor, action=action, entity="member", entity_id=member.id,
           before=before, after=after)
    return MemberRemoval(member.name, deleted=not owned, still_assigned=owned)

