"""Ninja Forms (WordPress): the fields table of the default "Admin Email" action.

From Ninja Forms' ``includes/MergeTags/Fields.php``: ``{fields_table}``/``{all_fields_table}`` is a bare
``<table>`` with one ``<tr><td>Label:</td><td>value</td></tr>`` per field (the plain variant writes
"Label: value" lines). The action's default subject is "Ninja Forms Submission"; From and Reply-To are
empty unless set, so WordPress sends as "WordPress <wordpress@site>".
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.layouts.base import Extracted, fields_from_html, fields_of
from leaddesk.ingest.parse.readable import Readable

NAME = "ninja-forms"

_SUBJECT = re.compile(r"\bninja forms?\b", re.IGNORECASE)
_ROW = re.compile(r"<tr>\s*<td>[^<>]{1,80}:</td>\s*<td>")


def recognise(mail: Readable) -> Extracted | None:
    by_markup = mail.html is not None and len(_ROW.findall(mail.html_source)) >= 2
    if not by_markup and not _SUBJECT.search(mail.subject):
        return None
    fields = fields_from_html(mail.html) if by_markup and mail.html is not None else fields_of(mail)
    return Extracted(plugin=NAME, fields=fields) if fields else None
