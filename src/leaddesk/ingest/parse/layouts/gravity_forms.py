"""Gravity Forms (WordPress): the ``{all_fields}`` merge tag in HTML and in text notifications.

The HTML ``{all_fields}`` is the well-known nested table: an outer ``bgcolor="#EAEAEA"`` frame, then per
field a ``<tr bgcolor="#EAF2FA">`` row holding the bold label and a ``<tr bgcolor="#FFFFFF">`` row with a
20-pixel spacer cell and the value. The text format writes "Label: value" lines. The default admin
notification's subject is "New submission from <form title>"; From is the admin e-mail with no
Reply-To, so the visitor's address is only in the fields.
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.fieldlines import label_value_fields
from leaddesk.ingest.parse.layouts.base import Extracted, fields_from_html
from leaddesk.ingest.parse.readable import Readable

NAME = "gravity-forms"

_SUBJECT = re.compile(r"^new submission from\b", re.IGNORECASE)


def recognise(mail: Readable) -> Extracted | None:
    if mail.html is not None and 'bgcolor="#eaf2fa"' in mail.html_source:
        fields = fields_from_html(mail.html)
        return Extracted(plugin=NAME, fields=fields) if fields else None
    if mail.html is None and _SUBJECT.match(mail.subject):
        fields = label_value_fields(mail.text)[0]
        return Extracted(plugin=NAME, fields=fields) if len(fields) >= 2 else None
    return None
