"""Labels a person taught: "on this form, 'Your area of work' is the topic".

A form is known by the notification's sender address (WordPress sends every form of a site from
one address, a form service one per form), by a site host (the page URL's), or by "" for every
form. When several rules name the same label, the most specific wins: sender, then host, then
every form. The rules travel to the parser as ``label_map`` (``label_key(label)`` -> canonical key)
and win over its built-in synonyms; :func:`parse` is what every mail source and the re-read call.

:class:`LabelBook` is plain data, so it can go to the worker processes that parse large imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from leaddesk.db.models import AuditEvent, LabelMapping
from leaddesk.errors import NotFoundError, ValidationError

# The parser's side lives in labelbook (no SQLAlchemy, for the parse workers); named here too.
from leaddesk.ingest.labelbook import LabelBook as LabelBook
from leaddesk.ingest.labelbook import host_of as host_of
from leaddesk.ingest.labelbook import parse as parse
from leaddesk.ingest.labelbook import sender_of as sender_of
from leaddesk.ingest.parse.synonyms import CANONICAL_KEYS, label_key

# What a person can say a label is; "page" is the word people use for the page URL.
TEACHABLE = ("name", "first_name", "last_name", "email", "phone", "company", "topic", "message",
             "page_url")
_WORDS = {"page": "page_url", "url": "page_url", "page url": "page_url", "e-mail": "email",
          "mail": "email", "first name": "first_name", "last name": "last_name",
          "telephone": "phone", "organisation": "company", "organization": "company"}


@dataclass(frozen=True)
class LabelRule:
    id: int
    form: str
    label: str
    field: str
    created_by: str
    created_at: datetime

    def as_json(self) -> dict[str, str | int]:
        return {"id": self.id, "form": self.form, "label": self.label, "field": self.field,
                "created_by": self.created_by, "created_at": self.created_at.isoformat()}


def load(session: Session) -> LabelBook:
    forms: dict[str, dict[str, str]] = {}
    for form, key, canonical in session.execute(
            select(LabelMapping.form, LabelMapping.label_key, LabelMapping.field)):
        forms.setdefault(form, {})[key] = canonical
    return LabelBook(forms)


def clean_field(value: str) -> str:
    """The canonical key for what a person typed: "topic", "phone", "page" …"""
    text = " ".join(value.strip().lower().replace("_", " ").split())
    canonical = _WORDS.get(text, text.replace(" ", "_"))
    if canonical not in TEACHABLE or canonical not in CANONICAL_KEYS:
        raise ValidationError(f"unknown field {value!r}; use one of "
                              f"{', '.join(t.replace('_url', '') for t in TEACHABLE)}")
    return canonical


def clean_form(value: str | None) -> str:
    """A form key: a sender address or a host, lower case; "" (or none) for every form."""
    text = (value or "").strip().lower()
    if text.startswith(("http://", "https://")):
        text = host_of(text)
    if len(text) > 320 or any(c.isspace() for c in text):
        raise ValidationError(f"not a form: {value!r}; give the notification's sender address "
                              f"or the site's host")
    return text


def _key(label: str) -> str:
    key = label_key(label)
    if not key:
        raise ValidationError(f"the label {label!r} has no letters or digits to recognise it by")
    if len(label.strip()) > 255:
        raise ValidationError("the label is too long; keep it to 255 characters")
    return key


def map_label(session: Session, label: str, field: str, *, form: str | None = None,
              actor: str) -> LabelRule:
    """Teach (or re-teach) that ``label`` on ``form`` is ``field``."""
    canonical, form_key, key = clean_field(field), clean_form(form), _key(label)
    rule = session.scalar(select(LabelMapping).where(LabelMapping.form == form_key,
                                                     LabelMapping.label_key == key))
    before = {"field": rule.field} if rule is not None else None
    if rule is None:
        rule = LabelMapping(form=form_key, label=label.strip(), label_key=key, field=canonical,
                            created_by=actor)
        session.add(rule)
    else:
        rule.label, rule.field, rule.created_by = label.strip(), canonical, actor
    session.flush()
    session.add(AuditEvent(actor=actor, action="label.map", entity="label", entity_id=rule.id,
                           before=before, after={"form": form_key, "label": rule.label,
                                                 "field": canonical}))
    session.flush()
    return _rule(rule)


def remove_label(session: Session, label: str, *, form: str | None = None,
                 actor: str) -> LabelRule:
    form_key, key = clean_form(form), _key(label)
    rule = session.scalar(select(LabelMapping).where(LabelMapping.form == form_key,
                                                     LabelMapping.label_key == key))
    if rule is None:
        where = f" on form {form_key}" if form_key else " for every form"
        raise NotFoundError(f"no taught label {label!r}{where}; `leaddesk labels list` shows them")
    gone = _rule(rule)
    session.execute(delete(LabelMapping).where(LabelMapping.id == rule.id))
    session.add(AuditEvent(actor=actor, action="label.remove", entity="label", entity_id=gone.id,
                           before={"form": gone.form, "label": gone.label, "field": gone.field},
                           after=None))
    return gone


def list_labels(session: Session) -> list[LabelRule]:
    rules = session.scalars(select(LabelMapping).order_by(LabelMapping.form, LabelMapping.label))
    return [_rule(r) for r in rules]


def _rule(rule: LabelMapping) -> LabelRule:
    return LabelRule(rule.id, rule.form, rule.label, rule.field, rule.created_by, rule.created_at)
