"""WPForms (WordPress): the plain-text template and the HTML templates.

From WPForms' ``src/Emails/Notifications.php``: the plain-text template renders ``{all_fields}`` as
``"--- " . $field_name . " ---\\r\\n\\r\\n" . $value . "\\r\\n\\r\\n"`` per field; the HTML templates render
each field as a table with a bold label row above a value row (the legacy ``default-field.php``) or
``field-name``/``field-value`` cells, and text around ``{all_fields}`` as ``<tr class="smart-tag">``
rows. Empty fields are left out, or shown as "(empty)". The default subject is "New Entry: <form>".
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.fieldlines import dashed_fields
from leaddesk.ingest.parse.layouts.base import Extracted, fields_from_html
from leaddesk.ingest.parse.readable import Readable

NAME = "wpforms"

_SUBJECT = re.compile(r"^new entry\b", re.IGNORECASE)
# "field-value" alone is no marker: Fluent Forms' {all_data} rows have that class too.
_HTML_MARKERS = ("wpforms", 'class="field-name', "class='field-name")
_FOOTER = re.compile(r"^(sent from|gesendet von|envoy[ée] depuis|enviado desde|inviato da)\b", re.IGNORECASE)


def recognise(mail: Readable) -> Extracted | None:
    dashed = dashed_fields(mail.text)
    if len(dashed) >= 2 or (dashed and _SUBJECT.match(mail.subject)):
        # The plain template has no footer of its own, but a site may add "Sent from" after the fields.
        label, value = dashed[-1]
        value = "\n".join(line for line in value.split("\n") if not _FOOTER.match(line.strip())).strip()
        return Extracted(plugin=NAME, fields=[*dashed[:-1], (label, value)])
    if mail.html is None or not (any(m in mail.html_source for m in _HTML_MARKERS)
                                 or (_SUBJECT.match(mail.subject) and mail.html.pairs)):
        return None
    fields = [(label, value) for label, value in fields_from_html(mail.html)
              if not _FOOTER.match(label)]
    return Extracted(plugin=NAME, fields=fields) if fields else None
