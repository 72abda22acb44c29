"""Webflow form submission notifications.

Webflow sends them from ``no-reply-forms@webflow.com`` (also ``no-reply@webflow.com`` and
``no-reply@webforms.io``, the addresses Webflow asks customers to allow-list). The body lists the
submitted fields as "Label: value"; the form and site names come with it.
"""

from __future__ import annotations

from leaddesk.ingest.parse.layouts.base import Extracted, fields_of, mentions_form
from leaddesk.ingest.parse.readable import Readable

NAME = "webflow"


def recognise(mail: Readable) -> Extracted | None:
    if not mail.sent_by("webflow.com", "webforms.io", "webflow.io") or not mentions_form(mail):
        return None
    fields = fields_of(mail)
    return Extracted(plugin=NAME, fields=fields, site_names=("Webflow",)) if fields else None
