"""Saved replies: the catalogue (add, edit, remove, list) and filling in their placeholders.

A template's subject and body may use ``{first_name}``, ``{name}``, ``{topic}``, ``{post_title}``,
``{post_url}`` and ``{my_name}``; ``{{`` and ``}}`` write a literal brace. Only these bare names are
understood (no attribute access, no format specs): the values come from strangers on the internet.
A missing value gets a safe default ("there", "your question"…) so a reply never reads "Hi ,".
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.changes import Change, Kind
from leaddesk.db.models import AuditEvent, ReplyTemplate
from leaddesk.db.types import utcnow
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.lines import has_line_break

PLACEHOLDERS = ("first_name", "name", "topic", "post_title", "post_url", "my_name")
DEFAULTS: Mapping[str, str] = {
    "first_name": "there", "name": "there", "topic": "your question",
    "post_title": "our website", "post_url": "", "my_name": "the team",
}
NAME_LIMIT = 120


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    subject: str | None
    body: str

    @property
    def change(self) -> Change:
        return Change.of(Kind.TEMPLATE, [self.id])


def _info(t: ReplyTemplate) -> TemplateInfo:
    return TemplateInfo(t.id, t.name, t.subject, t.body)


def _pieces(text: str) -> list[tuple[str, str | None]]:
    """(literal, placeholder or None) pairs; raises ValidationError for anything but our names."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(f"the template has a stray brace ({exc}); write {{{{ or }}}} for a "
                              f"literal one") from None
    pieces: list[tuple[str, str | None]] = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            pieces.append((literal, None))
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise ValidationError(
                f"unknown placeholder {{{field}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}; use "
                + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
        pieces.append((literal, field))
    return pieces


def check(text: str) -> str:
    _pieces(text)
    return text


def render(text: str, values: Mapping[str, str | None]) -> str:
    """Fill the placeholders; a missing or empty value becomes its safe default."""
    out: list[str] = []
    for literal, field in _pieces(text):
        out.append(literal)
        if field is not None:
            # Visitor-typed values are one line: a name with a newline must not break a subject.
            value = " ".join(str(values.get(field) or "").split())
            out.append(value or DEFAULTS[field])
    return "".join(out)


def first_name(name: str | None) -> str | None:
    """The first word of a name as people write it ("Dr. Ada Lovelace" -> "Ada")."""
    words = [w for w in (name or "").replace(",", " ").split()
             if w.rstrip(".").lower() not in ("mr", "mrs", "ms", "dr", "prof", "herr", "frau")]
    return words[0] if words else None


# ------------------------------------------------------------------ the catalogue

def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("a template needs a name")
    if len(cleaned) > NAME_LIMIT:
        raise ValidationError(f"a template name is at most {NAME_LIMIT} characters")
    return cleaned


def _row(session: Session, name: str) -> ReplyTemplate:
    found = session.execute(select(ReplyTemplate).where(ReplyTemplate.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"no template named {name!r}; `leaddesk templates list` shows them")
    return found


def _audit(session: Session, actor: str, action: str, row_id: int, before: object,
           after: object) -> None:
    session.add(AuditEvent(actor=actor, action=action, entity="template", entity_id=row_id,
                           before=before, after=after))


def list_templates(session: Session) -> list[TemplateInfo]:
    return [_info(t) for t in session.execute(
        select(ReplyTemplate).order_by(ReplyTemplate.name)).scalars()]


def get_template(session: Session, name: str) -> TemplateInfo:
    return _info(_row(session, name))


def _check_subject(subject: str | None) -> str | None:
    if subject is None or not subject.strip():
        return None
    if has_line_break(subject):
        raise ValidationError("a template subject must be one line")
    return check(subject.strip())


def add_template(session: Session, name: str, body: str, subject: str | None = None, *,
                 actor: str) -> TemplateInfo:
    name = _clean_name(name)
    if not body.strip():
        raise ValidationError("the template body is empty")
    if session.execute(select(ReplyTemplate.id).where(ReplyTemplate.name == name)).first():
        raise ValidationError(f"a template named {name!r} exists already")
    row = ReplyTemplate(name=name, subject=_check_subject(subject), body=check(body))
    session.add(row)
    session.flush()
    _audit(session, actor, "template.add", row.id, None, {"name": name})
    return _info(row)


def edit_template(session: Session, name: str, *, actor: str, new_name: str | None = None,
                  body: str | None = None, subject: str | None = None) -> TemplateInfo:
    """Change a template; ``subject=""`` clears it (the reply keeps "Re: …")."""
    row = _row(session, name)
    before = {"name": row.name}
    if new_name is not None and _clean_name(new_name) != row.name:
        new_name = _clean_name(new_name)
        if session.execute(select(ReplyTemplate.id).where(ReplyTemplate.name == new_name)).first():
            raise ValidationError(f"a template named {new_name!r} exists already")
        row.name = new_name
    if body is not None:
        if not body.strip():
            raise ValidationError("the template body is empty")
        row.body = check(body)
    if subject is not None:
        row.subject = _check_subject(subject)
    row.updated_at = utcnow()
    session.flush()
    _audit(session, actor, "template.edit", row.id, before, {"name": row.name})
    return _info(row)


def remove_template(session: Session, name: str, *, actor: str) -> TemplateInfo:
    row = _row(session, name)
    info = _info(row)
    session.delete(row)
    _audit(session, actor, "template.remove", info.id, {"name": info.name}, None)
    session.flush()
    return info
