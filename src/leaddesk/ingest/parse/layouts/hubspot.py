"""HubSpot form submission notifications.

HubSpot sends them from ``noreply@notifications.hubspot.com`` (HubSpot knowledge base). The body lists
the submitted fields as "Label: value" and names the page the form was submitted on ("Page submitted
on: <page title>" linking to the page). The exact wording of the body is HubSpot's and changes; only
the sender and the labelled fields are relied on.
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.layouts.base import Extracted, fields_of, mentions_form
from leaddesk.ingest.parse.readable import Readable

NAME = "hubspot"

_DOMAINS = ("hubspot.com", "hubspotemail.net", "hubspotstarter.net", "hs-inbox.com")
_URL = re.compile(r"https?://[^\s()<>]+")
_PAGE_LABEL = re.compile(r"^page (submitted on|url|title)$|^submitted on page$", re.IGNORECASE)
_NOT_FIELDS = re.compile(r"^(view|see|manage|unsubscribe)\b", re.IGNORECASE)


def recognise(mail: Readable) -> Extracted | None:
    if not mail.sent_by(*_DOMAINS) or not mentions_form(mail):
        return None
    fields = [(label, value) for label, value in fields_of(mail) if not _NOT_FIELDS.match(label)]
    if not fields:
        return None
    extracted = Extracted(plugin=NAME, fields=fields, site_names=("HubSpot",))
    for label, value in fields:
        if _PAGE_LABEL.match(label.strip()):
            # "Title (URL)" from the HTML link, or the title and the URL on the next line.
            url = _URL.search(value)
            if url is not None:
                extracted.page_url = url.group(0)
                extracted.post_title = value[:url.start()].strip().rstrip("(").strip() or None
            break
    return extracted
