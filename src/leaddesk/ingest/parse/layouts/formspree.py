"""Formspree notifications.

From Formspree's ``templates/email/form.txt`` and ``forms/models.py``: "Someone just submitted your form
on <host>. Here's what they had to say:", then per field its name, a colon, and the value on the next
lines, then "This form was submitted at %I:%M %p UTC - %d %B %Y.". The subject is ``_subject`` or "New
submission from <referrer host and path>"; Reply-To is ``_replyto`` or the ``email`` field.
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.fieldlines import label_value_fields
from leaddesk.ingest.parse.layouts.base import Extracted, fields_from_html, mentions_form
from leaddesk.ingest.parse.readable import Readable

NAME = "formspree"

_START = re.compile(r"^.*what they had to say:?\s*$", re.MULTILINE | re.IGNORECASE)
_END = re.compile(r"^\s*this form was submitted (?:at|on)\s+(?P<at>.+?)\.?\s*$", re.MULTILINE | re.IGNORECASE)
_SUBJECT_PAGE = re.compile(r"^new submission from\s+(?P<page>\S+)\s*$", re.IGNORECASE)


def recognise(mail: Readable) -> Extracted | None:
    if not mail.sent_by("formspree.io") or not mentions_form(mail):
        return None
    text = mail.text
    start, end = _START.search(text), _END.search(text)
    if start is not None or end is not None:
        section = text[start.end() if start else 0:end.start() if end else len(text)]
        fields = label_value_fields(section)[0]
    elif mail.html is not None:
        fields = fields_from_html(mail.html)
    else:
        fields = label_value_fields(text)[0]
    # Formspree's own instructions (_replyto, _subject, _next ...) are not the visitor's fields.
    fields = [(label, value) for label, value in fields if not label.startswith("_")]
    if not fields:
        return None
    extracted = Extracted(plugin=NAME, fields=fields, site_names=("Formspree",))
    if end is not None:
        extracted.submitted_at = end.group("at")
    page = _SUBJECT_PAGE.match(mail.subject)
    if page is not None:
        extracted.page_url = page.group("page")
    return extracted
