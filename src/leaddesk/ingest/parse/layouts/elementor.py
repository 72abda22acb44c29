"""Elementor Pro forms (WordPress): ``[all-fields]`` and the metadata block.

From Elementor Pro's ``modules/forms/actions/email.php`` and ``classes/form-record.php``: each field is
written as "Label: value" (just the value when the field has no label), followed by a line break
(``<br>`` in the default HTML mail, ``\\n`` in plain mode); then, when metadata is enabled (the default),
"---" and the lines "Date:", "Time:", "Page URL:", "User Agent:", "Remote IP:" and "Powered by:
Elementor". The subject defaults to 'New message from "<site title>"'; From is the site title and admin
address; Reply-To is the field chosen in the form's settings.
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.fieldlines import label_value_fields
from leaddesk.ingest.parse.layouts.base import Extracted
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import role_of

NAME = "elementor"

_CREDIT = re.compile(r"^[^\n:]{2,40}:\s*Elementor\s*$", re.MULTILINE | re.IGNORECASE)
_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)
_SUBJECT = re.compile(r'^[^"]*"(?P<site>[^"]+)"\s*$')
_META_ROLES = {"date", "time", "page_url", "meta", "post_title", "submitted_at"}


_DEFAULT_SUBJECT = re.compile(r'^new message from "[^"]+"$', re.IGNORECASE)


def recognise(mail: Readable) -> Extracted | None:
    # What the multi-line pattern needs, looked for first: most mail has no "---" at all.
    separators = list(_SEPARATOR.finditer(mail.text)) if "---" in mail.text else []
    if not separators:
        # Metadata switched off: only the default subject is left to say it is Elementor.
        if not _DEFAULT_SUBJECT.match(mail.subject):
            return None
        fields, _ = label_value_fields(mail.text)
        if not fields:
            return None
        return Extracted(plugin=NAME, fields=fields, site_names=(mail.subject.split('"')[1],))
    last = separators[-1]
    meta, _ = label_value_fields(mail.text[last.end():])
    credited = _CREDIT.search(mail.text[last.end():]) is not None
    known_meta = sum(1 for label, _ in meta if role_of(label) in _META_ROLES)
    if not credited and known_meta < 3:
        return None
    fields, _ = label_value_fields(mail.text[:last.start()])
    meta = [(label, value) for label, value in meta if value.strip().lower() != "elementor"]
    extracted = Extracted(plugin=NAME, fields=fields + meta)
    subject = _SUBJECT.match(mail.subject)
    if subject is not None:
        extracted.site_names = (subject.group("site"),)
    return extracted
