"""Netlify Forms notifications.

Netlify sends them from ``formresponses@netlify.com`` and sets Reply-To to the submitter when the form
has an ``email`` input (Netlify's forms documentation). The body lists the submitted inputs by name
("Label: value"); the hidden ``form-name`` input says which form it was.
"""

from __future__ import annotations

from leaddesk.ingest.parse.layouts.base import Extracted, fields_of, mentions_form, without
from leaddesk.ingest.parse.readable import Readable

NAME = "netlify"


def recognise(mail: Readable) -> Extracted | None:
    if not mail.sent_by("netlify.com", "netlify.app") or not mentions_form(mail):
        return None
    fields = without(fields_of(mail), "form-name", "form name")
    return Extracted(plugin=NAME, fields=fields, site_names=("Netlify",)) if fields else None
