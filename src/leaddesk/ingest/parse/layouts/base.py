"""What a layout returns, and the field readers the layouts share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from leaddesk.ingest.parse.fieldlines import ForcedLabel, label_value_fields
from leaddesk.ingest.parse.html_text import HtmlText
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import role_of, value_role

Fields = list[tuple[str, str]]


@dataclass
class Extracted:
    """A recognised notification: its fields in order and what the layout itself knows beyond them
    (the CF7 "From:" line, Elementor's page URL, the site's name in the footer ...)."""

    plugin: str
    fields: Fields
    message: str | None = None
    name: str | None = None
    email: str | None = None
    page_url: str | None = None
    post_title: str | None = None
    submitted_at: str | None = None
    topic: str | None = None
    site_names: tuple[str, ...] = ()


def fields_from_html(html: HtmlText) -> Fields:
    """Table pairs as they are, and "Label: value" lines between them, in document order."""
    fields: Fields = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            fields.extend(label_value_fields(chunk)[0])
            chunk.clear()

    for item in html.items:
        if isinstance(item, tuple):
            flush()
            fields.append(item)
        else:
            chunk.append(item)
    flush()
    return fields


def fields_of(mail: Readable) -> Fields:
    """The fields of a mail whose layout has no markers of its own: the HTML structure when it has
    tables or bold/heading labels (they keep multi-line values whole and say what is a label), else
    the lines of the text. The two parts of an alternative may differ: when the HTML names nobody (a
    summary table of form and date, a "view submission" button) and the text part does, the text's
    fields are the ones."""
    if mail.html is not None and (mail.html.pairs or any(isinstance(item, ForcedLabel)
                                                         for item in mail.html.items)):
        fields = fields_from_html(mail.html)
        if mail.mail.text is None or _names_someone(fields):
            return fields
        text_fields = label_value_fields(mail.text)[0]
        return text_fields if _names_someone(text_fields) else fields
    return label_value_fields(mail.text)[0]


_PERSON = frozenset({"name", "first_name", "last_name", "email"})


def _names_someone(fields: Fields) -> bool:
    return any(role_of(label, value) in _PERSON or value_role(value) == "email" for label, value in fields)


_FORMISH = re.compile(r"\b(forms?|submissions?|submitted|formular|formulaire|formulario|modulo)\b",
                      re.IGNORECASE)


def mentions_form(mail: Readable) -> bool:
    """True when the subject or text speaks of a form: a form service also sends other mail (deploy
    reports, invoices, confirmations) from the same address."""
    return bool(_FORMISH.search(mail.subject) or _FORMISH.search(mail.text[:2000]))


def without(fields: Fields, *labels: str) -> Fields:
    """``fields`` without the ones whose label (case-insensitive) is in ``labels``."""
    drop = {label.casefold() for label in labels}
    return [(label, value) for label, value in fields if label.casefold() not in drop]
